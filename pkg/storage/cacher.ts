// The Cacher (apiserver storage/cacher): a Store in front of the etcd store. Writes and
// consistent reads go to the backing store; watches and lists that may be served from a cache
// (resourceVersion '0', or NotOlderThan N) are answered by one WatchCache per resource, each fed
// by a single backing watch and fanned out to every HTTP watcher.
//
// Routing (upstream's shouldDelegateList and Watch):
//   list  RV '' | continue | N (Exact)                          → backing store (etcd)
//   list  RV '0' | N with NotOlderThan                         → cache, once it has seen N
//   watch from N still in the cache's history                  → cache
//   watch from N older than the cache's history                → backing store (410 once etcd
//         compacted it), moving onto the cache at the first event the cache still holds
import { setMaxListeners } from 'node:events';
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import type { Logger } from '../log';
import type { GetOptions, ListOptions, ListResult, Store, WatchOptions } from './interface';
import { groupResourceOfKey, nameOfKey, parseResourceVersion } from './keys';
import { notFound } from '../apimachinery/errors';
import { realClock, type StorageClock, type TimerHandle } from './clock';
import { WatchCache } from './watch-cache';
import { CacheWatcher } from './cache-watcher';
import { pipeWatch, type PipeableWatch, type WatchPipe, type WatchSink } from './watch-sink';
import { bookmarkEvent } from './watch-options';
import { isRevisionReader, RevisionBatcher } from './revision-batcher';

export type CompactableStore = Store & { compact(revision: string): Promise<void> };

export interface CacherOptions {
  backing: CompactableStore;
  log: Logger;
  /** Resource roots (`/registry/pods/`) cached from the start; others start on first use. */
  resources?: string[];
  /** Recent events kept per resource for watches that resume. Default 10,000. */
  ringSize?: number;
  /** Events a watcher may fall behind before it is closed with 410. Default 10,000. */
  watcherBufferSize?: number;
  /** BOOKMARK period for watchers that allow them. Default 60 s (upstream: about a minute). */
  bookmarkIntervalMs?: number;
  /** How long a read at N waits for the cache to see N before asking etcd instead. Default 250 ms. */
  freshTimeoutMs?: number;
  /** How long a request waits for a starting cache before asking etcd instead. Default 5 s. */
  readyTimeoutMs?: number;
  clock?: StorageClock;
}

export interface CacheStats { root: string; resourceVersion: number; oldest: number; watchers: number; objects: number; ready: boolean }

export interface Cacher extends CompactableStore {
  /** Also pipeable: an HTTP watcher of the cache is fed from its dispatch (watch-sink.ts). */
  watch(prefix: string, fromRV: string, signal: AbortSignal, opts?: WatchOptions): PipeableWatch;
  stats(): CacheStats[];
}

/** `/registry/pods/ns/` → `/registry/pods/`; undefined for keys outside /registry. */
const rootOf = (prefix: string): string | undefined => {
  const parts = prefix.split('/');
  return parts[1] === 'registry' && parts[2] ? `/registry/${parts[2]}/` : undefined;
};

/** Whether a list may be answered by the cache (see the table at the top). */
export const servedFromCache = (o: ListOptions): boolean => {
  if (o.continue || o.resourceVersionMatch === 'Exact') return false;
  if (o.resourceVersion === undefined || o.resourceVersion === '') return false;
  // At this level N without a match is Exact; the HTTP layer maps upstream's legacy rule
  // (N without limit means NotOlderThan) before calling.
  return o.resourceVersion === '0' || o.resourceVersionMatch === 'NotOlderThan';
};

/** What a watch opens onto: a watcher of the cache, or another stream (etcd, a generator). */
type WatchSource = CacheWatcher | AsyncIterable<WatchEvent>;

/**
 * A watch whose source is opened on the first next() or on pipe(); afterwards next() goes
 * straight to the source (no generator in between: each layer would cost a promise per event),
 * and a pipe onto a cache watcher is fed by the cache's dispatch itself.
 */
const lazyWatch = (open: () => Promise<WatchSource>, signal: AbortSignal): PipeableWatch => {
  let opening: Promise<WatchSource> | undefined;
  const source = () => (opening ??= open());
  return {
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
      let inner: AsyncIterator<WatchEvent> | undefined;
      const iterator = () => source().then((s) => (inner = (s instanceof CacheWatcher ? s.events(signal) : s)[Symbol.asyncIterator]()));
      return {
        next: () => (inner ? inner.next() : iterator().then((i) => i.next())),
        return: async (value?: unknown) => {
          const i = inner ?? (opening ? await iterator() : undefined);
          if (i?.return) return i.return(value);
          return { done: true, value: undefined };
        },
      };
    },
    pipe(sink: WatchSink): WatchPipe {
      let inner: WatchPipe | undefined;
      const done = source().then((s) => {
        inner = s instanceof CacheWatcher ? s.pipe(sink, signal) : pipeWatch(s, sink, signal);
        return inner.done;
      });
      return { done, resume: () => inner?.resume() };
    },
  };
};

export const createCacher = (opts: CacherOptions): Cacher => {
  const { backing, log } = opts;
  const clock = opts.clock ?? realClock;
  const freshTimeoutMs = opts.freshTimeoutMs ?? 250;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 5000;
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per cached resource
  const caches = new Map<string, WatchCache>();

  const cacheFor = (prefix: string): WatchCache | undefined => {
    const root = rootOf(prefix);
    if (!root || stop.signal.aborted) return undefined;
    let cache = caches.get(root);
    if (!cache) {
      cache = new WatchCache({
        backing, root, log, clock, ringSize: opts.ringSize ?? 10_000,
        bufferSize: opts.watcherBufferSize ?? 10_000,
      });
      caches.set(root, cache);
      cache.run(stop.signal).catch((err: unknown) => log.error('watch cache stopped', { root, err }));
    }
    return cache;
  };
  for (const root of opts.resources ?? []) cacheFor(root);

  let bookmarkTimer: TimerHandle | undefined;
  const bookmarkTick = () => {
    for (const c of caches.values()) c.sendBookmarks();
    bookmarkTimer = clock.setTimeout(bookmarkTick, opts.bookmarkIntervalMs ?? 60_000);
  };
  bookmarkTimer = clock.setTimeout(bookmarkTick, opts.bookmarkIntervalMs ?? 60_000);

  const list = async (prefix: string, o: ListOptions = {}): Promise<ListResult> => {
    const cache = servedFromCache(o) ? cacheFor(prefix) : undefined;
    if (!cache) return backing.list(prefix, o);
    const at = parseResourceVersion(o.resourceVersion);
    if (!(await cache.waitFresh(at, cache.ready ? freshTimeoutMs : readyTimeoutMs))) {
      log.v(4, 'watch cache not fresh, listing from etcd', { prefix, resourceVersion: o.resourceVersion, cached: cache.rv });
      return backing.list(prefix, at > 0 ? { ...o, resourceVersionMatch: 'NotOlderThan' } : { limit: o.limit });
    }
    return { items: cache.snapshot(prefix), resourceVersion: String(cache.rv) };
  };

  const revisions = isRevisionReader(backing) ? new RevisionBatcher(backing) : undefined;

  /**
   * A get at resourceVersion '0' is answered by a ready cache (upstream's cacher.Get): the object
   * as the cache last saw it, frozen and shared. A read-only get of the latest state is answered
   * by the cache too once it has seen the key's current revision (revision-batcher.ts).
   * Anything else reads etcd.
   */
  const get = async (key: string, o?: GetOptions): Promise<ApiObject> => {
    const latest = !o?.resourceVersion && o?.readOnly && revisions;
    const cache = o?.resourceVersion === '0' || latest ? cacheFor(key) : undefined;
    if (!cache?.ready) return backing.get(key);
    if (latest) {
      const mod = await latest.modRevision(key);
      if (mod === undefined) throw notFound(groupResourceOfKey(key), nameOfKey(key));
      if (!(await cache.waitFresh(Number(mod), freshTimeoutMs))) return backing.get(key);
    }
    // At or after the key's revision: a newer state, or a deletion since, is as consistent.
    const obj = cache.get(key);
    if (!obj) throw notFound(groupResourceOfKey(key), nameOfKey(key));
    return obj;
  };

  /** Initial events: the state (from the cache, or from etcd for '' and a cache that lags), then changes. */
  const watchWithState = async (cache: WatchCache, prefix: string, fromRV: string, signal: AbortSignal, o: WatchOptions): Promise<WatchSource> => {
    const at = parseResourceVersion(fromRV);
    let state: { items: ApiObject[]; rv: number } | undefined;
    const fresh = fromRV !== '' && ((cache.ready && cache.rv >= at) || await cache.waitFresh(at, freshTimeoutMs));
    if (!fresh) {
      const l = await backing.list(prefix, at > 0 ? { resourceVersion: fromRV, resourceVersionMatch: 'NotOlderThan' } : {});
      state = { items: l.items, rv: Number(l.resourceVersion) };
    }
    // From here to addWatcher nothing awaits, so the snapshot and the live events join exactly.
    state ??= { items: cache.snapshot(prefix), rv: cache.rv };
    if (state.rv < cache.oldest) return backing.watch(prefix, fromRV, signal, o);
    const initial: WatchEvent[] = [];
    for (const object of state.items) if (!o.predicate || o.predicate(object)) initial.push({ type: 'ADDED', object });
    if (o.sendInitialEvents) initial.push(bookmarkEvent(String(state.rv), true));
    return cache.addWatcher({ prefix, after: state.rv, predicate: o.predicate, bookmarks: o.bookmarks ?? false, initial });
  };

  /**
   * A resume from before the cache's history (e.g. after an apiserver restart): etcd replays
   * it, and once an event the cache still holds has been passed on, the cache takes over.
   */
  async function* resumeFromBacking(cache: WatchCache, prefix: string, fromRV: string, signal: AbortSignal, o: WatchOptions): AsyncGenerator<WatchEvent> {
    let from = fromRV;
    for (;;) {
      if (cache.ready && Number(from) >= cache.oldest) {
        yield* cache.addWatcher({ prefix, after: Number(from), predicate: o.predicate, bookmarks: o.bookmarks ?? false }).events(signal);
        return;
      }
      const inner = new AbortController();
      const onAbort = () => inner.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let caughtUp = false;
      try {
        for await (const ev of backing.watch(prefix, from, inner.signal, { predicate: o.predicate })) {
          yield ev;
          from = ev.object.metadata.resourceVersion ?? from;
          if (cache.ready && Number(from) >= cache.oldest) { caughtUp = true; break; }
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        inner.abort();
      }
      if (!caughtUp || signal.aborted) return;
      log.v(4, 'watch moved from etcd onto the watch cache', { prefix, resourceVersion: from });
    }
  }

  const openWatch = async (prefix: string, fromRV: string, signal: AbortSignal, o: WatchOptions): Promise<WatchSource> => {
    const at = parseResourceVersion(fromRV);
    const cache = cacheFor(prefix);
    // A ready cache is used without awaiting first, so a write issued right after watch() is seen.
    if (!cache || !(cache.ready || await cache.waitFresh(0, readyTimeoutMs))) return backing.watch(prefix, fromRV, signal, o);
    if (o.sendInitialEvents ?? at === 0) return watchWithState(cache, prefix, fromRV, signal, o);
    // No initial events: '' starts at etcd's latest revision, '0' at the cache's.
    const after = fromRV === '' ? Math.max(cache.rv, Number(await backing.currentRevision())) : at === 0 ? cache.rv : at;
    if (after < cache.oldest) return resumeFromBacking(cache, prefix, fromRV, signal, o);
    return cache.addWatcher({ prefix, after, predicate: o.predicate, bookmarks: o.bookmarks ?? false });
  };

  const watch = (prefix: string, fromRV: string, signal: AbortSignal, o: WatchOptions = {}): PipeableWatch =>
    lazyWatch(() => openWatch(prefix, fromRV, signal, o), signal);

  const compact = async (revision: string): Promise<void> => {
    await backing.compact(revision);
    for (const c of caches.values()) c.compacted(Number(revision));
  };

  const close = async (): Promise<void> => {
    stop.abort();
    if (bookmarkTimer) clock.clearTimeout(bookmarkTimer);
    for (const c of caches.values()) c.stop();
    await backing.close();
  };

  return {
    create: (key, obj, w) => backing.create(key, obj, w),
    get,
    guaranteedUpdate: (key, tryUpdate, pre, w) => backing.guaranteedUpdate(key, tryUpdate, pre, w),
    delete: (key, pre) => backing.delete(key, pre),
    currentRevision: () => backing.currentRevision(),
    list, watch, compact, close,
    stats: () => [...caches.entries()].map(([root, c]) => ({
      root, resourceVersion: c.rv, oldest: c.oldest, watchers: c.watcherCount, objects: c.objectCount, ready: c.ready,
    })),
  };
};
