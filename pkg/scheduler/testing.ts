// Builders for the scheduler's unit tests (upstream st.MakePod / st.MakeNode). Test-only: never
// exported from index.ts.
import type { Container, Node, Pod } from '../../api/core/v1';
import { NodeInfo } from './node-info';

export interface PodSpecOpts {
  name?: string;
  namespace?: string;
  cpu?: string;
  memory?: string;
  limits?: { cpu?: string; memory?: string };
  init?: { cpu?: string; memory?: string; restartPolicy?: string }[];
  priority?: number;
  created?: string;
  nodeName?: string;
  schedulerName?: string;
  tolerations?: { key?: string; operator?: string; value?: string; effect?: string }[];
}

const resources = (r: { cpu?: string; memory?: string }): Record<string, string> => {
  const out: Record<string, string> = {};
  if (r.cpu !== undefined) out.cpu = r.cpu;
  if (r.memory !== undefined) out.memory = r.memory;
  return out;
};

export const pod = (o: PodSpecOpts = {}): Pod => {
  const main: Container = { name: 'c', image: 'busybox' };
  if (o.cpu !== undefined || o.memory !== undefined || o.limits) {
    main.resources = {};
    if (o.cpu !== undefined || o.memory !== undefined) main.resources.requests = resources(o);
    if (o.limits) main.resources.limits = resources(o.limits);
  }
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: o.name ?? 'p', namespace: o.namespace ?? 'default', uid: `uid-${o.name ?? 'p'}`,
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', resourceVersion: '1' },
    spec: {
      containers: [main],
      initContainers: o.init?.map((r, i) => ({ name: `init-${i}`, image: 'busybox', restartPolicy: r.restartPolicy,
        resources: { requests: resources(r) } })),
      priority: o.priority, nodeName: o.nodeName, schedulerName: o.schedulerName, tolerations: o.tolerations,
    },
    status: { phase: 'Pending' },
  };
};

export interface NodeOpts {
  name?: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  ready?: boolean;
  unschedulable?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
}

export const node = (o: NodeOpts = {}): Node => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name: o.name ?? 'n1', resourceVersion: '1' },
  spec: { unschedulable: o.unschedulable, taints: o.taints },
  status: {
    allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110) },
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  },
});

/** A NodeInfo with `used` pods already on it. */
export const nodeInfo = (n: Node = node(), used: Pod[] = []): NodeInfo => new NodeInfo(n, used);

/** `count` pods requesting `cpu` each, bound to `nodeName`. */
export const usedPods = (count: number, opts: PodSpecOpts = {}): Pod[] =>
  Array.from({ length: count }, (_, i) => pod({ ...opts, name: `${opts.name ?? 'used'}-${i}` }));
