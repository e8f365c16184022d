// What hack/gen-api generates: the served kinds (roots) of each group-version. Every upstream
// definition reachable from a root is emitted in the module of its own group-version, so
// shared types (PodTemplateSpec, ObjectReference) live once, in core/v1.

export interface ModuleConfig {
  /** Upstream definition prefix: `io.k8s.api.<prefix>.<Name>`. */
  prefix: string;
  /** File under api/, without `.ts`. */
  file: string;
  /** One-line header comment of the module. */
  title: string;
  /** Kinds served from this module (each gets `export type Api<Kind> = Stored<Kind>`). */
  roots: string[];
  /** Definitions that must be emitted even when no root reaches them. */
  extra?: string[];
  /** Lines appended verbatim. */
  trailer?: string[];
}

export const modules: ModuleConfig[] = [
  {
    prefix: 'core.v1', file: 'core/v1', title: 'core/v1: pods, nodes, services and the other kinds of the legacy group',
    roots: ['Pod', 'Node', 'Namespace', 'Event', 'Binding', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount',
      'PersistentVolume', 'PersistentVolumeClaim', 'LimitRange', 'ResourceQuota', 'ReplicationController'],
    extra: ['PodTemplateSpec', 'ObjectReference'],
    trailer: ['export { ObjectMeta, ListMeta, LabelSelector };'],
  },
  { prefix: 'apps.v1', file: 'apps/v1', title: 'apps/v1: workload controllers', roots: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ControllerRevision'] },
  { prefix: 'batch.v1', file: 'batch/v1', title: 'batch/v1: run-to-completion workloads', roots: ['Job', 'CronJob'] },
  { prefix: 'coordination.v1', file: 'coordination/v1', title: 'coordination.k8s.io/v1: leases for leader election and node heartbeats', roots: ['Lease'] },
  { prefix: 'discovery.v1', file: 'discovery/v1', title: 'discovery.k8s.io/v1: endpoint slices', roots: ['EndpointSlice'] },
  { prefix: 'scheduling.v1', file: 'scheduling/v1', title: 'scheduling.k8s.io/v1: priority classes', roots: ['PriorityClass'] },
  { prefix: 'policy.v1', file: 'policy/v1', title: 'policy/v1: disruption budgets and evictions', roots: ['PodDisruptionBudget'], extra: ['Eviction'] },
  { prefix: 'networking.v1', file: 'networking/v1', title: 'networking.k8s.io/v1: ingresses and network policies', roots: ['Ingress', 'IngressClass', 'NetworkPolicy'] },
  { prefix: 'autoscaling.v1', file: 'autoscaling/v1', title: 'autoscaling/v1: Scale (the body of every scale subresource) and the v1 view of horizontal pod autoscalers', roots: ['HorizontalPodAutoscaler'], extra: ['Scale'] },
  { prefix: 'autoscaling.v2', file: 'autoscaling/v2', title: 'autoscaling/v2: horizontal pod autoscalers', roots: ['HorizontalPodAutoscaler'] },
  { prefix: 'authentication.v1', file: 'authentication/v1', title: 'authentication.k8s.io/v1: bodies of serviceaccounts/token and of the create-only TokenReview and SelfSubjectReview', roots: [], extra: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'] },
  { prefix: 'authorization.v1', file: 'authorization/v1', title: 'authorization.k8s.io/v1: the create-only access reviews (SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview, LocalSubjectAccessReview)', roots: [], extra: ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview'] },
  { prefix: 'rbac.v1', file: 'rbac/v1', title: 'rbac.authorization.k8s.io/v1: roles and their bindings (stored, served and enforced)', roots: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'] },
  { prefix: 'certificates.v1', file: 'certificates/v1', title: 'certificates.k8s.io/v1: certificate signing requests', roots: ['CertificateSigningRequest'] },
  { prefix: 'storage.v1', file: 'storage/v1', title: 'storage.k8s.io/v1: storage classes (stored and served; no provisioner acts on them)', roots: ['StorageClass'] },
  { prefix: 'events.v1', file: 'events/v1', title: 'events.k8s.io/v1: the newer view of core Events (same storage)', roots: ['Event'] },
];

/** apimachinery definitions: a schema helper call, or a name exported by api/meta/v1.ts. */
export const external: Record<string, { helper?: string; meta?: string }> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { helper: 'Quantity' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { helper: 'IntOrString' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { helper: 'Time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { helper: 'Time' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { helper: 'AnyJSON' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { meta: 'ObjectMeta' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': { meta: 'ListMeta' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { meta: 'LabelSelector' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { meta: 'LabelSelectorRequirement' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': { meta: 'Condition' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { meta: 'DeleteOptions' },
};
