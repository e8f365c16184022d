// Serves a resource that is a view of another version's storage (registry/views.ts) by wrapping
// the store the handlers use: every object read comes out converted to the served version and
// every object written goes in converted to the stored one, so get, list, watch, create,
// update, patch, apply, delete and the status subresource all work unchanged on the view.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import type { Store, WatchOptions } from '../storage';
import type { RequestInfo } from './request-info';
import type { HandlerContext } from './handlers/context';
import { storageViewOf, type StorageView } from './registry';

/**
 * Conversions of shared (frozen, watch-cache) objects, memoised per view, so 1,000 watchers of
 * one event convert it once and the JSON memo of object-json.ts keeps working on the result.
 */
const memo = new WeakMap<StorageView, WeakMap<ApiObject, ApiObject>>();

const convertOut = (view: StorageView, obj: ApiObject): ApiObject => {
  if (!Object.isFrozen(obj)) return view.fromStorage(obj);
  let m = memo.get(view);
  if (!m) memo.set(view, (m = new WeakMap()));
  let out = m.get(obj);
  if (!out) m.set(obj, (out = Object.freeze(view.fromStorage(obj))));
  return out;
};

async function* convertEvents(view: StorageView, events: AsyncIterable<WatchEvent>): AsyncIterable<WatchEvent> {
  for await (const ev of events) {
    // ERROR carries a Status and BOOKMARK only a resourceVersion: nothing to convert.
    yield ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev : { ...ev, object: convertOut(view, ev.object) };
  }
}

export const viewStore = (store: Store, view: StorageView): Store => {
  const overrides: Partial<Store> = {
    create: async (key, obj) => view.fromStorage(await store.create(key, view.toStorage(obj))),
    get: async (key, opts) => convertOut(view, await store.get(key, opts)),
    list: async (prefix, opts) => {
      const page = await store.list(prefix, opts);
      return { ...page, items: page.items.map((o) => convertOut(view, o)) };
    },
    guaranteedUpdate: async (key, tryUpdate, pre) => view.fromStorage(
      await store.guaranteedUpdate(key, (cur) => view.toStorage(tryUpdate(view.fromStorage(cur)), cur), pre)),
    delete: async (key, pre) => view.fromStorage(await store.delete(key, pre)),
    watch: (prefix, fromRV, signal, opts?: WatchOptions) => {
      const predicate = opts?.predicate;
      const converted = predicate ? { ...opts, predicate: (o: ApiObject) => predicate(convertOut(view, o)) } : opts;
      return convertEvents(view, store.watch(prefix, fromRV, signal, converted));
    },
  };
  return new Proxy(store, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof Store];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
};

const wrapped = new WeakMap<HandlerContext, Map<StorageView, HandlerContext>>();

/** The context for a request: its store converts when the resource is a view, else `ctx` itself. */
export const withStorageView = (ctx: HandlerContext, ri: Pick<RequestInfo, 'resource'>): HandlerContext => {
  const view = storageViewOf(ri.resource);
  if (!view) return ctx;
  let byView = wrapped.get(ctx);
  if (!byView) wrapped.set(ctx, (byView = new Map()));
  let w = byView.get(view);
  if (!w) byView.set(view, (w = { ...ctx, store: viewStore(ctx.store, view) }));
  return w;
};
