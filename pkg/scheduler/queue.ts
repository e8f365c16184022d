// The scheduling queue (upstream internal/queue/scheduling_queue.go, PriorityQueue): activeQ holds
// pods ready to be tried, highest priority first; backoffQ holds pods that failed recently until
// their back-off (1s doubling to 10s) expires; the unschedulable pool holds pods that fit
// nowhere until a cluster event (node added or changed, pod deleted) might have made room, or
// until they have waited maxInUnschedulableMs. Time comes only from the injected clock: the
// owner calls flushBackoffQCompleted / flushUnschedulablePodsLeftover on a ticker.
import type { Pod } from '../../api/core/v1';
import type { Clock } from '../client';
import { podKey } from './node-info';

export interface QueuedPodInfo {
  key: string;
  /** The latest version of the pod seen by the queue. */
  pod: Pod;
  /** When the pod last entered the queue after a failure (back-off counts from here). */
  timestamp: number;
  /** When the pod was first added; the end-to-end latency metric measures from here. */
  initialAttemptTimestamp: number;
  /** Scheduling attempts so far; pop() increments it. */
  attempts: number;
  /** The scheduling cycle in which the pod was last popped. */
  cycle: number;
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  clock: Pick<Clock, 'now'>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  maxInUnschedulableMs?: number;
}

export type QueueName = 'active' | 'backoff' | 'unschedulable';

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;
const createdAt = (p: Pod): number => {
  const t = Date.parse(p.metadata?.creationTimestamp ?? '');
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
};

/** activeQ order (upstream PrioritySort): higher spec.priority, then older pod, then earlier enqueue. */
export const lessActive = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
  if (priorityOf(a.pod) !== priorityOf(b.pod)) return priorityOf(a.pod) > priorityOf(b.pod);
  if (createdAt(a.pod) !== createdAt(b.pod)) return createdAt(a.pod) < createdAt(b.pod);
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  return a.key < b.key;
};

/** Pod changes other than status and bookkeeping may make it schedulable (upstream isPodUpdated). */
const schedulingRelevant = (p: Pod): string =>
  JSON.stringify([p.spec, p.metadata?.labels, p.metadata?.annotations]);

export class SchedulingQueue {
  private readonly active = new Map<string, QueuedPodInfo>();
  private readonly backoff = new Map<string, QueuedPodInfo>();
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Popped and not yet done: updates land here, a delete makes the failure path drop the pod. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private cycle = 0;
  /** The cycle of the last move request: a pod failing in a cycle at or before it goes to backoffQ. */
  private moveRequestCycle = -1;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;

  constructor(opts: SchedulingQueueOptions) {
    this.clock = opts.clock;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 60_000;
  }

  get schedulingCycle(): number { return this.cycle; }

  lengths(): Record<QueueName, number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  /** Where the pod is now ('inFlight' while a cycle handles it), for tests and logs. */
  where(key: string): QueueName | 'inFlight' | undefined {
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return this.inFlight.has(key) ? 'inFlight' : undefined;
  }

  /** A pending pod appeared; already known pods are updated instead. */
  add(pod: Pod): void {
    const key = podKey(pod);
    if (this.find(key)) { this.update(undefined, pod); return; }
    const now = this.clock.now();
    this.pushActive({ key, pod, timestamp: now, initialAttemptTimestamp: now, attempts: 0, cycle: 0, unschedulablePlugins: new Set() });
  }

  update(oldPod: Pod | undefined, newPod: Pod): void {
    const key = podKey(newPod);
    const info = this.find(key);
    if (!info) { this.add(newPod); return; }
    info.pod = newPod;
    const changed = oldPod === undefined || schedulingRelevant(oldPod) !== schedulingRelevant(newPod);
    if (this.unschedulable.has(key) && changed) {
      this.unschedulable.delete(key);
      this.activeOrBackoff(info);
    }
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed or aborted. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const best = this.takeBest();
      if (best) return best;
      await this.waitForActive(signal);
    }
  }

  /** The attempt ended and the pod is not coming back (bound, or deleted). */
  done(key: string): void { this.inFlight.delete(key); }

  /**
   * After a failed attempt: to the unschedulable pool, or to backoffQ when the failure was an
   * error or a move request arrived during the pod's cycle (the event may have made room already).
   */
  requeueAfterFailure(info: QueuedPodInfo, kind: 'unschedulable' | 'error'): void {
    const latest = this.inFlight.get(info.key);
    this.inFlight.delete(info.key);
    if (!latest || this.find(info.key)) return;
    latest.timestamp = this.clock.now();
    latest.unschedulablePlugins = info.unschedulablePlugins;
    if (kind === 'error' || this.moveRequestCycle >= info.cycle) this.backoff.set(info.key, latest);
    else this.unschedulable.set(info.key, latest);
  }

  /** A cluster event may have made unschedulable pods schedulable: retry them (after back-off). */
  moveAllToActiveOrBackoffQueue(_event: string): void {
    for (const info of this.unschedulable.values()) this.activeOrBackoff(info);
    this.unschedulable.clear();
    this.moveRequestCycle = this.cycle;
  }

  /** Moves pods whose back-off has expired to activeQ. */
  flushBackoffQCompleted(): void {
    for (const [key, info] of this.backoff) {
      if (this.backoffExpiry(info) > this.clock.now()) continue;
      this.backoff.delete(key);
      this.pushActive(info);
    }
  }

  /** Pods that waited maxInUnschedulableMs in the pool get another try whatever happened. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    for (const [key, info] of this.unschedulable) {
      if (now - info.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.activeOrBackoff(info);
    }
  }

  /** Upstream calculateBackoffDuration: initial, doubled per further attempt, capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.maxBackoffMs) return this.maxBackoffMs;
    }
    return d;
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private backoffExpiry(info: QueuedPodInfo): number { return info.timestamp + this.backoffDuration(info.attempts); }

  private activeOrBackoff(info: QueuedPodInfo): void {
    if (this.backoffExpiry(info) > this.clock.now()) this.backoff.set(info.key, info);
    else this.pushActive(info);
  }

  private find(key: string): QueuedPodInfo | undefined {
    return this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key) ?? this.inFlight.get(key);
  }

  private pushActive(info: QueuedPodInfo): void {
    this.active.set(info.key, info);
    this.wake();
  }

  /** A linear scan instead of upstream's heap: pending pods are few in a small cluster. */
  private takeBest(): QueuedPodInfo | undefined {
    let best: QueuedPodInfo | undefined;
    for (const info of this.active.values()) if (!best || lessActive(info, best)) best = info;
    if (!best) return undefined;
    this.active.delete(best.key);
    best.attempts++;
    best.cycle = ++this.cycle;
    this.inFlight.set(best.key, best);
    return best;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private waitForActive(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = () => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => { signal?.removeEventListener('abort', onAbort); resolve(); });
    });
  }
}
