// The strategy of every served resource. `strategies` is keyed by plural, which is unique except
// for events: core/v1 events own the key and the events.k8s.io view is found by strategyFor.
import { podStrategy } from './pods';
import { replicaSetStrategy } from './replicasets';
import { replicationControllerStrategy } from './replicationcontrollers';
import { nodeStrategy } from './nodes';
import { namespaceStrategy } from './namespaces';
import { eventStrategy } from './events';
import { eventsV1Strategy } from './events-v1';
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
import {
  endpointSliceStrategy, horizontalPodAutoscalerStrategy, podDisruptionBudgetStrategy, priorityClassStrategy,
} from './policy-scheduling';
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
};

/** Strategies of resources that share a plural with another group's, by `<plural>.<group>`. */
const byGroup: Record<string, ResourceStrategy> = { 'events.events.k8s.io': eventsV1Strategy };

/** The strategy of a served resource (group-aware; prefer this to indexing `strategies`). */
export const strategyFor = (r: { group: string; plural: string }): ResourceStrategy =>
  byGroup[`${r.plural}.${r.group}`] ?? strategies[r.plural];

export { eventToEventsV1, eventFromEventsV1 } from './events-v1';
export type { ResourceStrategy, Strategy } from './strategy';
