// The strategy of every served resource. `strategies` is keyed by plural, which is unique except
// for views of another version's storage (events.k8s.io Events, autoscaling/v1 HPAs), found by strategyFor.
import { podStrategy } from './pods';
import { replicaSetStrategy } from './replicasets';
import { replicationControllerStrategy } from './replicationcontrollers';
import { nodeStrategy } from './nodes';
import { namespaceStrategy } from './namespaces';
import { eventStrategy } from './events';
import { eventsV1Strategy } from './events-v1';
import { hpaV1Strategy } from './hpa-v1';
import { leaseStrategy } from './leases';
import { serviceStrategy } from './services';
import { configMapStrategy } from './configmaps';
import { secretStrategy } from './secrets';
import { endpointsStrategy, limitRangeStrategy, resourceQuotaStrategy, serviceAccountStrategy } from './core-misc';
import { persistentVolumeStrategy } from './persistentvolumes';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaims';
import { deploymentStrategy } from './deployments';
import { daemonSetStrategy } from './daemonsets';
import { statefulSetStrategy } from './statefulsets';
import { controllerRevisionStrategy } from './controllerrevisions';
import { jobStrategy } from './jobs';
import { cronJobStrategy } from './cronjobs';
import { ingressClassStrategy, ingressStrategy, networkPolicyStrategy } from './networking';
import { storageClassStrategy } from './storage';
import { certificateSigningRequestStrategy } from './certificates';
export { withRequester } from './certificates';
import {
  endpointSliceStrategy, horizontalPodAutoscalerStrategy, podDisruptionBudgetStrategy, priorityClassStrategy,
} from './policy-scheduling';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac';
import type { ResourceStrategy } from './strategy';

export const strategies: Record<string, ResourceStrategy> = {
  pods: podStrategy, nodes: nodeStrategy, namespaces: namespaceStrategy, events: eventStrategy,
  services: serviceStrategy, endpoints: endpointsStrategy, configmaps: configMapStrategy, secrets: secretStrategy,
  serviceaccounts: serviceAccountStrategy, persistentvolumes: persistentVolumeStrategy,
  persistentvolumeclaims: persistentVolumeClaimStrategy, limitranges: limitRangeStrategy, resourcequotas: resourceQuotaStrategy,
  replicationcontrollers: replicationControllerStrategy,
  replicasets: replicaSetStrategy, deployments: deploymentStrategy, daemonsets: daemonSetStrategy,
  statefulsets: statefulSetStrategy, controllerrevisions: controllerRevisionStrategy,
  jobs: jobStrategy, cronjobs: cronJobStrategy,
  leases: leaseStrategy, endpointslices: endpointSliceStrategy, priorityclasses: priorityClassStrategy,
  poddisruptionbudgets: podDisruptionBudgetStrategy, ingresses: ingressStrategy, ingressclasses: ingressClassStrategy,
  networkpolicies: networkPolicyStrategy, horizontalpodautoscalers: horizontalPodAutoscalerStrategy,
  roles: roleStrategy, clusterroles: clusterRoleStrategy, rolebindings: roleBindingStrategy, clusterrolebindings: clusterRoleBindingStrategy,
  storageclasses: storageClassStrategy, certificatesigningrequests: certificateSigningRequestStrategy,
};

/** Strategies of views that share a plural with the stored resource, by `<group>/<version>/<plural>`. */
const ofViews: Record<string, ResourceStrategy> = {
  'events.k8s.io/v1/events': eventsV1Strategy,
  'autoscaling/v1/horizontalpodautoscalers': hpaV1Strategy,
};

/** The strategy of a served resource (version-aware; prefer this to indexing `strategies`). */
export const strategyFor = (r: { group: string; version: string; plural: string }): ResourceStrategy =>
  ofViews[`${r.group}/${r.version}/${r.plural}`] ?? strategies[r.plural];

export { eventToEventsV1, eventFromEventsV1 } from './events-v1';
export { hpaFromV1, hpaToV1 } from './hpa-v1';
export { storageViewOf, type StorageView } from './views';
export type { ResourceStrategy, Strategy } from './strategy';
