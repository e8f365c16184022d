// One watcher of the watch cache (upstream cacher's cacheWatcher): a bounded queue between the
// cache's dispatch (synchronous, one call per event) and the HTTP handler that pulls events at
// the pace of its socket. A watcher that falls more than `bufferSize` events behind is closed
// with 410 Expired instead of being buffered forever; the client relists or resumes.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { expired } from '../apimachinery/errors';
import { filterTransition } from './watch-options';
import type { WatchPipe, WatchSink } from './watch-sink';

/** A change as the cache saw it: the shared event plus what the object looked like before. */
export interface CacheEvent {
  key: string;
  rev: number;
  /** Shared by every watcher that sees the event unchanged (encoded once by the HTTP layer). */
  event: WatchEvent;
  /** The state before the change (for DELETED: the last state); undefined for a creation. */
  prevObject: ApiObject | undefined;
}

export interface CacheWatcherOptions {
  /** Only keys under this prefix (a namespace or the whole resource). */
  prefix: string;
  /** Only events after this revision. */
  after: number;
  predicate?: (obj: ApiObject) => boolean;
  bookmarks: boolean;
  bufferSize: number;
  /** Called once when the watcher ends, whatever the reason. */
  onClose: (w: CacheWatcher) => void;
}

export const lagMessage = (n: number) =>
  `the watch fell more than ${n} events behind and was closed; resume from the last resourceVersion or list again`;

export class CacheWatcher {
  readonly prefix: string;
  readonly bookmarks: boolean;
  /** The revision of the last event queued; a bookmark never goes below it. */
  lastRV: number;
  /** Queued events; the consumer reads from `head` (no Array.shift). */
  private items: WatchEvent[] = [];
  private head = 0;
  /** Live events queued; the bound applies to these. */
  private pending = 0;
  /** Initial and replayed events queued ahead of every live one. */
  private initialLeft = 0;
  private failure: unknown;
  private ended = false;
  private closed = false;
  private wake: (() => void) | undefined;
  /** Set by pipe(): events go straight to it while it is not backed up and nothing is queued. */
  private sink: WatchSink | undefined;
  private sinkBackedUp = false;
  private settlePipe: ((err?: unknown) => void) | undefined;

  constructor(private readonly o: CacheWatcherOptions) {
    this.prefix = o.prefix;
    this.bookmarks = o.bookmarks;
    this.lastRV = o.after;
  }

  /** Events queued but not yet taken by the consumer. */
  get backlog(): number { return this.pending + this.initialLeft; }

  /** Initial events (state, end bookmark) do not count against the buffer bound. */
  pushInitial(ev: WatchEvent): void {
    this.enqueue(ev, true);
  }

  /**
   * Filters by prefix, revision and predicate (with transitions), then queues. Events replayed
   * from the ring when the watcher starts do not count as lag (upstream processes them apart).
   */
  deliver(ce: CacheEvent, replay = false): void {
    if (this.ended || ce.rev <= this.lastRV || !ce.key.startsWith(this.prefix)) return;
    const ev = filterTransition(this.o.predicate, ce.event, ce.prevObject);
    this.lastRV = ce.rev;
    if (!ev) return;
    if (replay) {
      this.pushInitial(ev);
      return;
    }
    if (this.pending >= this.o.bufferSize) {
      this.terminate(expired(lagMessage(this.o.bufferSize)));
      return;
    }
    this.push(ev);
  }

  push(ev: WatchEvent): void {
    this.enqueue(ev, false);
  }

  /**
   * Feeds `sink` from the dispatch itself (see watch-sink.ts) instead of an iterator: queued
   * events first, then each event as it comes. While the sink is backed up, events queue here
   * under the same bound as an iterator's.
   */
  pipe(sink: WatchSink, signal: AbortSignal): WatchPipe {
    const onAbort = () => { this.items = []; this.head = 0; this.terminate(); };
    const done = new Promise<void>((resolve, reject) => {
      this.settlePipe = (err) => {
        this.settlePipe = undefined;
        signal.removeEventListener('abort', onAbort);
        if (err !== undefined && !signal.aborted) reject(err); else resolve();
      };
    });
    this.sink = sink;
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort(); else this.drainToSink();
    return { done, resume: () => { this.sinkBackedUp = false; this.drainToSink(); } };
  }

  private enqueue(ev: WatchEvent, initial: boolean): void {
    if (this.ended) return;
    if (this.sink && !this.sinkBackedUp && this.head === this.items.length) {
      if (!this.sink.push(ev)) this.sinkBackedUp = true;
      return;
    }
    this.items.push(ev);
    if (initial) this.initialLeft++; else this.pending++;
    this.notify();
  }

  /** Hands the queue to the sink until it backs up; settles the pipe once ended and empty. */
  private drainToSink(): void {
    const sink = this.sink;
    if (!sink) return;
    while (!this.sinkBackedUp && this.head < this.items.length) {
      if (!sink.push(this.shift())) this.sinkBackedUp = true;
    }
    if (this.ended && this.head === this.items.length) this.settlePipe?.(this.failure);
  }

  /** The next queued event (the caller checked there is one). */
  private shift(): WatchEvent {
    const value = this.items[this.head++];
    if (this.initialLeft > 0) this.initialLeft--; else this.pending--;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return value;
  }

  /** Ends the stream: cleanly, or with `err` thrown to the consumer after what is queued. */
  terminate(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err;
    this.notify();
    this.close();
    this.drainToSink();
  }

  /**
   * The stream of this watcher's events, ending when `signal` aborts. A hand-written iterator
   * rather than an async generator: a queued event costs one resolved promise, which matters at
   * a million deliveries per burst.
   */
  events(signal: AbortSignal): AsyncIterableIterator<WatchEvent> {
    const onAbort = () => { this.items = []; this.head = 0; this.terminate(); };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const finish = () => {
      signal.removeEventListener('abort', onAbort);
      this.ended = true;
      this.close();
    };
    const it: AsyncIterableIterator<WatchEvent> = {
      [Symbol.asyncIterator]: () => it,
      next: () => this.take(signal, finish),
      return: () => {
        this.items = [];
        this.head = 0;
        finish();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    return it;
  }

  private take(signal: AbortSignal, finish: () => void): Promise<IteratorResult<WatchEvent>> {
    if (this.head < this.items.length) return Promise.resolve({ done: false, value: this.shift() });
    if (this.ended) {
      finish();
      if (this.failure !== undefined && !signal.aborted) return Promise.reject(this.failure);
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise<void>((resolve) => { this.wake = resolve; }).then(() => this.take(signal, finish));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.onClose(this);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
