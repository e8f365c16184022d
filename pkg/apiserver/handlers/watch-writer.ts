// How watch events reach the socket. Node hands the watch cache one etcd event per turn, so
// writing each event as it comes costs every watcher a chunk, a TLS record and a syscall per
// event: 1,000 watchers × 1,000 events is a million writes. Instead:
//  - a watcher that has not written for `watchWriteIntervalMs` writes at the next turn (no
//    added latency after a quiet spell); one that has waits for the shared flush clock, so under
//    a stream of events it writes at most once per interval, all its queued events in one chunk;
//  - every writer flushes from one shared setImmediate or timer, in the same order, so watchers
//    of the same stream hold the same queued events at the same moment, and they share one
//    joined Buffer (`joinShared`) rather than each copying the same bytes.
// Upstream's watch server flushes only when its queue is empty; this is node's version of it.
// Nothing is copied into a socket that is backed up: the queued pieces (shared bytes) wait for
// 'drain', so a slow watcher holds references, and its lag stays in the cache's bounded queue.

/** At most one write per watcher per this many milliseconds while events keep coming. */
export const watchWriteIntervalMs = 20;

/** A batch this large is written at once, whatever the clock. */
const maxBatchBytes = 64 * 1024;

/** Where the writer's HTTP/1.1 chunks go: the response's socket, once the headers are out. */
export interface WatchSink {
  write(data: Buffer): boolean;
  on(event: 'drain', fn: () => void): unknown;
  off(event: 'drain', fn: () => void): unknown;
  /** The response ended or the connection is gone: nothing more is written. */
  readonly closed: boolean;
}

type Clock = () => number;

/** Writers due at the next turn, and writers due at the shared interval tick. */
const nextTurn = new Set<WatchWriter>();
const nextTick = new Set<WatchWriter>();
let turnScheduled = false;
let tickTimer: NodeJS.Timeout | undefined;

const flushAll = (due: Set<WatchWriter>) => {
  const writers = [...due];
  due.clear();
  for (const w of writers) w.flush();
};

const runTurn = () => {
  turnScheduled = false;
  flushAll(nextTurn);
};

const runTick = () => {
  tickTimer = undefined;
  flushAll(nextTick);
};

let lastParts: Buffer[] = [];
let lastChunk: Buffer | undefined;
const crlf = Buffer.from('\r\n');

/**
 * One HTTP/1.1 chunk holding `parts`, reusing the previous chunk when `parts` holds the very same
 * buffers: writers of one stream flush back to back with the same queue, so 1,000 of them cost
 * one copy, and each socket gets a single buffer (no per-write framing by node's http layer).
 */
export const sharedChunk = (parts: Buffer[], bytes: number): Buffer => {
  if (lastChunk && lastParts.length === parts.length && parts.every((p, i) => p === lastParts[i])) return lastChunk;
  lastParts = parts;
  lastChunk = Buffer.concat([Buffer.from(`${bytes.toString(16)}\r\n`), ...parts, crlf]);
  return lastChunk;
};

export class WatchWriter {
  private pending: Buffer[] = [];
  private bytes = 0;
  private scheduled = false;
  /** Set when a write returned false, cleared on 'drain' (cheaper than writableNeedDrain per event). */
  private needDrain = false;
  private lastWrite = -Infinity;

  private readonly onDrain = () => {
    this.needDrain = false;
    if (!this.scheduled) this.flush();
    if (!this.needDrain) this.onWritable();
  };

  /** `onWritable`: the socket drained after `backedUp`; events may come again. */
  constructor(private readonly sink: WatchSink, private readonly now: Clock, private readonly onWritable: () => void = () => undefined) {
    sink.on('drain', this.onDrain);
  }

  /** Queues one encoded event. */
  add(line: Buffer): void {
    this.pending.push(line);
    this.bytes += line.length;
    if (this.bytes >= maxBatchBytes) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.now() - this.lastWrite >= watchWriteIntervalMs) {
      nextTurn.add(this);
      if (!turnScheduled) {
        turnScheduled = true;
        setImmediate(runTurn);
      }
    } else {
      nextTick.add(this);
      tickTimer ??= setTimeout(runTick, watchWriteIntervalMs);
    }
  }

  /** The socket is backed up: stop pulling events until `drained` resolves. */
  get backedUp(): boolean { return this.needDrain; }

  /** Writes what is queued, unless the socket is backed up (then on 'drain'); `force` at the end. */
  flush(force = false): void {
    this.scheduled = false;
    nextTurn.delete(this);
    nextTick.delete(this);
    if (this.pending.length === 0 || this.sink.closed) return;
    if (this.needDrain && !force) return;
    const data = sharedChunk(this.pending, this.bytes);
    this.pending = [];
    this.bytes = 0;
    this.lastWrite = this.now();
    if (!this.sink.write(data)) this.needDrain = true;
  }

  /** Writes what is queued and lets go of the socket (a keep-alive socket outlives the watch). */
  close(): void {
    this.flush(true);
    this.sink.off('drain', this.onDrain);
  }
}
