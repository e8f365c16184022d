// Watches fed to a consumer synchronously. An async iterator costs every event a promise and a
// few microtask hops per watcher: a burst of 1,000 creates to 1,000 HTTP watchers is a million
// of each. A watch of the cache (cache-watcher.ts) can instead call the consumer from its own
// dispatch; any other stream is pumped into the consumer by `pipeWatch`.
import type { WatchEvent } from '../../api/meta/v1';

/** Where a piped watch puts its events. */
export interface WatchSink {
  /** Takes one event. False: backed up; nothing more comes until the pipe's `resume()`. */
  push(ev: WatchEvent): boolean;
}

/** A running pipe. */
export interface WatchPipe {
  /** Settles when the watch ends: resolves on a clean end or an abort, rejects with its error. */
  done: Promise<void>;
  /** The sink can take events again. */
  resume(): void;
}

/** A watch stream that can feed a sink itself (the cacher's streams). */
export interface PipeableWatch extends AsyncIterable<WatchEvent> {
  pipe(sink: WatchSink): WatchPipe;
}

const isPipeable = (s: AsyncIterable<WatchEvent>): s is PipeableWatch => typeof (s as Partial<PipeableWatch>).pipe === 'function';

/** Feeds `stream` into `sink`: synchronously when the stream can, otherwise one event per iteration. */
export const pipeWatch = (stream: AsyncIterable<WatchEvent>, sink: WatchSink, signal: AbortSignal): WatchPipe => {
  if (isPipeable(stream)) return stream.pipe(sink);
  let waiting: (() => void) | undefined;
  const resume = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  const done = (async () => {
    signal.addEventListener('abort', resume, { once: true });
    try {
      for await (const ev of stream) {
        if (!sink.push(ev) && !signal.aborted) await new Promise<void>((r) => { waiting = r; });
        if (signal.aborted) return;
      }
    } finally {
      signal.removeEventListener('abort', resume);
    }
  })();
  return { done, resume };
};
