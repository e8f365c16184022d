// A token bucket (client-go util/flowcontrol NewTokenBucketRateLimiter, over x/time/rate):
// `qps` tokens per second refill a bucket of `burst`. wait() reserves a token at once — the
// bucket may go negative — and sleeps until that reservation is due, so callers are served in
// arrival order without a queue. tryAccept() takes a token only if one is there (the event
// recorder's per-object spam filter). Time comes from the injected clock.
import { realClock, type Clock, type TimerHandle } from './clock';

export interface RateLimiterOptions {
  qps: number;
  burst: number;
  clock?: Clock;
}

export interface RateLimiter {
  /** Resolves when the caller may send; rejects with the signal's reason if it aborts first. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Takes a token if one is available now. */
  tryAccept(): boolean;
  /** Whole tokens available now (for tests and metrics). */
  tokens(): number;
}

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

export class TokenBucket implements RateLimiter {
  private available: number;
  private last: number;
  private readonly clock: Clock;

  constructor(private readonly opts: RateLimiterOptions) {
    if (!(opts.qps > 0) || !(opts.burst >= 1)) throw new Error(`token bucket needs qps > 0 and burst >= 1 (got ${opts.qps}/${opts.burst})`);
    this.clock = opts.clock ?? realClock;
    this.available = opts.burst;
    this.last = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.available = Math.min(this.opts.burst, this.available + ((now - this.last) / 1000) * this.opts.qps);
    this.last = now;
  }

  tokens(): number {
    this.refill();
    return Math.floor(this.available);
  }

  tryAccept(): boolean {
    this.refill();
    if (this.available < 1) return false;
    this.available -= 1;
    return true;
  }

  /** Takes a token now or in the future; returns how long the caller must wait for it (rate.Reserve). */
  reserve(): number {
    this.refill();
    this.available -= 1;
    return this.available >= 0 ? 0 : Math.ceil((-this.available / this.opts.qps) * 1000);
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const delayMs = this.reserve();
    if (delayMs === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        this.available += 1; // give the reservation back, as rate.Reservation.Cancel does
        reject(abortReason(signal as AbortSignal));
      };
      const timer: TimerHandle = this.clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** No client-side limit (client-go: a negative QPS). */
export const unlimited: RateLimiter = { wait: async () => undefined, tryAccept: () => true, tokens: () => Infinity };

/**
 * Client-side limits per component. Upstream: client-go's bare default is 5 QPS / burst 10
 * (kubectl's ordinary requests; its discovery gets 50/300), the kubelet and kube-scheduler use
 * 50/100, kube-controller-manager 20/30. Our unset default is 50/100: 5/10 would turn
 * `berthctl apply -f` of a 200-object directory (a GET and a write per object) into a
 * 40-second crawl, and our controller-manager relists every resource for the garbage
 * collector at start-up. Callers that want kubectl's exact numbers pass them.
 */
export const rateLimits = {
  default: { qps: 50, burst: 100 },
  clientGo: { qps: 5, burst: 10 },
  controllerManager: { qps: 50, burst: 100 },
  scheduler: { qps: 50, burst: 100 },
  agent: { qps: 50, burst: 100 },
} as const;
