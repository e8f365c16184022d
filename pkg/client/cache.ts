// The informer's indexed cache (client-go tools/cache store.go + thread_safe_store.go + index.go):
// objects by `namespace/name` key, plus named indexes from index value to keys. The `namespace`
// index is always present. Objects are deep-frozen on the way in: consumers clone before mutating.
import type { ApiObject } from '../../api/meta/v1';

export type IndexFunc<T> = (obj: T) => string[];

/** `namespace/name`, or `name` for cluster-scoped objects (client-go MetaNamespaceKeyFunc). */
export const metaNamespaceKey = (obj: ApiObject): string =>
  obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : obj.metadata.name ?? '';

export const splitMetaNamespaceKey = (key: string): { namespace: string; name: string } => {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export const deepFreeze = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
};

export const namespaceIndex = 'namespace';

/** Index name and function for labels: every `key=value` pair (`byIndex(labelIndex, 'app=web')`). */
export const labelIndex = 'label';
export const labelIndexFunc: IndexFunc<ApiObject> = (o) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);

/** Pods by the node they are bound to; unbound pods are not indexed (k8s NodeNameKeyIndex). */
export const nodeNameIndex = 'spec.nodeName';
export const podNodeNameIndexFunc: IndexFunc<ApiObject> = (o) => {
  const node = (o as { spec?: { nodeName?: unknown } }).spec?.nodeName;
  return typeof node === 'string' && node !== '' ? [node] : [];
};

export class IndexedCache<T extends ApiObject> {
  private readonly items = new Map<string, T>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly indexers: Record<string, IndexFunc<T>>;

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = { [namespaceIndex]: (o) => [o.metadata.namespace ?? ''], ...indexers };
    for (const name of Object.keys(this.indexers)) this.indices.set(name, new Map());
  }

  get(key: string): T | undefined { return this.items.get(key); }
  list(): T[] { return [...this.items.values()]; }
  keys(): string[] { return [...this.items.keys()]; }
  get size(): number { return this.items.size; }

  /** Stores `obj` and returns the object it replaced, if any. */
  set(obj: T): T | undefined {
    const key = metaNamespaceKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return [...(index.get(value) ?? [])].map((k) => this.items.get(k) as T);
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const keys = index.get(v) ?? new Set<string>();
        keys.add(key);
        index.set(v, keys);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(v);
      }
    }
  }
}
