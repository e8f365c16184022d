// The Job sync decision (k8s job_controller.go syncJob + manageJob, without pod-failure and
// success policies): pure — (job, its pods, now) → pods to create, pods to delete, the status
// to write, events, and when to look again. Tracking is by pod status, not by the
// batch.kubernetes.io/job-tracking finalizer: succeeded and failed never go down, so pods
// removed after finishing still count, but a pod deleted before it finished is not counted.
// As upstream since 1.31, a job first gets SuccessCriteriaMet or FailureTarget, its remaining
// pods are deleted, and Complete or Failed follows once none is left running.
import type { ApiJob, JobCondition, JobStatus } from '../../../api/batch/v1';
import type { ApiPod } from '../../../api/core/v1';
import { compareForDeletion, isPodReady } from '../replicaset/reconcile';
import { activeRestarts, defaultBackoffMs, formatIndexes, isActive, isFinished, isTerminating, podIndex, remainingBackoffMs } from './pods';

export interface JobEvent { type: 'Normal' | 'Warning'; reason: string; message: string }
export interface JobPlan {
  /** New pods: their completion indexes for an Indexed job, else nulls. */
  create: Array<number | null>;
  delete: ApiPod[];
  status: JobStatus;
  events: JobEvent[];
  requeueAfterMs?: number;
}

export const terminalConditions = ['Complete', 'Failed'];
const isTrue = (job: ApiJob, type: string) => (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
export const isJobFinished = (job: ApiJob): boolean => terminalConditions.some((t) => isTrue(job, t));

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const withCondition = (conds: JobCondition[], type: string, reason: string, message: string, now: number): JobCondition[] => {
  if (conds.some((c) => c.type === type && c.status === 'True')) return conds;
  const t = rfc3339(now);
  return [...conds.filter((c) => c.type !== type), { type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t }];
};

interface Failure { reason: string; message: string }

/** BackoffLimitExceeded or DeadlineExceeded, whichever applies first. */
const failureOf = (job: ApiJob, failed: number, active: ApiPod[], now: number): Failure | undefined => {
  const existing = job.status?.conditions?.find((c) => c.type === 'FailureTarget' && c.status === 'True');
  if (existing) return { reason: existing.reason ?? '', message: existing.message ?? '' };
  if (failed + activeRestarts(job, active) > (job.spec?.backoffLimit ?? 6)) {
    return { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
  }
  const deadline = job.spec?.activeDeadlineSeconds;
  const start = Date.parse(job.status?.startTime ?? '');
  if (deadline !== undefined && Number.isFinite(start) && now - start >= deadline * 1000) {
    return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  return undefined;
};

/**
 * How many pods should run now, and which indexes they take (Indexed). `busy` are the pods that
 * hold a place: the active ones, and the terminating ones too under podReplacementPolicy Failed.
 */
const wanted = (job: ApiJob, busy: ApiPod[], succeeded: number, succeededIndexes: Set<number>): Array<number | null> => {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (job.spec?.completionMode === 'Indexed' && completions !== undefined) {
    const taken = new Set(busy.map((p) => podIndex(p, completions)));
    const free: number[] = [];
    for (let i = 0; i < completions && free.length < parallelism - busy.length; i++) if (!succeededIndexes.has(i) && !taken.has(i)) free.push(i);
    return free;
  }
  // Without completions (a work queue), once one pod succeeded no new pod starts.
  const target = completions === undefined ? (succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - succeeded);
  return Array.from({ length: Math.max(0, target - busy.length) }, () => null);
};

export const planJob = (job: ApiJob, pods: readonly ApiPod[], now: number, backoffBaseMs = defaultBackoffMs): JobPlan => {
  const owned = [...pods];
  const active = owned.filter(isActive);
  const terminating = owned.filter(isTerminating).length;
  const completions = job.spec?.completions;
  const indexed = job.spec?.completionMode === 'Indexed' && completions !== undefined;
  const succeededPods = owned.filter((p) => p.status?.phase === 'Succeeded');
  const succeededIndexes = new Set(indexed ? succeededPods.map((p) => podIndex(p, completions)).filter((i): i is number => i !== undefined) : []);
  // Monotonic: a finished pod someone removed still counted once.
  const succeeded = Math.max(job.status?.succeeded ?? 0, indexed ? succeededIndexes.size : succeededPods.length);
  const failed = Math.max(job.status?.failed ?? 0, owned.filter((p) => p.status?.phase === 'Failed').length);
  // active, succeeded and failed are omitted at 0 (omitempty); ready and terminating are not.
  const { active: _a, succeeded: _s, failed: _f, ...kept } = job.status ?? {};
  const status: JobStatus = {
    ...kept, ...(active.length ? { active: active.length } : {}), ...(succeeded ? { succeeded } : {}), ...(failed ? { failed } : {}),
    terminating, ready: active.filter(isPodReady).length,
    ...(indexed ? { completedIndexes: formatIndexes(succeededIndexes) } : {}),
  };
  const plan: JobPlan = { create: [], delete: [], status, events: [] };
  if (isJobFinished(job)) return plan;
  let conds = job.status?.conditions ?? [];
  const suspended = job.spec?.suspend === true;
  if (!status.startTime && !suspended) status.startTime = rfc3339(now);

  const failure = failureOf({ ...job, status }, failed, active, now);
  const complete = !failure && (indexed ? succeededIndexes.size >= completions
    : completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions);
  if (failure || complete) {
    // Interim condition first; pods still running are stopped; the terminal one once none runs.
    const [interim, final, reason, message] = failure
      ? ['FailureTarget', 'Failed', failure.reason, failure.message]
      : ['SuccessCriteriaMet', 'Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'];
    conds = withCondition(conds, interim, reason, message, now);
    plan.delete = active;
    if (active.length + terminating === 0) {
      conds = withCondition(conds, final, reason, message, now);
      if (!failure) status.completionTime = rfc3339(now);
      plan.events.push(failure ? { type: 'Warning', reason, message } : { type: 'Normal', reason: 'Completed', message: 'Job completed' });
    }
    status.conditions = conds;
    return plan;
  }
  if (suspended) {
    status.conditions = withCondition(conds, 'Suspended', 'JobSuspended', 'Job suspended', now);
    plan.delete = active;
    return plan;
  }
  status.conditions = conds.filter((c) => c.type !== 'Suspended');
  if (!status.conditions.length) delete status.conditions;
  const busy = job.spec?.podReplacementPolicy === 'Failed' ? [...active, ...owned.filter(isTerminating)] : active;
  const create = wanted(job, busy, succeeded, succeededIndexes);
  const excess = active.length - ((job.spec?.parallelism ?? 1));
  if (excess > 0) plan.delete = [...active].sort(compareForDeletion).slice(0, excess);
  if (create.length > 0) {
    const wait = remainingBackoffMs(owned.filter(isFinished), now, backoffBaseMs);
    if (wait > 0) plan.requeueAfterMs = wait;
    else plan.create = create;
  }
  const deadline = job.spec?.activeDeadlineSeconds;
  const start = Date.parse(status.startTime ?? '');
  if (deadline !== undefined && Number.isFinite(start)) {
    const left = start + deadline * 1000 - now;
    plan.requeueAfterMs = Math.min(plan.requeueAfterMs ?? left, left);
  }
  return plan;
};
