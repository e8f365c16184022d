// StatefulSet controller wiring (k8s stateful_set.go NewStatefulSetController): StatefulSets are
// the primary resource; pods and ControllerRevisions are owned. Claims are only read: a claim's
// changes do not move a StatefulSet (upstream does not watch them either).
import type { ApiControllerRevision, ApiStatefulSet } from '../../../api/apps/v1';
import type { ApiPersistentVolumeClaim, ApiPod } from '../../../api/core/v1';
import {
  UIDTrackingControllerExpectations, createWorkQueue, defineController, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import type { RevisionClient } from '../revision-writes';
import { trackPodExpectations } from '../pod-expectations';
import { reconcileStatefulSet } from './reconcile';

export const controllerName = 'statefulset';

export interface StatefulSetControllerDeps {
  statefulSets: Informer<ApiStatefulSet>;
  pods: Informer<ApiPod>;
  claims: Pick<Informer<ApiPersistentVolumeClaim>, 'get' | 'waitForSync'>;
  revisions: Informer<ApiControllerRevision>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  claimClient: Pick<ResourceClient<ApiPersistentVolumeClaim>, 'create'>;
  stsClient: Pick<ResourceClient<ApiStatefulSet>, 'updateStatus'>;
  revisionClient: RevisionClient;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

export const newStatefulSetController = (d: StatefulSetControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
  const queue = createWorkQueue({ clock });
  trackPodExpectations(d.pods, 'StatefulSet', expectations);
  return defineController({
    name: controllerName, informer: d.statefulSets,
    owns: [{ informer: d.pods, ownerKind: 'StatefulSet' }, { informer: d.revisions, ownerKind: 'StatefulSet' }], queue,
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: async (key, signal) => {
      await d.claims.waitForSync(signal);
      return reconcileStatefulSet(key, {
        statefulSets: d.statefulSets, pods: d.pods, claims: d.claims, revisions: d.revisions, podClient: d.podClient, claimClient: d.claimClient,
        stsClient: d.stsClient, revisionClient: d.revisionClient, expectations, recorder: d.recorder, log, clock,
      });
    },
  });
};
