// A shared informer (client-go tools/cache reflector.go + shared_informer.go): the reflector
// lists (in pages of `pageSize`), then watches from the list's resourceVersion with bookmarks
// into an indexed cache; each change is pushed to every handler's listener (./processor.ts),
// so a slow handler never holds up the watch. A watch that ends is resumed from the last
// resourceVersion seen (a BOOKMARK moves it without touching the cache); an expired one (410) is
// replaced by a relist whose difference from the cache is delivered as add/update/delete — an
// object that vanished meanwhile is delivered as a DeletedFinalStateUnknown tombstone holding its
// last cached state, since its real final state was never seen (./tombstone.ts). An
// expired continue token restarts the list without pages (client-go pager's full-list
// fallback). Failures back off with jitter on the injected clock.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { apiVersionOf } from '../../api/group-version';
import { isExpired } from '../apimachinery/errors';
import type { Logger } from '../log';
import { Backoff, realClock, sleep, type Clock, type TimerHandle } from './clock';
import { IndexedCache, deepFreeze, metaNamespaceKey, type IndexFunc } from './cache';
import { Listener, type Notification } from './processor';
import { DeletedFinalStateUnknown } from './tombstone';
import type { EventHandler, Informer, ResourceClient } from './types';

export interface InformerOptions<T extends ApiObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<T>>;
  /** Redeliver every cached object as an update this often (0/undefined: never). */
  resyncMs?: number;
  /** Items per page of the initial list and relists (default 500, as the reflector; 0: no paging). */
  pageSize?: number;
  log: Logger;
  clock?: Clock;
  random?: () => number;
}

export interface ResourceInformer<T extends ApiObject> extends Informer<T> {
  /** The resourceVersion the reflector will resume from. */
  lastSyncResourceVersion(): string | undefined;
  /** Notifications buffered for busy (async) handlers, summed. */
  backlog(): number;
}

/** A watch that ends sooner than this without delivering anything counts as a failure (no hot loop). */
const MIN_WATCH_MS = 1000;

export const createInformer = <T extends ApiObject>(rc: ResourceClient<T>, opts: InformerOptions<T>): ResourceInformer<T> => {
  const clock = opts.clock ?? realClock;
  const log = opts.log.child(`informer/${rc.info.plural}`);
  const cache = new IndexedCache<T>(opts.indexers);
  const listeners: Listener<T>[] = [];
  const syncWaiters: (() => void)[] = [];
  const namespace = opts.namespace ?? '';
  const selectors = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
  let synced = false;
  let rv: string | undefined; // undefined: the next step is a (re)list

  /** Listeners log what their handler throws; nothing a handler does stops the informer. */
  const notify = (n: Notification<T>) => {
    for (const l of listeners) l.push(n);
  };

  // Lists of typed clients omit kind/apiVersion on items; fill them so consumers (events,
  // ownerReferences) can rely on them, then freeze.
  const prepare = (obj: T): T => deepFreeze(obj.kind && obj.apiVersion ? obj : { ...obj, kind: rc.info.kind, apiVersion: apiVersionOf(rc.info) });

  const upsert = (obj: T) => {
    const old = cache.set(obj);
    notify(old ? { type: 'update', old, obj } : { type: 'add', obj });
  };

  /** A DELETED event carries the object's final state: that is what handlers get (client-go). */
  const remove = (obj: T) => {
    cache.delete(metaNamespaceKey(obj));
    notify({ type: 'delete', obj });
  };

  /** Gone from a relist: the deletion was missed, so handlers get a tombstone with the last state we held. */
  const vanished = (key: string) => {
    const last = cache.delete(key);
    if (last) notify({ type: 'delete', obj: new DeletedFinalStateUnknown(key, last) });
  };

  /**
   * Lists every page. Pages share the first page's snapshot, so the last page's resourceVersion
   * is the list's. An expired continue token (the snapshot was compacted away) restarts the
   * list in one piece.
   */
  const listAll = async (signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }> => {
    const items: T[] = [];
    let limit = opts.pageSize ?? 500;
    let cont: string | undefined;
    for (;;) {
      let page;
      try {
        page = await rc.list(namespace, { ...selectors, limit: limit || undefined, continue: cont }, signal);
      } catch (err) {
        if (!cont || !isExpired(err)) throw err;
        log.info('continue token expired, listing without pages', { items: items.length });
        [items.length, cont, limit] = [0, undefined, 0];
        continue;
      }
      items.push(...page.items);
      cont = page.metadata.continue || undefined;
      if (!cont) return { items, resourceVersion: page.metadata.resourceVersion ?? '' };
    }
  };

  /** Lists, replaces the cache and delivers the difference; returns the list's resourceVersion. */
  const relist = async (signal: AbortSignal): Promise<string> => {
    const list = await listAll(signal);
    const fresh = new Map(list.items.map((o) => [metaNamespaceKey(o), prepare(o)]));
    for (const key of cache.keys()) {
      if (!fresh.has(key)) vanished(key);
    }
    for (const obj of fresh.values()) {
      const old = cache.get(metaNamespaceKey(obj));
      if (!old) upsert(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) upsert(obj);
    }
    log.v(2, 'listed', { items: fresh.size, resourceVersion: list.resourceVersion });
    if (!synced) {
      synced = true;
      for (const w of syncWaiters.splice(0)) w();
    }
    return list.resourceVersion;
  };

  /** A BOOKMARK only carries a resourceVersion: it moves `rv` and leaves the cache alone. */
  const apply = (ev: WatchEvent<T>) => {
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') upsert(prepare(ev.object));
    else if (ev.type === 'DELETED') remove(prepare(ev.object));
    if (ev.object.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
  };

  /** Watches from `rv` until the stream ends; returns how many events arrived. */
  const watch = async (signal: AbortSignal): Promise<number> => {
    let events = 0;
    // Randomised timeout, as the reflector does, so that watches do not all reconnect at once.
    const timeoutSeconds = 300 + Math.floor((opts.random ?? Math.random)() * 300);
    for await (const ev of rc.watch(namespace, { ...selectors, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds }, signal)) {
      apply(ev);
      events++;
    }
    return events;
  };

  const startResync = (signal: AbortSignal): (() => void) => {
    if (!opts.resyncMs) return () => undefined;
    let timer: TimerHandle | undefined;
    const tick = () => {
      if (signal.aborted) return;
      for (const obj of cache.list()) notify({ type: 'update', old: obj, obj });
      timer = clock.setTimeout(tick, opts.resyncMs as number);
    };
    timer = clock.setTimeout(tick, opts.resyncMs);
    return () => { if (timer) clock.clearTimeout(timer); };
  };

  // 800ms doubling to 30s, reset after 2 quiet minutes (reflector.go's backoffManager).
  const listWatch = async (signal: AbortSignal): Promise<void> => {
    const backoff = new Backoff({ initialMs: 800, maxMs: 30_000, jitter: 1, resetAfterMs: 120_000, clock, random: opts.random });
    let expiredInARow = 0;
    while (!signal.aborted) {
      try {
        if (rv === undefined) rv = await relist(signal);
        const started = clock.now();
        const events = await watch(signal);
        if (signal.aborted) break;
        if (events === 0 && clock.now() - started < MIN_WATCH_MS) throw new Error('watch closed at once');
        log.v(4, 'watch ended, resuming', { resourceVersion: rv, events });
        expiredInARow = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (isExpired(err) && expiredInARow++ === 0) {
          log.info('watch expired, relisting', { resourceVersion: rv, reason: (err as Error).message });
          rv = undefined;
          continue;
        }
        if (isExpired(err)) rv = undefined;
        const delay = backoff.next();
        log.warn('list/watch failed, retrying', { error: err, delayMs: delay, resourceVersion: rv });
        await sleep(clock, delay, signal);
      }
    }
  };

  return {
    addEventHandler(h: EventHandler<T>) {
      const l = new Listener(h, log);
      listeners.push(l);
      // Late handlers see the current state as adds, as shared informers do.
      for (const obj of cache.list()) l.push({ type: 'add', obj });
    },
    async run(signal) {
      const stopResync = startResync(signal);
      try {
        await listWatch(signal);
      } finally {
        stopResync();
        for (const w of syncWaiters.splice(0)) w();
      }
    },
    hasSynced: () => synced,
    waitForSync: (signal) => new Promise<void>((resolve) => {
      if (synced || signal?.aborted) { resolve(); return; }
      syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    }),
    get: (key) => cache.get(key),
    list: () => cache.list(),
    byIndex: (name, value) => cache.byIndex(name, value),
    lastSyncResourceVersion: () => rv,
    backlog: () => listeners.reduce((n, l) => n + l.backlog(), 0),
  };
};
