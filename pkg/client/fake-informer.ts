// A hand-fed Informer for controller unit tests (client-go's fake informer via a seeded
// indexer): tests seed the cache and fire events directly. Test-only: not exported from index.ts.
import type { ApiObject } from '../../api/meta/v1';
import { IndexedCache, deepFreeze, metaNamespaceKey, type IndexFunc } from './cache';
import { DeletedFinalStateUnknown } from './tombstone';
import type { EventHandler, Informer } from './types';

export class FakeInformer<T extends ApiObject> implements Informer<T> {
  private readonly cache: IndexedCache<T>;
  private readonly handlers: EventHandler<T>[] = [];
  synced = true;

  constructor(indexers: Record<string, IndexFunc<T>> = {}) { this.cache = new IndexedCache(indexers); }

  addEventHandler(h: EventHandler<T>): void { this.handlers.push(h); }
  async run(signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  hasSynced(): boolean { return this.synced; }
  async waitForSync(): Promise<void> { /* seeded caches are synced */ }
  get(key: string): T | undefined { return this.cache.get(key); }
  list(): T[] { return this.cache.list(); }
  byIndex(indexName: string, value: string): T[] { return this.cache.byIndex(indexName, value); }

  /** Puts `obj` in the cache without telling handlers (seeding). */
  seed(...objs: T[]): void { for (const o of objs) this.cache.set(deepFreeze(o)); }

  /** Stores `obj` and fires add or update, as a watch event would. */
  apply(obj: T): void {
    const frozen = deepFreeze(obj);
    const old = this.cache.set(frozen);
    for (const h of this.handlers) {
      if (old) h.update?.(old, frozen);
      else h.add?.(frozen);
    }
  }

  remove(obj: T): void {
    const old = this.cache.delete(metaNamespaceKey(obj)) ?? obj;
    for (const h of this.handlers) h.delete?.(old);
  }

  /** Drops `obj` and fires delete with a DeletedFinalStateUnknown, as a relist that finds it gone does. */
  vanish(obj: T): void {
    const key = metaNamespaceKey(obj);
    const last = this.cache.delete(key) ?? deepFreeze(obj);
    for (const h of this.handlers) h.delete?.(new DeletedFinalStateUnknown(key, last));
  }
}
