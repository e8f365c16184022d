// Coalesced, rate-limited syncs (upstream's async.BoundedFrequencyRunner as the proxier uses it):
// any number of requests between two runs cause one run; runs are at least `minIntervalMs`
// apart; a run happens at least every `maxIntervalMs` even with no request (the periodic full
// resync that repairs rules someone else removed); a failed run is retried after minIntervalMs.
import type { Clock, TimerHandle } from '../client';

export interface SyncRunnerOptions {
  minIntervalMs: number;
  maxIntervalMs: number;
  clock: Clock;
  /** One sync; a rejection is reported to onError and retried. */
  run(): Promise<void>;
  onError(err: unknown): void;
}

export class SyncRunner {
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer?: TimerHandle;
  private timerAt = 0;
  private running = false;
  private pending = false;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(private readonly o: SyncRunnerOptions) {}

  /** Asks for a sync as soon as the minimum interval allows. */
  request(): void {
    if (this.stopped) return;
    if (this.running) { this.pending = true; return; }
    this.schedule(Math.max(this.lastRun + this.o.minIntervalMs, this.o.clock.now()));
  }

  /** Starts the periodic resync; the first sync waits for a request. */
  start(): void { this.schedule(this.o.clock.now() + this.o.maxIntervalMs); }

  /** No further runs; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Keeps the earliest of the wanted and the already scheduled time. */
  private schedule(at: number): void {
    if (this.stopped) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => { this.timer = undefined; void this.fire(); }, Math.max(0, at - this.o.clock.now()));
  }

  private async fire(): Promise<void> {
    this.running = true;
    this.pending = false;
    this.lastRun = this.o.clock.now();
    let failed = false;
    try {
      await this.o.run();
    } catch (err) {
      failed = true;
      this.o.onError(err);
    }
    this.running = false;
    for (const resolve of this.idle.splice(0)) resolve();
    if (this.stopped) return;
    this.schedule(this.lastRun + this.o.maxIntervalMs);
    if (failed || this.pending) this.request();
  }
}
