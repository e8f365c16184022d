// The timers the watch cache uses (bookmarks, freshness waits, retry back-off), injectable so
// unit tests step time instead of sleeping. Same shape as pkg/client's Clock, so its FakeClock fits.

/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerHandle = object;

export interface StorageClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(t: TimerHandle): void;
}

export const realClock: StorageClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref(); return t; },
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (an abort is not a failure). */
export const sleep = (clock: StorageClock, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const onAbort = () => { clock.clearTimeout(timer); resolve(); };
    const timer = clock.setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
