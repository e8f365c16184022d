import type { ApiPod, ApiService } from '../../../api/core/v1';
import type { ApiEndpointSlice, Endpoint } from '../../../api/discovery/v1';
import { desiredEndpointSets, podToEndpoint } from './desired';
import { planEndpointSlices, sliceLabels } from './reconciler';
import { SliceTracker } from './tracker';

const svc = (o: { publishNotReady?: boolean; labels?: Record<string, string>; targetPort?: number | string } = {}): ApiService => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels: o.labels ?? { team: 'a' } },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: o.targetPort ?? 8080 }], publishNotReadyAddresses: o.publishNotReady },
});

const pod = (i: number, o: { ready?: boolean; deleting?: boolean; port?: number } = {}): ApiPod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:05:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'web', containerPort: o.port ?? 9090 }] }] },
  status: { phase: 'Running', podIP: `10.1.${Math.floor(i / 250)}.${i % 250}`, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const pods = (n: number, from = 0) => Array.from({ length: n }, (_, i) => pod(from + i));

let counter = 0;
/** Applies a plan as the apiserver would: names for creates, every write kept. */
const apply = (existing: ApiEndpointSlice[], plan: ReturnType<typeof planEndpointSlices>): ApiEndpointSlice[] => {
  const gone = new Set(plan.delete.map((s) => s.metadata.name));
  const updated = new Map(plan.update.map((s) => [s.metadata.name, s]));
  const kept = existing.filter((s) => !gone.has(s.metadata.name)).map((s) => updated.get(s.metadata.name) ?? s);
  return [...kept, ...plan.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${++counter}`, uid: `slice-${counter}` } }))];
};
const sync = (s: ApiService, p: ApiPod[], existing: ApiEndpointSlice[]) => {
  const plan = planEndpointSlices(s, desiredEndpointSets(s, p), existing);
  return { plan, slices: apply(existing, plan) };
};
const names = (slices: ApiEndpointSlice[]) => slices.flatMap((s) => (s.endpoints ?? []).map((e) => e.targetRef?.name)).sort();

describe('podToEndpoint', () => {
  it('reports ready, serving and terminating as upstream', () => {
    const c = (p: ApiPod, s = svc()): Endpoint['conditions'] => podToEndpoint(s, p, '10.0.0.1').conditions;
    expect(c(pod(1))).toEqual({ ready: true, serving: true, terminating: false });
    expect(c(pod(1, { ready: false }))).toEqual({ ready: false, serving: false, terminating: false });
    expect(c(pod(1, { deleting: true }))).toEqual({ ready: false, serving: true, terminating: true });
    expect(c(pod(1, { deleting: true, ready: false }), svc({ publishNotReady: true }))).toEqual({ ready: true, serving: false, terminating: true });
  });
});

describe('planEndpointSlices', () => {
  it('creates one labelled, owned slice for a few pods, with the resolved port', () => {
    const { plan } = sync(svc(), pods(3), []);
    expect(plan.create).toHaveLength(1);
    const slice = plan.create[0];
    expect(slice?.metadata).toMatchObject({
      generateName: 'web-', namespace: 'ns',
      labels: { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(slice?.addressType).toBe('IPv4');
    expect(slice?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slice?.endpoints?.[0]).toEqual({
      addresses: ['10.1.0.0'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1',
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'p0', uid: 'uid-0' },
    });
  });

  it('splits at 100 endpoints per slice', () => {
    const { slices } = sync(svc(), pods(250), []);
    expect(slices.map((s) => s.endpoints?.length)).toEqual([100, 100, 50]);
  });

  it('writes nothing when nothing changed', () => {
    const { slices } = sync(svc(), pods(150), []);
    expect(sync(svc(), pods(150), slices).plan).toEqual({ create: [], update: [], delete: [] });
  });

  it('touches only the slice whose endpoint changed, and adds new pods to a slice with room', () => {
    const first = sync(svc(), pods(150), []).slices;
    const changed = [...pods(150), pod(500)];
    changed[120] = pod(120, { ready: false });
    const { plan, slices } = sync(svc(), changed, first);
    expect(plan.create).toHaveLength(0);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]?.endpoints).toHaveLength(51);
    expect(names(slices)).toHaveLength(151);
  });

  it('fills an unchanged slice that can take every new endpoint rather than making a new one', () => {
    const first = sync(svc(), pods(150), []).slices;
    const { plan } = sync(svc(), [...pods(150), pod(600), pod(601)], first);
    expect(plan).toMatchObject({ create: [], delete: [] });
    expect(plan.update.map((s) => s.endpoints?.length)).toEqual([52]);
  });

  it('removes gone pods and deletes a slice left empty', () => {
    const first = sync(svc(), pods(150), []).slices;
    const { plan, slices } = sync(svc(), pods(40), first);
    expect(plan.delete).toHaveLength(1);
    expect(plan.update).toHaveLength(1);
    expect(names(slices)).toHaveLength(40);
  });

  it('keeps one empty placeholder slice when no pod backs the service', () => {
    const first = sync(svc(), pods(2), []).slices;
    const { plan, slices } = sync(svc(), [], first);
    expect(plan.delete).toHaveLength(1);
    expect(plan.create).toEqual([expect.objectContaining({ endpoints: [], ports: [] })]);
    expect(sync(svc(), [], slices).plan).toEqual({ create: [], update: [], delete: [] });
    const back = sync(svc(), pods(1), slices);
    expect(back.plan.delete).toHaveLength(1);
    expect(names(back.slices)).toEqual(['p0']);
  });

  it('makes a slice per port set when a named targetPort resolves differently', () => {
    const { slices } = sync(svc({ targetPort: 'web' }), [pod(1), pod(2, { port: 7070 })], []);
    expect(slices.map((s) => s.ports?.[0]?.port).sort()).toEqual([7070, 9090]);
  });

  it('relabels slices when the service labels change, and deletes slices of an older service of that name', () => {
    const first = sync(svc(), pods(2), []).slices;
    const stale = { ...first[0], metadata: { ...first[0]?.metadata, name: 'old', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid', controller: true }] } } as ApiEndpointSlice;
    const { plan } = sync(svc({ labels: { team: 'b' } }), pods(2), [...first, stale]);
    expect(plan.delete.map((s) => s.metadata.name)).toEqual(['old']);
    expect(plan.update[0]?.metadata.labels).toEqual(sliceLabels(svc({ labels: { team: 'b' } })));
  });
});

describe('SliceTracker', () => {
  const slice = (name: string, rv: string): ApiEndpointSlice => ({ addressType: 'IPv4', metadata: { name, resourceVersion: rv } });
  it('waits until the cache shows our writes and deletes, or the timeout passes', () => {
    const t = new SliceTracker(1000);
    t.written('ns/web', slice('a', '10'), 0);
    t.deleted('ns/web', 'b', 0);
    expect(t.caughtUp('ns/web', [slice('b', '3')], 1)).toBe(false);
    expect(t.caughtUp('ns/web', [slice('a', '9')], 1)).toBe(false);
    expect(t.caughtUp('ns/web', [slice('a', '11')], 1)).toBe(true);
    t.written('ns/web', slice('c', '12'), 0);
    expect(t.caughtUp('ns/web', [], 2000)).toBe(true);
  });
});
