// The controller work queue (client-go util/workqueue: queue.go + delaying_queue.go +
// default_rate_limiters.go in one). Keys are de-duplicated; `dirty` holds keys waiting to be
// processed and `processing` keys a worker holds, so one key is never handed to two workers at
// once: a key re-added while it is processed is queued again only when the worker calls done().
// addRateLimited waits the longer of the key's own back-off and the queue-wide token bucket
// (DefaultControllerRateLimiter: 10 qps, burst 100), so a storm of failing keys cannot spin.
import type { WorkQueue } from './types';
import { realClock, type Clock, type TimerHandle } from './clock';
import { TokenBucket } from './rate-limiter';

export interface WorkQueueOptions {
  /** First delay of addRateLimited; doubles per failure of the same key. Default 5ms. */
  baseDelayMs?: number;
  /** Cap of the per-key back-off. Default 60s (upstream caps at 1000s). */
  maxDelayMs?: number;
  /** Queue-wide limit of addRateLimited (default 10 qps, burst 100, as upstream). */
  qps?: number;
  burst?: number;
  clock?: Clock;
}

export interface RateLimitedWorkQueue extends WorkQueue {
  /** How many times `key` was rate-limited since its last forget(). */
  numRequeues(key: string): number;
  readonly shuttingDown: boolean;
}

export const createWorkQueue = (opts: WorkQueueOptions = {}): RateLimitedWorkQueue => {
  const baseDelayMs = opts.baseDelayMs ?? 5;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  const clock = opts.clock ?? realClock;
  const overall = new TokenBucket({ qps: opts.qps ?? 10, burst: opts.burst ?? 100, clock });
  const queue: string[] = [];
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const waiters: ((key: string | undefined) => void)[] = [];
  const failures = new Map<string, number>();
  const delayed = new Map<string, { due: number; timer: TimerHandle }>();
  let shuttingDown = false;

  // Hands the head of the queue to a waiting worker, if both exist.
  const dispatch = () => {
    while (waiters.length > 0 && queue.length > 0) {
      const key = queue.shift() as string;
      dirty.delete(key);
      processing.add(key);
      (waiters.shift() as (k: string) => void)(key);
    }
  };

  const add = (key: string) => {
    if (shuttingDown || dirty.has(key)) return;
    dirty.add(key);
    if (processing.has(key)) return;
    queue.push(key);
    dispatch();
  };

  const addAfter = (key: string, ms: number) => {
    if (shuttingDown) return;
    if (ms <= 0) { add(key); return; }
    const due = clock.now() + ms;
    const existing = delayed.get(key);
    if (existing && existing.due <= due) return; // an earlier wake-up already covers this one
    if (existing) clock.clearTimeout(existing.timer);
    const timer = clock.setTimeout(() => { delayed.delete(key); add(key); }, ms);
    delayed.set(key, { due, timer });
  };

  return {
    add,
    addAfter,
    addRateLimited(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      addAfter(key, Math.max(Math.min(baseDelayMs * 2 ** n, maxDelayMs), overall.reserve()));
    },
    forget(key) { failures.delete(key); },
    numRequeues: (key) => failures.get(key) ?? 0,
    get() {
      if (shuttingDown) return Promise.resolve(undefined);
      return new Promise<string | undefined>((resolve) => { waiters.push(resolve); dispatch(); });
    },
    done(key) {
      processing.delete(key);
      if (dirty.has(key) && !shuttingDown) { queue.push(key); dispatch(); }
    },
    shutDown() {
      shuttingDown = true;
      for (const { timer } of delayed.values()) clock.clearTimeout(timer);
      delayed.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
    len: () => queue.length,
    get shuttingDown() { return shuttingDown; },
  };
};
