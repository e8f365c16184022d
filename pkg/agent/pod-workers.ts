// One worker per pod UID: syncs are serialised per pod, events coalesce while a sync runs,
// and each sync says when to look again (upstream pod_workers.go, much simplified).
import type { Logger } from '../log';
import type { Clock } from './clock';

/** Syncs one pod; resolves with the delay before the next sync, or undefined when the worker may end. */
export type SyncFn = (uid: string) => Promise<number | undefined>;

interface Worker { running: boolean; dirty: boolean; cancelTimer?: () => void }

export const errorRetryMs = 5_000;

export class PodWorkers {
  private workers = new Map<string, Worker>();
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(private sync: SyncFn, private clock: Clock, private log: Logger, private onCountChange?: (n: number) => void) {}

  /** Asks for a sync of `uid` as soon as its worker is free. */
  enqueue(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { running: false, dirty: false };
      this.workers.set(uid, w);
      this.onCountChange?.(this.workers.size);
    }
    w.dirty = true;
    w.cancelTimer?.();
    w.cancelTimer = undefined;
    if (!w.running) void this.run(uid, w);
  }

  has(uid: string): boolean { return this.workers.has(uid); }
  size(): number { return this.workers.size; }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    let next: number | undefined;
    while (w.dirty && !this.stopped) {
      w.dirty = false;
      try {
        next = await this.sync(uid);
      } catch (err) {
        this.log.warn('pod sync failed', { uid, err });
        next = errorRetryMs;
      }
    }
    w.running = false;
    if (!this.stopped && next !== undefined) {
      w.cancelTimer = this.clock.setTimer(() => this.enqueue(uid), next);
    } else if (this.workers.get(uid) === w && !w.dirty) {
      this.workers.delete(uid);
      this.onCountChange?.(this.workers.size);
    }
    if (![...this.workers.values()].some((x) => x.running)) this.idle.splice(0).forEach((f) => f());
  }

  /** Stops every worker after its current sync; resolves when none is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) w.cancelTimer?.();
    if ([...this.workers.values()].some((x) => x.running)) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Resolves once no sync is running (tests). */
  whenIdle(): Promise<void> {
    if (![...this.workers.values()].some((x) => x.running)) return Promise.resolve();
    return new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
