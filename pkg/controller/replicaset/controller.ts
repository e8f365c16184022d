// ReplicaSet controller wiring (k8s replica_set.go NewReplicaSetController): ReplicaSets are
// the primary resource, pods are owned; pod events also settle the expectations that keep a
// burst of creates from being repeated while the pod cache catches up.
import {
  UIDTrackingControllerExpectations, defineController, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { trackPodExpectations } from '../pod-expectations';
import { reconcileReplicaSet, type ApiPod, type ApiReplicaSet } from './reconcile';

export const controllerName = 'replicaset';

export interface ReplicaSetControllerDeps {
  replicaSets: Informer<ApiReplicaSet>;
  pods: Informer<ApiPod>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  rsClient: Pick<ResourceClient<ApiReplicaSet>, 'updateStatus'>;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}


export const newReplicaSetController = (d: ReplicaSetControllerDeps): Controller & { expectations: UIDTrackingControllerExpectations } => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
  trackPodExpectations(d.pods, 'ReplicaSet', expectations);
  const controller = defineController({
    name: controllerName, informer: d.replicaSets, owns: [{ informer: d.pods, ownerKind: 'ReplicaSet' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileReplicaSet(key, {
      replicaSets: d.replicaSets, pods: d.pods, podClient: d.podClient, rsClient: d.rsClient,
      expectations, recorder: d.recorder, log, clock,
    }),
  });
  return Object.assign(controller, { expectations });
};
