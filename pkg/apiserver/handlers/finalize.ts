// Finalizer rules of every update path (PUT, PATCH, status, scale), applied by wrapping the
// store the handlers write through, so that each handler keeps calling guaranteedUpdate:
// - an update that removes the last finalizer of an object being deleted deletes it
//   (upstream's generic Store.Update with ShouldDeleteDuringUpdate);
// - no finalizer may be added once deletion started (ValidateObjectMetaUpdate).
import type { ApiObject } from '../../../api/meta/v1';
import { invalid, isConflict, isNotFound } from '../../apimachinery/errors';
import type { Logger } from '../../log';
import type { Store } from '../../storage';
import type { HandlerContext } from './context';
import { shouldDeleteDuringUpdate } from './delete-options';

const groupOf = (obj: ApiObject): string => {
  const v = obj.apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
};

const refuseNewFinalizers = (next: ApiObject, cur: ApiObject): void => {
  if (!cur.metadata.deletionTimestamp) return;
  const old = new Set(cur.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !old.has(f));
  if (added.length === 0) return;
  throw invalid(next.kind ?? cur.kind ?? '', groupOf(cur), cur.metadata.name ?? '', [{
    reason: 'FieldValueForbidden', field: 'metadata.finalizers',
    message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
  }]);
};

/**
 * A Store whose guaranteedUpdate applies the finalizer rules; every other member is the wrapped
 * store's own (a Proxy, so that members the Store contract gains later pass through unchanged).
 */
export const finalizingStore = (store: Store, log: Logger): Store => {
  const guaranteedUpdate: Store['guaranteedUpdate'] = async (key, tryUpdate, pre, w) => {
    let hadFinalizers = false;
    const updated = await store.guaranteedUpdate(key, (cur) => {
      // Read before tryUpdate: it may modify the copy it is given.
      hadFinalizers = (cur.metadata.finalizers ?? []).length > 0;
      const snapshot: ApiObject = { ...cur, metadata: { ...cur.metadata, finalizers: [...(cur.metadata.finalizers ?? [])] } };
      const next = tryUpdate(cur);
      refuseNewFinalizers(next, snapshot);
      return next;
    }, pre, w);
    if (!shouldDeleteDuringUpdate(updated, hadFinalizers)) return updated;
    try {
      // Pinned to what we just wrote: a finalizer added meanwhile keeps the object.
      await store.delete(key, { uid: updated.metadata.uid, resourceVersion: updated.metadata.resourceVersion });
      log.v(2, 'deleted after its last finalizer was removed', { key });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
      log.v(2, 'delete after finalization skipped', { key, reason: (err as Error).message });
    }
    return updated;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'guaranteedUpdate') return guaranteedUpdate;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
};

const wrapped = new WeakMap<HandlerContext, HandlerContext>();

/** The handler context whose store applies the finalizer rules (built once per context). */
export const withFinalizers = (ctx: HandlerContext): HandlerContext => {
  let w = wrapped.get(ctx);
  if (!w) {
    w = { ...ctx, store: finalizingStore(ctx.store, ctx.log) };
    wrapped.set(ctx, w);
  }
  return w;
};
