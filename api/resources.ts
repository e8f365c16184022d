// The one table of served resources. The router, discovery, openapi, Tables, the CLI's short
// names and the storage prefixes are all derived from it.
import type { TSchema } from '@sinclair/typebox';
import { Pod, Node, Namespace, Event, Binding } from './core/v1';
import { ReplicaSet } from './apps/v1';
import { Scale } from './autoscaling/v1';
import { Lease } from './coordination/v1';

/** A column of the server-side Table (`kubectl get`); priority > 0 shows only with -o wide. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: 'name' | '';
  description: string;
  priority: number;
}

export interface ResourceInfo {
  group: string;          // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;         // the resource name in URLs and etcd keys
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresources served: 'status', 'scale', 'binding', 'log', … */
  subresources: string[];
  schema: TSchema;
  columns: PrinterColumn[];
}

const name: PrinterColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name of the object.', priority: 0 };
const age: PrinterColumn = { name: 'Age', type: 'string', description: 'Time since creation.', priority: 0 };
const col = (n: string, description: string, priority = 0, type: PrinterColumn['type'] = 'string'): PrinterColumn =>
  ({ name: n, type, description, priority });

export const resources: readonly ResourceInfo[] = [
  {
    group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList', plural: 'namespaces', singular: 'namespace',
    namespaced: false, shortNames: ['ns'], categories: [], subresources: ['status'], schema: Namespace,
    columns: [name, col('Status', 'Phase of the namespace.'), age],
  },
  {
    group: '', version: 'v1', kind: 'Node', listKind: 'NodeList', plural: 'nodes', singular: 'node',
    namespaced: false, shortNames: ['no'], categories: [], subresources: ['status'], schema: Node,
    columns: [name, col('Status', 'Ready state and schedulability.'), col('Roles', 'Node roles.'), age,
      col('Version', 'Agent version.'), col('Internal-IP', 'Internal address.', 1), col('External-IP', 'External address.', 1),
      col('OS-Image', 'Operating system image.', 1), col('Kernel-Version', 'Kernel version.', 1),
      col('Container-Runtime', 'Container runtime and version.', 1)],
  },
  {
    group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', plural: 'pods', singular: 'pod',
    namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'log'], schema: Pod,
    columns: [name, col('Ready', 'Ready containers of all containers.'), col('Status', 'Phase or reason.'),
      col('Restarts', 'Container restarts.', 0, 'string'), age, col('IP', 'Pod IP.', 1), col('Node', 'Node the pod runs on.', 1),
      col('Nominated Node', 'Node nominated by preemption.', 1), col('Readiness Gates', 'Readiness gates.', 1)],
  },
  {
    group: '', version: 'v1', kind: 'Event', listKind: 'EventList', plural: 'events', singular: 'event',
    namespaced: true, shortNames: ['ev'], categories: [], subresources: [], schema: Event,
    columns: [col('Last Seen', 'Time of the last occurrence.'), col('Type', 'Normal or Warning.'), col('Reason', 'Short reason.'),
      col('Object', 'The object involved.'), col('Message', 'What happened.')],
  },
  {
    group: 'apps', version: 'v1', kind: 'ReplicaSet', listKind: 'ReplicaSetList', plural: 'replicasets', singular: 'replicaset',
    namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], schema: ReplicaSet,
    columns: [name, col('Desired', 'Desired replicas.', 0, 'integer'), col('Current', 'Current replicas.', 0, 'integer'),
      col('Ready', 'Ready replicas.', 0, 'integer'), age, col('Containers', 'Container names.', 1),
      col('Images', 'Container images.', 1), col('Selector', 'Label selector.', 1)],
  },
  {
    group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', plural: 'leases', singular: 'lease',
    namespaced: true, shortNames: [], categories: [], subresources: [], schema: Lease,
    columns: [name, col('Holder', 'Identity of the current holder.'), age],
  },
];

/** Kinds that are only request bodies of subresources, not stored resources. */
export const subresourceKinds = { Binding, Scale } as const;

export const apiVersionOf = (r: Pick<ResourceInfo, 'group' | 'version'>): string =>
  r.group ? `${r.group}/${r.version}` : r.version;

export const findResource = (group: string, version: string, plural: string): ResourceInfo | undefined =>
  resources.find((r) => r.group === group && r.version === version && r.plural === plural);

export const resourceForKind = (apiVersion: string, kind: string): ResourceInfo | undefined =>
  resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);

/** Resolves what a user typed (`po`, `pod`, `pods`, `replicasets.apps`) to a resource. */
export const resolveResourceName = (typed: string): ResourceInfo | undefined => {
  const [head, ...groupParts] = typed.toLowerCase().split('.');
  const group = groupParts.join('.');
  return resources.find((r) => (!group || r.group === group) &&
    (r.plural === head || r.singular === head || r.shortNames.includes(head) || r.kind.toLowerCase() === head));
};
