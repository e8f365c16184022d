// Job controller wiring (k8s job_controller.go NewController): jobs are the primary resource,
// pods are owned; pod events also settle the expectations that keep a burst of creates from
// being repeated while the pod cache catches up.
import type { ApiJob } from '../../../api/batch/v1';
import type { ApiPod } from '../../../api/core/v1';
import {
  objectFromDeleted, UIDTrackingControllerExpectations, controllerRef, defineController, metaNamespaceKey, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { reconcileJob } from './reconcile';

export const controllerName = 'job';

export interface JobControllerDeps {
  jobs: Informer<ApiJob>;
  pods: Informer<ApiPod>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  jobClient: Pick<ResourceClient<ApiJob>, 'updateStatus' | 'delete'>;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
  backoffBaseMs?: number;
}

const ownerKey = (pod: ApiPod): string | undefined => {
  const ref = controllerRef(pod);
  return ref?.kind === 'Job' ? `${pod.metadata.namespace}/${ref.name}` : undefined;
};

export const newJobController = (d: JobControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
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
  return defineController({
    name: controllerName, informer: d.jobs, owns: [{ informer: d.pods, ownerKind: 'Job' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileJob(key, {
      jobs: d.jobs, pods: d.pods, podClient: d.podClient, jobClient: d.jobClient, expectations,
      recorder: d.recorder, log, clock, backoffBaseMs: d.backoffBaseMs,
    }),
  });
};
