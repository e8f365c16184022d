// Time as the agent sees it: injected so back-off and resync can be tested without sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A manual clock for tests: `step(ms)` moves time and fires the timers that fall due. */
export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private t = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number { return this.t; }
  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return () => { this.timers = this.timers.filter((x) => x.id !== id); };
  }
  step(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x.id !== due.id);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = until;
  }
  pending(): number { return this.timers.length; }
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export const delay = (clock: Clock, ms: number, signal: AbortSignal): Promise<void> => new Promise<void>((resolve) => {
  if (signal.aborted) { resolve(); return; }
  const onAbort = () => { cancel(); resolve(); };
  const cancel = clock.setTimer(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
  signal.addEventListener('abort', onAbort, { once: true });
});
