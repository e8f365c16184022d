// Pod bookkeeping for the Job controller (k8s job_controller.go + backoff_utils.go +
// indexed_job_utils.go): which owned pods are active, finished or terminating, when a pod
// finished, the back-off before the next pod after failures, and completion indexes.
import type { ApiJob } from '../../../api/batch/v1';
import type { ApiPod } from '../../../api/core/v1';

export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const defaultBackoffMs = 10_000;
export const maxBackoffMs = 360_000;

export const isFinished = (p: ApiPod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const isActive = (p: ApiPod): boolean => !isFinished(p) && !p.metadata.deletionTimestamp;
export const isTerminating = (p: ApiPod): boolean => !isFinished(p) && !!p.metadata.deletionTimestamp;

const parse = (t: string | null | undefined): number => (t ? Date.parse(t) : Number.NaN);

/** When a finished pod finished: its last container's finishedAt, else its last condition change, else creation. */
export const finishTime = (p: ApiPod): number => {
  const finishes = (p.status?.containerStatuses ?? []).map((c) => parse(c.state?.terminated?.finishedAt)).filter(Number.isFinite);
  if (finishes.length) return Math.max(...finishes);
  const changes = (p.status?.conditions ?? []).map((c) => parse(c.lastTransitionTime)).filter(Number.isFinite);
  if (changes.length) return Math.max(...changes);
  const created = parse(p.metadata.creationTimestamp);
  return Number.isFinite(created) ? created : 0;
};

/**
 * The wait before the next pod may start (backoffRecord): failures since the last success
 * double the delay from 10 s, capped at 6 min, counted from the last failure. 0: start now.
 */
export const remainingBackoffMs = (pods: readonly ApiPod[], now: number, base = defaultBackoffMs): number => {
  const finished = pods.filter(isFinished).sort((a, b) => finishTime(a) - finishTime(b));
  let failures = 0;
  let lastFailure = 0;
  for (const p of finished) {
    if (p.status?.phase === 'Succeeded') { failures = 0; continue; }
    failures++;
    lastFailure = finishTime(p);
  }
  if (failures === 0) return 0;
  const delay = Math.min(base * 2 ** (failures - 1), maxBackoffMs);
  return Math.max(0, lastFailure + delay - now);
};

/** The completion index of a pod of an Indexed job, or undefined when it has none valid. */
export const podIndex = (p: ApiPod, completions: number): number | undefined => {
  const raw = p.metadata.annotations?.[completionIndexAnnotation] ?? p.metadata.labels?.[completionIndexAnnotation];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const i = Number(raw);
  return i < completions ? i : undefined;
};

/** "0-2,4,6-7": the completedIndexes format. */
export const formatIndexes = (indexes: Iterable<number>): string => {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
};

/** Restarts of the active pods' containers, which count as failures with restartPolicy OnFailure. */
export const activeRestarts = (job: ApiJob, active: readonly ApiPod[]): number =>
  job.spec?.template.spec?.restartPolicy === 'OnFailure'
    ? active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0)
      + (p.status?.initContainerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0)
    : 0;
