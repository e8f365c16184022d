// Job controller wiring (k8s job_controller.go NewController): jobs are the primary resource,
// pods are owned; pod events also settle the expectations that keep a burst of creates from
// being repeated while the pod cache catches up.
import type { ApiJob } from '../../../api/batch/v1';
import type { ApiPod } from '../../../api/core/v1';
import {
  UIDTrackingControllerExpectations, defineController, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { trackPodExpectations } from '../pod-expectations';
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


export const newJobController = (d: JobControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
  trackPodExpectations(d.pods, 'Job', expectations);
  return defineController({
    name: controllerName, informer: d.jobs, owns: [{ informer: d.pods, ownerKind: 'Job' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileJob(key, {
      jobs: d.jobs, pods: d.pods, podClient: d.podClient, jobClient: d.jobClient, expectations,
      recorder: d.recorder, log, clock, backoffBaseMs: d.backoffBaseMs,
    }),
  });
};
