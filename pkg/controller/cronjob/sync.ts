// CronJob sync (k8s pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob + cleanupFinishedJobs):
// keeps status.active to the running jobs it owns, creates the job of the most recent missed
// schedule (named <cronjob>-<minutes since the epoch>, so a repeat is AlreadyExists), honours
// suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid, Replace), deletes
// finished jobs past the history limits, and asks to be woken at the next schedule.
import type { ApiCronJob, ApiJob } from '../../../api/batch/v1';
import type { ObjectReference } from '../../../api/core/v1';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import {
  newControllerRef, namespaceIndex, splitMetaNamespaceKey,
  type Clock, type EventRecorder, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { isControlledBy } from '../replicaset/reconcile';
import { mostRecentScheduleTime, nextAfter, parseSchedule, ScheduleError, type Schedule } from './schedule';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobDeps {
  cronJobs: Pick<Informer<ApiCronJob>, 'get'>;
  jobs: Pick<Informer<ApiJob>, 'byIndex'>;
  jobClient: Pick<ResourceClient<ApiJob>, 'create' | 'delete'>;
  cronJobClient: Pick<ResourceClient<ApiCronJob>, 'updateStatus'>;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const finishedCondition = (job: ApiJob) => job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/** getJobFromTemplate2: the job for one scheduled time. */
export const jobForSchedule = (cj: ApiCronJob, scheduled: number): ApiJob => {
  const t = structuredClone(cj.spec?.jobTemplate ?? {});
  const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name, namespace: cj.metadata.namespace, labels: t.metadata?.labels,
      annotations: { ...(t.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: rfc3339(scheduled) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: t.spec,
  };
};

const refTo = (job: ApiJob): ObjectReference => ({
  apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace,
  uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion,
});

const deleteJob = async (cj: ApiCronJob, job: ApiJob, d: CronJobDeps): Promise<void> => {
  try {
    await d.jobClient.delete(job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
    d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
};

/** Deletes the oldest finished jobs past successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1). */
const cleanupFinishedJobs = async (cj: ApiCronJob, jobs: ApiJob[], d: CronJobDeps): Promise<void> => {
  const byAge = (a: ApiJob, b: ApiJob) => Date.parse(a.status?.startTime ?? a.metadata.creationTimestamp ?? '') - Date.parse(b.status?.startTime ?? b.metadata.creationTimestamp ?? '');
  const limits: Array<[string, number]> = [['Complete', cj.spec?.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec?.failedJobsHistoryLimit ?? 1]];
  for (const [type, limit] of limits) {
    const finished = jobs.filter((j) => finishedCondition(j)?.type === type).sort(byAge);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) await deleteJob(cj, job, d);
  }
};

/**
 * The active list (and lastSuccessfulTime) as the owned jobs say, and the SawCompletedJob
 * messages, recorded only once the status saying so is written (a stale cache would repeat them).
 */
const activeStatus = (cj: ApiCronJob, jobs: ApiJob[]) => {
  const status = structuredClone(cj.status ?? {});
  const saw: string[] = [];
  const running = jobs.filter((j) => !finishedCondition(j));
  for (const ref of cj.status?.active ?? []) {
    const job = jobs.find((j) => j.metadata.uid === ref.uid);
    const cond = job && finishedCondition(job);
    if (job && cond) {
      saw.push(`Saw completed job: ${job.metadata.name}, condition: ${cond.type}`);
      if (cond.type === 'Complete' && job.status?.completionTime) {
        const prev = Date.parse(status.lastSuccessfulTime ?? '');
        if (!(prev >= Date.parse(job.status.completionTime))) status.lastSuccessfulTime = job.status.completionTime;
      }
    }
  }
  status.active = running.map(refTo);
  if (!status.active.length) delete status.active;
  return { status, running, saw };
};

const parse = (cj: ApiCronJob, d: CronJobDeps): Schedule | undefined => {
  const tz = cj.spec?.timeZone;
  if (tz && tz !== 'UTC' && tz !== 'Etc/UTC') {
    d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": only UTC is supported`);
    return undefined;
  }
  try {
    return parseSchedule((cj.spec?.schedule ?? '').replace(/^(CRON_)?TZ=(UTC|Etc\/UTC)\s+/, ''));
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule ?? ''}" : ${err.message}`);
    return undefined;
  }
};

/** Creates the job of `scheduled` unless concurrencyPolicy says otherwise; returns it, if any. */
const startJob = async (cj: ApiCronJob, scheduled: number, running: ApiJob[], d: CronJobDeps): Promise<ApiJob | undefined> => {
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && running.length > 0) {
    d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return undefined;
  }
  if (policy === 'Replace') for (const job of running) await deleteJob(cj, job, d);
  try {
    const job = await d.jobClient.create(cj.metadata.namespace ?? '', jobForSchedule(cj, scheduled));
    d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
    return job;
  } catch (err) {
    // Already made for this time (our cache lags our own create): nothing to do again.
    if (isAlreadyExists(err)) return undefined;
    d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
};

export const reconcileCronJob = async (key: string, d: CronJobDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const cj = d.cronJobs.get(key);
  if (!cj) return;
  const jobs = d.jobs.byIndex(namespaceIndex, namespace).filter((j) => isControlledBy(j, cj));
  const { status, running, saw } = activeStatus(cj, jobs);
  const now = d.clock.now();
  let requeue: number | undefined;
  const schedule = cj.metadata.deletionTimestamp ? undefined : parse(cj, d);
  if (schedule && cj.spec?.suspend !== true) {
    const earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
    const { time, missed } = mostRecentScheduleTime(schedule, earliest, now);
    if (missed > 100) d.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (time !== undefined && deadline !== undefined && time + deadline * 1000 < now) {
      d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(time)}`);
      status.lastScheduleTime = rfc3339(time);
    } else if (time !== undefined) {
      const job = await startJob(cj, time, running, d);
      if (job) status.active = [...(status.active ?? []).filter((r) => r.uid !== job.metadata.uid), refTo(job)];
      if (job || (cj.spec?.concurrencyPolicy ?? 'Allow') !== 'Forbid') status.lastScheduleTime = rfc3339(time);
    }
    const next = nextAfter(schedule, now);
    if (next !== undefined) requeue = next - now + 100;
  }
  await cleanupFinishedJobs(cj, jobs, d);
  if (JSON.stringify(cj.status ?? {}) !== JSON.stringify(status)) {
    try {
      await d.cronJobClient.updateStatus(namespace, { ...cj, status });
      for (const message of saw) d.recorder.event(cj, 'Normal', 'SawCompletedJob', message);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return requeue === undefined ? undefined : { requeueAfterMs: requeue };
};
