// One scheduling cycle (upstream schedule_one.go ScheduleOne): pop a pod, run the profile on a
// snapshot, assume the pod on the chosen node and bind it asynchronously, so the next cycle can
// start at once. A pod that fits nowhere gets a FailedScheduling event, a PodScheduled=False
// condition and goes back to the queue. Every effect goes through CycleDeps, so tests use fakes.
import type { Pod, PodCondition } from '../../api/core/v1';
import type { Clock, EventRecorder } from '../client';
import type { Logger } from '../log';
import type { SchedulerMetrics } from './metrics';
import { podKey, toApiPod } from './node-info';
import type { QueuedPodInfo, SchedulingQueue } from './queue';
import type { Profile } from './registry';
import type { SchedulerCache } from './cache';
import { schedulePod, type ScheduleResult } from './schedule-pod';

export interface CycleDeps {
  profile: Profile;
  queue: SchedulingQueue;
  cache: SchedulerCache;
  /** POST pods/<name>/binding. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Writes the condition through pods/status; never throws (logs instead). */
  updatePodCondition(pod: Pod, condition: PodCondition): Promise<void>;
  recorder: EventRecorder;
  metrics: SchedulerMetrics;
  clock: Pick<Clock, 'now'>;
  rand: () => number;
  log: Logger;
}

export interface CycleOutcome {
  key: string;
  result: 'scheduled' | 'unschedulable' | 'error' | 'skipped';
  nodeName?: string;
  message?: string;
  /** The asynchronous rest of the attempt: the binding, or the failure report. */
  pending: Promise<void>;
}

const done = Promise.resolve();

/** Pops the next pod and runs one cycle; undefined once the queue is closed or `signal` aborts. */
export const scheduleOne = async (deps: CycleDeps, signal?: AbortSignal): Promise<CycleOutcome | undefined> => {
  const info = await deps.queue.pop(signal);
  if (!info) return undefined;
  return runCycle(deps, info);
};

export const runCycle = (deps: CycleDeps, info: QueuedPodInfo): CycleOutcome => {
  const { pod, key } = info;
  // Upstream skipPodSchedule: being deleted, or already assumed by an earlier cycle.
  if (pod.metadata?.deletionTimestamp || deps.cache.isAssumed(key)) {
    deps.queue.done(key);
    return { key, result: 'skipped', pending: done };
  }
  const start = deps.clock.now();
  let result: ScheduleResult;
  try {
    result = schedulePod(deps.profile, pod, deps.cache.snapshot(), deps.rand);
  } catch (err) {
    // A plugin threw (e.g. a malformed quantity): an Error status, as upstream's AsStatus(err).
    result = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  const elapsed = () => (deps.clock.now() - start) / 1000;
  if (result.kind === 'unschedulable') {
    for (const p of result.error.diagnosis.unschedulablePlugins) info.unschedulablePlugins.add(p);
    deps.metrics.attempt('unschedulable', deps.profile.schedulerName, elapsed());
    deps.log.v(2, 'unable to schedule pod', { pod: key, reason: result.error.message });
    const pending = reportFailure(deps, info, 'unschedulable', result.error.message);
    return { key, result: 'unschedulable', message: result.error.message, pending };
  }
  if (result.kind === 'error') {
    deps.metrics.attempt('error', deps.profile.schedulerName, elapsed());
    deps.log.warn('error scheduling pod', { pod: key, err: result.message });
    return { key, result: 'error', message: result.message, pending: reportFailure(deps, info, 'error', result.message) };
  }
  try {
    deps.cache.assumePod(pod, result.nodeName);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.metrics.attempt('error', deps.profile.schedulerName, elapsed());
    return { key, result: 'error', message, pending: reportFailure(deps, info, 'error', message) };
  }
  const pending = bindingCycle(deps, info, result.nodeName, start);
  return { key, result: 'scheduled', nodeName: result.nodeName, pending };
};

/** Upstream handleSchedulingFailure: event, requeue, then the PodScheduled condition. */
const reportFailure = async (deps: CycleDeps, info: QueuedPodInfo, kind: 'unschedulable' | 'error', message: string): Promise<void> => {
  deps.recorder.event(toApiPod(info.pod), 'Warning', 'FailedScheduling', message);
  deps.queue.requeueAfterFailure(info, kind);
  await deps.updatePodCondition(info.pod, {
    type: 'PodScheduled', status: 'False', reason: kind === 'unschedulable' ? 'Unschedulable' : 'SchedulerError', message,
  });
};

const bindingCycle = async (deps: CycleDeps, info: QueuedPodInfo, nodeName: string, start: number): Promise<void> => {
  const { pod, key } = info;
  try {
    await deps.bind(pod, nodeName);
  } catch (err) {
    const message = `Binding rejected: ${err instanceof Error ? err.message : String(err)}`;
    deps.log.warn('failed to bind pod', { pod: key, node: nodeName, err });
    deps.cache.forgetPod(pod);
    // The node's room we counted is free again: other pods may fit now (upstream does the same).
    deps.queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
    deps.metrics.attempt('error', deps.profile.schedulerName, (deps.clock.now() - start) / 1000);
    await reportFailure(deps, info, 'error', message);
    return;
  }
  deps.cache.finishBinding(pod);
  deps.queue.done(key);
  const now = deps.clock.now();
  deps.metrics.attempt('scheduled', deps.profile.schedulerName, (now - start) / 1000);
  deps.metrics.e2eScheduled((now - info.initialAttemptTimestamp) / 1000, info.attempts);
  deps.recorder.event(toApiPod(pod), 'Normal', 'Scheduled', `Successfully assigned ${podKey(pod)} to ${nodeName}`);
  deps.log.info('bound pod', { pod: key, node: nodeName, attempts: info.attempts });
};
