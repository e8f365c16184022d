// A manually stepped Clock for unit tests (client-go testing clock.FakeClock). Not exported from
// index.ts: import it by path. Timers fire in due order, each at its own `now`.
import type { Clock, TimerHandle } from './clock';

interface FakeTimer { id: number; due: number; fn: () => void }

export class FakeClock implements Clock {
  private readonly timers = new Map<number, FakeTimer>();
  private nextId = 1;
  constructor(private current = 0) {}

  now(): number { return this.current; }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: FakeTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), fn };
    this.timers.set(t.id, t);
    return { id: t.id };
  }

  clearTimeout(t: TimerHandle): void { this.timers.delete((t as { id: number }).id); }

  /** Advances time by `ms`, firing every timer that falls due, in order. */
  step(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.current = due.due;
      due.fn();
    }
    this.current = end;
  }

  /** Timers still pending: a leak check for afterEach. */
  pending(): number { return this.timers.size; }

  /** Due times of pending timers relative to now, sorted (to assert back-off growth). */
  pendingDelays(): number[] { return [...this.timers.values()].map((t) => t.due - this.current).sort((a, b) => a - b); }
}

/** Lets queued promise callbacks run (several turns, for chains of awaits). */
export const flushPromises = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await Promise.resolve();
};

/**
 * Waits until `cond` holds, polling on the event loop (for real I/O such as the fake apiserver);
 * never a fixed delay. Fails after `timeoutMs` of real time.
 */
export const waitFor = async (cond: () => boolean, what = 'condition', timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
};
