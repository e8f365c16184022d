// Per-resource TTLs (upstream sets a TTLFunc on the registry store of Events, fed by
// --event-ttl): a Store whose creates and updates of the listed resources carry a ttl, so every
// layer above (handlers, storage views, finalizers) writes through it unchanged.
import type { Store, WriteOptions } from './interface';

/** `/registry/<resource>/…` → `<resource>`. */
const resourceOfKey = (key: string): string => key.split('/')[2] ?? '';

/**
 * Wraps `store` so that writes under `/registry/<resource>/` for each resource in `ttlSeconds`
 * expire after that many seconds (unless the caller gave its own ttl). Other members pass through.
 */
export const withResourceTTL = <S extends Store>(store: S, ttlSeconds: Record<string, number>): S => {
  const optsFor = (key: string, w: WriteOptions | undefined): WriteOptions | undefined => {
    const ttl = ttlSeconds[resourceOfKey(key)];
    return ttl && ttl > 0 && !w?.ttlSeconds ? { ...w, ttlSeconds: ttl } : w;
  };
  const create: Store['create'] = (key, obj, w) => store.create(key, obj, optsFor(key, w));
  const guaranteedUpdate: Store['guaranteedUpdate'] = (key, tryUpdate, pre, w) => store.guaranteedUpdate(key, tryUpdate, pre, optsFor(key, w));
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'create') return create;
      if (prop === 'guaranteedUpdate') return guaranteedUpdate;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
};
