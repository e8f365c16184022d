// Exponential back-off keyed by (pod, container), as upstream's flowcontrol.Backoff used by
// the kubelet's doBackOff: the first restart is immediate, then 10 s doubling to 5 min; an
// entry resets once the container has run for longer than twice the maximum without failing.
import type { Clock } from './clock';

export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;

interface Entry { backoffMs: number; lastUpdate: number }

export class Backoff {
  private entries = new Map<string, Entry>();
  constructor(private clock: Clock, private initialMs = initialBackoffMs, private maxMs = maxBackoffMs) {}

  /** The current delay for `key` (0 when it has none). */
  get(key: string): number { return this.entries.get(key)?.backoffMs ?? 0; }

  /** True while `now - eventTime` is shorter than the current delay (eventTime: when it last failed). */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.hasExpired(eventTime, e)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** True while the last failure recorded with `next` is more recent than the current delay (image pulls). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** Milliseconds left of the back-off that started at `eventTime`. */
  remaining(key: string, eventTime: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, eventTime + e.backoffMs - this.clock.now()) : 0;
  }

  /** Records one more failure at `eventTime`: starts at the initial delay or doubles, up to the maximum. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    const backoffMs = !e || this.hasExpired(eventTime, e) ? this.initialMs : Math.min(e.backoffMs * 2, this.maxMs);
    this.entries.set(key, { backoffMs, lastUpdate: this.clock.now() });
  }

  reset(key: string): void { this.entries.delete(key); }

  /** Drops every key that starts with `prefix` (a pod that went away). */
  resetPrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private hasExpired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > this.maxMs * 2;
  }
}

/** Upstream's message, e.g. `back-off 20s restarting failed container=app pod=web_default(uid)`. */
export const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest ? `${m}m${rest}s` : `${m}m0s`;
};
