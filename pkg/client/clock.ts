// An injectable clock (client-go's clock.Clock): every timer in the client and the controllers
// goes through one, so unit tests drive time with FakeClock (./fake-clock.ts) instead of sleeping.

/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(t: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (an abort is not a failure). */
export const sleep = (clock: Clock, ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) { resolve(); return; }
    const onAbort = () => { clock.clearTimeout(timer); resolve(); };
    const timer = clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Exponential back-off with jitter (client-go wait.Backoff as the reflector uses it:
 * 800ms doubling to 30s, reset after a quiet period). `jitter` 0.5 spreads each delay over
 * [d, 1.5d) so that many clients do not retry in lock-step.
 */
export class Backoff {
  private current: number;
  private lastFailure = 0;
  constructor(private readonly opts: {
    initialMs: number; maxMs: number; factor?: number; jitter?: number; resetAfterMs?: number;
    clock: Clock; random?: () => number;
  }) { this.current = opts.initialMs; }

  /** The delay to wait before the next attempt. */
  next(): number {
    const now = this.opts.clock.now();
    if (this.opts.resetAfterMs !== undefined && this.lastFailure && now - this.lastFailure > this.opts.resetAfterMs) this.reset();
    this.lastFailure = now;
    const base = this.current;
    this.current = Math.min(this.current * (this.opts.factor ?? 2), this.opts.maxMs);
    const jitter = this.opts.jitter ?? 0;
    return Math.round(base * (1 + jitter * (this.opts.random ?? Math.random)()));
  }

  reset(): void { this.current = this.opts.initialMs; this.lastFailure = 0; }
}
