// The cache of one resource (upstream watchCache + the cacher's reflector): one watch on the
// backing store under `/registry/<resource>/` keeps the current objects and a ring of recent
// events, and every event is dispatched synchronously to the registered watchers. Objects and
// events are frozen once stored: they are shared by every list and watcher (and encoded once).
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { resources } from '../../api/resources';
import { expired, isExpired } from '../apimachinery/errors';
import type { Logger } from '../log';
import type { Store } from './interface';
import { CacheWatcher, type CacheEvent, type CacheWatcherOptions } from './cache-watcher';
import { bookmarkEvent } from './watch-options';
import type { StorageClock } from './clock';
import { sleep } from './clock';
import { FieldsInterner } from './intern';

export interface WatchCacheOptions {
  backing: Store;
  /** `/registry/<resource>/` */
  root: string;
  log: Logger;
  clock: StorageClock;
  ringSize: number;
  bufferSize: number;
}

export type NewWatcher = Omit<CacheWatcherOptions, 'bufferSize' | 'onClose'> & {
  /** Queued before any change (initial state, end bookmark); never counted as lag. */
  initial?: WatchEvent[];
};

/** The first index whose key is ≥ `key`. */
const lowerBound = (keys: string[], key: string): number => {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1; else hi = mid;
  }
  return lo;
};

export class WatchCache {
  /** Revision of the newest event applied (or of the list the cache started from). */
  rv = 0;
  /** Every event after this revision is still in the ring. */
  oldest = 0;
  private readonly objects = new Map<string, ApiObject>();
  /** Every key, sorted: kept in order on insert and delete, so lists never sort. */
  private sortedKeys: string[] = [];
  private ring: CacheEvent[] = [];
  private ringStart = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private waiters: Array<{ rv: number; resolve: (ok: boolean) => void }> = [];
  private synced = false;
  private readonly namespaced: boolean | undefined;
  private readonly interner = new FieldsInterner();

  constructor(private readonly o: WatchCacheOptions) {
    const plural = o.root.split('/')[2];
    this.namespaced = resources.find((r) => r.plural === plural)?.namespaced;
  }

  get ready(): boolean { return this.synced; }
  get watcherCount(): number { return this.watchers.size; }
  get objectCount(): number { return this.objects.size; }

  /** Lists, then follows the backing watch until `signal` aborts; relists on 410, retries on errors. */
  async run(signal: AbortSignal): Promise<void> {
    let delay = 100;
    while (!signal.aborted) {
      try {
        if (!this.synced) await this.relist();
        for await (const ev of this.o.backing.watch(this.o.root, String(this.rv), signal)) {
          this.apply(ev);
          delay = 100;
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isExpired(err)) {
          this.o.log.info('watch cache fell behind, relisting', { root: this.o.root, resourceVersion: this.rv });
          this.synced = false;
          continue;
        }
        this.o.log.warn('watch cache: backing watch failed, retrying', { root: this.o.root, err, delayMs: delay });
        await sleep(this.o.clock, delay, signal);
        delay = Math.min(delay * 2, 5000);
      }
    }
    this.stop();
  }

  /** Resolves true once the cache has seen `rv`, false after `timeoutMs` (or when stopped). */
  waitFresh(rv: number, timeoutMs: number): Promise<boolean> {
    if (this.synced && this.rv >= rv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { rv, resolve: (ok: boolean) => { this.o.clock.clearTimeout(timer); resolve(ok); } };
      const timer = this.o.clock.setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The object stored under `key`, as of `rv`. */
  get(key: string): ApiObject | undefined {
    return this.objects.get(key);
  }

  /** The objects under `prefix`, sorted by key as etcd returns them (a binary search, then the range). */
  snapshot(prefix: string): ApiObject[] {
    const keys = this.sortedKeys;
    const out: ApiObject[] = [];
    for (let i = lowerBound(keys, prefix); i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.objects.get(keys[i]) as ApiObject);
    return out;
  }

  /**
   * Registers a watcher and replays the ring after `after`, in one synchronous step so that no
   * event falls in between. Callers check `after >= oldest` first.
   */
  addWatcher(o: NewWatcher): CacheWatcher {
    const w = new CacheWatcher({ ...o, bufferSize: this.o.bufferSize, onClose: (x) => this.watchers.delete(x) });
    for (const ev of o.initial ?? []) w.pushInitial(ev);
    for (const ce of this.eventsAfter(o.after)) w.deliver(ce, true);
    this.watchers.add(w);
    return w;
  }

  /** Sends a BOOKMARK to every idle watcher that asked for them. */
  sendBookmarks(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks || w.backlog > 0) continue;
      w.push(bookmarkEvent(String(Math.max(this.rv, w.lastRV))));
    }
  }

  /** History before `revision` is gone from the backing store: resuming before it must 410. */
  compacted(revision: number): void {
    this.oldest = Math.max(this.oldest, revision - 1);
    while (this.ringStart < this.ring.length && this.ring[this.ringStart].rev <= this.oldest) this.ringStart++;
    this.trimRing();
  }

  stop(): void {
    for (const w of [...this.watchers]) w.terminate();
    for (const w of this.waiters.splice(0)) w.resolve(false);
  }

  private eventsAfter(after: number): CacheEvent[] {
    let lo = this.ringStart;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid].rev <= after) lo = mid + 1; else hi = mid;
    }
    return this.ring.slice(lo);
  }

  private async relist(): Promise<void> {
    const list = await this.o.backing.list(this.o.root);
    const wasSynced = this.rv > 0;
    this.objects.clear();
    for (const item of list.items) this.objects.set(this.keyOf(item), this.store(item));
    this.sortedKeys = [...this.objects.keys()].sort();
    this.rv = Number(list.resourceVersion);
    this.oldest = this.rv;
    this.ring = [];
    this.ringStart = 0;
    this.synced = true;
    // Watchers cannot be told what changed while the cache was blind: they relist (upstream too).
    if (wasSynced) for (const w of [...this.watchers]) w.terminate(expired('the watch cache was reinitialized; list again'));
    this.o.log.v(2, 'watch cache synced', { root: this.o.root, items: list.items.length, resourceVersion: this.rv });
    this.resolveWaiters();
  }

  /** Shares managedFields tries, then freezes: the object is now the cache's, immutable. */
  private store(obj: ApiObject): ApiObject {
    if (!Object.isFrozen(obj)) this.interner.intern(obj);
    return Object.freeze(obj);
  }

  private keyOf(obj: ApiObject): string {
    const ns = obj.metadata.namespace;
    const namespaced = this.namespaced ?? Boolean(ns);
    return namespaced ? `${this.o.root}${ns ?? ''}/${obj.metadata.name ?? ''}` : `${this.o.root}${obj.metadata.name ?? ''}`;
  }

  private apply(raw: WatchEvent): void {
    const object = this.store(raw.object);
    const rev = Number(object.metadata.resourceVersion);
    if (!(rev > this.rv)) return;
    const key = this.keyOf(object);
    const prevObject = this.objects.get(key);
    let type = raw.type;
    if (type === 'DELETED') {
      if (prevObject) this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 1);
      this.objects.delete(key);
    } else {
      type = prevObject ? 'MODIFIED' : 'ADDED';
      if (!prevObject) this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
      this.objects.set(key, object);
    }
    const ce: CacheEvent = Object.freeze({ key, rev, prevObject, event: Object.freeze({ type, object }) });
    this.ring.push(ce);
    this.trimRing();
    this.rv = rev;
    for (const w of this.watchers) w.deliver(ce);
    this.resolveWaiters();
  }

  /** Keeps at most ringSize events; compacts the array when half of it is dropped. */
  private trimRing(): void {
    while (this.ring.length - this.ringStart > this.o.ringSize) {
      this.oldest = Math.max(this.oldest, this.ring[this.ringStart].rev);
      this.ringStart++;
    }
    if (this.ringStart > 1024 && this.ringStart * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ringStart);
      this.ringStart = 0;
    }
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.rv >= w.rv) w.resolve(true); else keep.push(w);
    }
    this.waiters = keep;
  }
}
