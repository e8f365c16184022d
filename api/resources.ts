// The one table of served resources. The router, discovery, openapi, Tables, the CLI's short
// names and the storage prefixes are all derived from it.
import type { TSchema } from '@sinclair/typebox';
import * as core from './core/v1';
import * as apps from './apps/v1';
import * as batch from './batch/v1';
import { HorizontalPodAutoscaler as HorizontalPodAutoscalerV1, Scale } from './autoscaling/v1';
import { HorizontalPodAutoscaler } from './autoscaling/v2';
import { Lease } from './coordination/v1';
import { EndpointSlice } from './discovery/v1';
import { Event as EventsV1Event } from './events/v1';
import { Ingress, IngressClass, NetworkPolicy } from './networking/v1';
import { StorageClass } from './storage/v1';
import { CertificateSigningRequest } from './certificates/v1';
import { Eviction, PodDisruptionBudget } from './policy/v1';
import { SelfSubjectReview, TokenRequest, TokenReview } from './authentication/v1';
import { LocalSubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview } from './authorization/v1';
import { PriorityClass } from './scheduling/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './rbac/v1';

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
  /** Verbs served, when not every verb of a stored resource (create-only reviews). */
  verbs?: string[];
}

/** What a client needs to address a resource: its URL parts and kind, no schema. */
export type ResourceRef = Pick<ResourceInfo, 'group' | 'version' | 'kind' | 'listKind' | 'plural' | 'namespaced'>;

const name: PrinterColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name of the object.', priority: 0 };
const age: PrinterColumn = { name: 'Age', type: 'string', description: 'Time since creation.', priority: 0 };
const col = (n: string, description: string, priority = 0, type: PrinterColumn['type'] = 'string'): PrinterColumn =>
  ({ name: n, type, description, priority });
const int = (n: string, description: string, priority = 0): PrinterColumn => col(n, description, priority, 'integer');
const wide = (n: string, description: string): PrinterColumn => col(n, description, 1);
/** Roles print their creation time itself. */
const createdAt: PrinterColumn = { name: 'Created At', type: 'date', description: 'Time of creation.', priority: 0 };
/** ROLE, then USERS, GROUPS and SERVICEACCOUNTS with -o wide (printRoleBinding). */
const bindingColumns = [name, col('Role', 'The role granted (kind/name).'), age,
  wide('Users', 'Users granted the role.'), wide('Groups', 'Groups granted the role.'), wide('ServiceAccounts', 'Service accounts granted the role.')];
/** CONTAINERS, IMAGES and SELECTOR of workload controllers with -o wide. */
const workloadWide = [wide('Containers', 'Container names.'), wide('Images', 'Container images.'), wide('Selector', 'Label selector.')];
const eventColumns = [col('Last Seen', 'Time of the last occurrence.'), col('Type', 'Normal or Warning.'), col('Reason', 'Short reason.'),
  col('Object', 'The object involved.'), col('Message', 'What happened.')];

type Entry = Omit<ResourceInfo, 'group' | 'version' | 'listKind' | 'singular' | 'shortNames' | 'categories' | 'subresources' | 'verbs'> &
  Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'subresources' | 'verbs'>>;

/** Fills the derived fields: listKind = <Kind>List, singular = lower-case kind. */
const entries = (groupVersion: string, list: Entry[]): ResourceInfo[] => {
  const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
  return list.map((e) => ({
    group, version, listKind: `${e.kind}List`, singular: e.kind.toLowerCase(),
    shortNames: [], categories: [], subresources: [], ...e,
  }));
};

// Names, scopes, short names, categories and subresources as upstream's discovery shows them;
// columns as kubectl prints them (pkg/printers/internalversion/printers.go).
export const resources: readonly ResourceInfo[] = [
  ...entries('v1', [
    { kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], schema: core.Namespace,
      columns: [name, col('Status', 'Phase of the namespace.'), age] },
    { kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'], schema: core.Node,
      columns: [name, col('Status', 'Ready state and schedulability.'), col('Roles', 'Node roles.'), age,
        col('Version', 'Agent version.'), wide('Internal-IP', 'Internal address.'), wide('External-IP', 'External address.'),
        wide('OS-Image', 'Operating system image.'), wide('Kernel-Version', 'Kernel version.'),
        wide('Container-Runtime', 'Container runtime and version.')] },
    { kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy'], schema: core.Pod,
      columns: [name, col('Ready', 'Ready containers of all containers.'), col('Status', 'Phase or reason.'),
        col('Restarts', 'Container restarts.'), age, wide('IP', 'Pod IP.'), wide('Node', 'Node the pod runs on.'),
        wide('Nominated Node', 'Node nominated by preemption.'), wide('Readiness Gates', 'Readiness gates.')] },
    { kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], schema: core.Event, columns: eventColumns },
    { kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'], schema: core.Service,
      columns: [name, col('Type', 'Type of the service.'), col('Cluster-IP', 'Virtual IP.'), col('External-IP', 'External addresses.'),
        col('Port(s)', 'Ports and protocols.'), age, wide('Selector', 'Pods selected.')] },
    { kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'], schema: core.Endpoints,
      columns: [name, col('Endpoints', 'Ready addresses and ports.'), age] },
    { kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], schema: core.ConfigMap,
      columns: [name, int('Data', 'Number of keys.'), age] },
    { kind: 'Secret', plural: 'secrets', namespaced: true, schema: core.Secret,
      columns: [name, col('Type', 'Type of the secret.'), int('Data', 'Number of keys.'), age] },
    { kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], subresources: ['token'], schema: core.ServiceAccount,
      columns: [name, int('Secrets', 'Number of secrets.'), age] },
    { kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, shortNames: ['pv'], subresources: ['status'], schema: core.PersistentVolume,
      columns: [name, col('Capacity', 'Storage size.'), col('Access Modes', 'Access modes.'), col('Reclaim Policy', 'What happens on release.'),
        col('Status', 'Phase.'), col('Claim', 'Bound claim.'), col('StorageClass', 'Storage class.'),
        col('VolumeAttributesClass', 'Volume attributes class.'), col('Reason', 'Why the volume is in its phase.'), age,
        wide('VolumeMode', 'Filesystem or Block.')] },
    { kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], subresources: ['status'],
      schema: core.PersistentVolumeClaim,
      columns: [name, col('Status', 'Phase.'), col('Volume', 'Bound volume.'), col('Capacity', 'Storage size.'),
        col('Access Modes', 'Access modes.'), col('StorageClass', 'Storage class.'), col('VolumeAttributesClass', 'Volume attributes class.'),
        age, wide('VolumeMode', 'Filesystem or Block.')] },
    { kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'], schema: core.LimitRange,
      columns: [name, col('Created At', 'Creation time.')] },
    { kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, shortNames: ['quota'], subresources: ['status'], schema: core.ResourceQuota,
      columns: [name, age, col('Request', 'Used and hard requests.'), col('Limit', 'Used and hard limits.')] },
    // Served so that `kubectl apply --prune` finds every kind of its default allowlist; no controller acts on it.
    { kind: 'ReplicationController', plural: 'replicationcontrollers', namespaced: true, shortNames: ['rc'], categories: ['all'],
      subresources: ['status'], schema: core.ReplicationController,
      columns: [name, int('Desired', 'Desired replicas.'), int('Current', 'Current replicas.'), int('Ready', 'Ready replicas.'), age,
        wide('Containers', 'Container names.'), wide('Images', 'Container images.'), wide('Selector', 'Label selector.')] },
  ]),
  ...entries('apps/v1', [
    { kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'],
      schema: apps.Deployment,
      columns: [name, col('Ready', 'Ready of desired replicas.'), int('Up-to-date', 'Replicas of the current template.'),
        int('Available', 'Available replicas.'), age, ...workloadWide] },
    { kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'],
      schema: apps.ReplicaSet,
      columns: [name, int('Desired', 'Desired replicas.'), int('Current', 'Current replicas.'), int('Ready', 'Ready replicas.'), age, ...workloadWide] },
    { kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], schema: apps.DaemonSet,
      columns: [name, int('Desired', 'Nodes that should run the pod.'), int('Current', 'Nodes running the pod.'), int('Ready', 'Ready pods.'),
        int('Up-to-date', 'Pods of the current template.'), int('Available', 'Available pods.'), col('Node Selector', 'Node selector.'), age,
        ...workloadWide] },
    { kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'],
      schema: apps.StatefulSet,
      columns: [name, col('Ready', 'Ready of desired replicas.'), age, wide('Containers', 'Container names.'), wide('Images', 'Container images.')] },
    { kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true, schema: apps.ControllerRevision,
      columns: [name, col('Controller', 'Owning controller.'), int('Revision', 'Revision number.'), age] },
  ]),
  ...entries('batch/v1', [
    { kind: 'Job', plural: 'jobs', namespaced: true, categories: ['all'], subresources: ['status'], schema: batch.Job,
      columns: [name, col('Status', 'Complete, Failed, Running, …'), col('Completions', 'Succeeded of desired completions.'),
        col('Duration', 'Run time.'), age, ...workloadWide] },
    { kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'], schema: batch.CronJob,
      columns: [name, col('Schedule', 'Cron schedule.'), col('Timezone', 'Time zone of the schedule.'), col('Suspend', 'Suspended.', 0, 'boolean'),
        int('Active', 'Running jobs.'), col('Last Schedule', 'Since the last scheduled job.'), age, ...workloadWide] },
  ]),
  ...entries('coordination.k8s.io/v1', [
    { kind: 'Lease', plural: 'leases', namespaced: true, schema: Lease, columns: [name, col('Holder', 'Identity of the current holder.'), age] },
  ]),
  ...entries('discovery.k8s.io/v1', [
    { kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, schema: EndpointSlice,
      columns: [name, col('AddressType', 'IPv4, IPv6 or FQDN.'), col('Ports', 'Ports.'), col('Endpoints', 'Addresses.'), age] },
  ]),
  ...entries('scheduling.k8s.io/v1', [
    { kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'], schema: PriorityClass,
      columns: [name, int('Value', 'Priority.'), col('Global-Default', 'Default class.', 0, 'boolean'), age,
        col('PreemptionPolicy', 'Whether pods of this class preempt.')] },
  ]),
  ...entries('policy/v1', [
    { kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: ['status'],
      schema: PodDisruptionBudget,
      columns: [name, col('Min Available', 'Pods that must stay available.'), col('Max Unavailable', 'Pods that may be unavailable.'),
        int('Allowed Disruptions', 'Evictions allowed now.'), age] },
  ]),
  ...entries('networking.k8s.io/v1', [
    { kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], subresources: ['status'], schema: Ingress,
      columns: [name, col('Class', 'Ingress class.'), col('Hosts', 'Host names.'), col('Address', 'Load-balancer addresses.'),
        col('Ports', 'Ports.'), age] },
    { kind: 'IngressClass', plural: 'ingressclasses', namespaced: false, schema: IngressClass,
      columns: [name, col('Controller', 'Controller that serves the class.'), col('Parameters', 'Controller parameters.'), age] },
    { kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'], schema: NetworkPolicy,
      columns: [name, col('Pod-Selector', 'Pods the policy applies to.'), age] },
  ]),
  ...entries('autoscaling/v2', [
    { kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: ['all'],
      subresources: ['status'], schema: HorizontalPodAutoscaler,
      columns: [name, col('Reference', 'Scaled workload.'), col('Targets', 'Current and target metrics.'), col('MinPods', 'Lower bound.'),
        int('MaxPods', 'Upper bound.'), int('Replicas', 'Current replicas.'), age] },
  ]),
  // The autoscaling/v1 view of the same objects (registry/hpa-v1.ts converts); after v2, which stays preferred.
  ...entries('autoscaling/v1', [
    { kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true, shortNames: ['hpa'], categories: ['all'],
      subresources: ['status'], schema: HorizontalPodAutoscalerV1,
      columns: [name, col('Reference', 'Scaled workload.'), col('Targets', 'Current and target metrics.'), col('MinPods', 'Lower bound.'),
        int('MaxPods', 'Upper bound.'), int('Replicas', 'Current replicas.'), age] },
  ]),
  // The events.k8s.io view of core Events: same plural, so the same etcd keys (/registry/events/…).
  ...entries('events.k8s.io/v1', [
    { kind: 'Event', plural: 'events', namespaced: true, schema: EventsV1Event, columns: eventColumns },
  ]),
  // Roles and bindings: stored, served and enforced (pkg/apiserver/authz).
  ...entries('rbac.authorization.k8s.io/v1', [
    { kind: 'Role', plural: 'roles', namespaced: true, schema: Role, columns: [name, createdAt] },
    { kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, schema: RoleBinding, columns: bindingColumns },
    { kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, schema: ClusterRole, columns: [name, createdAt] },
    { kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false, schema: ClusterRoleBinding, columns: bindingColumns },
  ]),
  // Approved or denied through the approval subresource (kubectl certificate approve|deny); the
  // controller-manager's signer issues kubernetes.io/kube-apiserver-client[-kubelet] certificates.
  ...entries('certificates.k8s.io/v1', [
    { kind: 'CertificateSigningRequest', plural: 'certificatesigningrequests', namespaced: false, shortNames: ['csr'], subresources: ['status', 'approval'],
      schema: CertificateSigningRequest,
      columns: [name, age, col('SignerName', 'Who is to sign.'), col('Requestor', 'Who asked.'), col('RequestedDuration', 'How long the certificate is asked to last.'),
        col('Condition', 'Pending, Approved or Denied, then Issued or Failed.')] },
  ]),
  // Stored and served so manifests carrying them apply, and the default class is given to claims
  // that name none; no provisioner creates volumes for them.
  ...entries('storage.k8s.io/v1', [
    { kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'], schema: StorageClass,
      columns: [name, col('Provisioner', 'The volume plugin.'), col('ReclaimPolicy', 'What happens to a released volume.'),
        col('VolumeBindingMode', 'When claims bind.'), col('AllowVolumeExpansion', 'Whether claims may grow.', 0, 'boolean'), age] },
  ]),
];

/**
 * Create-only resources that answer about the requester or a given user and store nothing
 * (`kubectl auth whoami`, `kubectl auth can-i`): served and discovered like the others, but no storage, watch cache or
 * namespace cleanup knows them.
 */
export const reviewResources: readonly ResourceInfo[] = [
  ...entries('authentication.k8s.io/v1', [
    { kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: false, verbs: ['create'], schema: SelfSubjectReview, columns: [] },
    { kind: 'TokenReview', plural: 'tokenreviews', namespaced: false, verbs: ['create'], schema: TokenReview, columns: [] },
  ]),
  // kubectl 1.27's `auth whoami` asks v1beta1 (then v1alpha1) only; upstream served it until 1.31.
  ...entries('authentication.k8s.io/v1beta1', [
    { kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: false, verbs: ['create'], schema: SelfSubjectReview, columns: [] },
  ]),
  ...entries('authorization.k8s.io/v1', [
    { kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'], schema: SelfSubjectAccessReview, columns: [] },
    { kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: false, verbs: ['create'], schema: SelfSubjectRulesReview, columns: [] },
    { kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', namespaced: false, verbs: ['create'], schema: SubjectAccessReview, columns: [] },
    { kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', namespaced: true, verbs: ['create'], schema: LocalSubjectAccessReview, columns: [] },
  ]),
];

/** Everything served: the stored resources, then the reviews. Discovery and openapi list these. */
export const servedResources: readonly ResourceInfo[] = [...resources, ...reviewResources];

/** Kinds that are only request bodies of subresources, not stored resources. */
export const subresourceKinds = { Binding: core.Binding, Eviction, Scale, TokenRequest } as const;

import { apiVersionOf } from './group-version';
export { apiVersionOf };

// Every request resolves its resource: a map, not a scan of the ~45 served resources.
const byPath = new Map(servedResources.map((r) => [`${r.group}/${r.version}/${r.plural}`, r]));

export const findResource = (group: string, version: string, plural: string): ResourceInfo | undefined =>
  byPath.get(`${group}/${version}/${plural}`);

export const resourceForKind = (apiVersion: string, kind: string): ResourceInfo | undefined =>
  resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);

/** Resolves what a user typed (`po`, `pod`, `pods`, `replicasets.apps`) to a resource. */
export const resolveResourceName = (typed: string): ResourceInfo | undefined => {
  const [head, ...groupParts] = typed.toLowerCase().split('.');
  const group = groupParts.join('.');
  return resources.find((r) => (!group || r.group === group) &&
    (r.plural === head || r.singular === head || r.shortNames.includes(head) || r.kind.toLowerCase() === head));
};
