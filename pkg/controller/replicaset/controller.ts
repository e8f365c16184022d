// ReplicaSet controller wiring (k8s replica_set.go NewReplicaSetController): ReplicaSets are
// the primary resource, pods are owned; pod events also settle the expectations that keep a
// burst of creates from being repeated while the pod cache catches up.
import {
  objectFromDeleted, UIDTrackingControllerExpectations, controllerRef, defineController, metaNamespaceKey, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
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

const ownerKey = (pod: ApiPod): string | undefined => {
  const ref = controllerRef(pod);
  return ref?.kind === 'ReplicaSet' ? `${pod.metadata.namespace}/${ref.name}` : undefined;
};

export const newReplicaSetController = (d: ReplicaSetControllerDeps): Controller & { expectations: UIDTrackingControllerExpectations } => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
  // A pod that starts terminating counts as deleted (upstream updatePod/deletePod).
  const deleted = (pod: ApiPod) => { const k = ownerKey(pod); if (k) expectations.deletionObservedOf(k, metaNamespaceKey(pod)); };
  d.pods.addEventHandler({
    add: (pod) => {
      const k = ownerKey(pod);
      if (k && pod.metadata.deletionTimestamp) deleted(pod);
      else if (k) expectations.creationObserved(k);
    },
    update: (old, pod) => { if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) deleted(pod); },
    delete: (pod) => deleted(objectFromDeleted(pod)),
  });
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
