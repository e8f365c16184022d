// CronJob controller wiring (k8s cronjob_controllerv2.go NewControllerV2): cronjobs are the
// primary resource, jobs are owned (a job finishing enqueues its cronjob); each sync asks to be
// woken at the next scheduled minute.
import type { ApiCronJob, ApiJob } from '../../../api/batch/v1';
import {
  defineController, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { reconcileCronJob } from './sync';

export const controllerName = 'cronjob';

export interface CronJobControllerDeps {
  cronJobs: Informer<ApiCronJob>;
  jobs: Informer<ApiJob>;
  jobClient: Pick<ResourceClient<ApiJob>, 'create' | 'delete'>;
  cronJobClient: Pick<ResourceClient<ApiCronJob>, 'updateStatus'>;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

export const newCronJobController = (d: CronJobControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  return defineController({
    name: controllerName, informer: d.cronJobs, owns: [{ informer: d.jobs, ownerKind: 'CronJob' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileCronJob(key, { ...d, log, clock }),
  });
};
