// DELETE, as upstream's generic registry Store.Delete with the pod and namespace specialisations:
// - preconditions (uid, resourceVersion) → 409 Conflict;
// - pods bound to a node are deleted gracefully: deletionTimestamp + deletionGracePeriodSeconds,
//   and they stay until the agent, having stopped the containers, deletes them with
//   gracePeriodSeconds=0 (a second DELETE may only shorten the grace period);
// - propagationPolicy Orphan/Foreground put the `orphan`/`foregroundDeletion` finalizer on the
//   object for the garbage collector; Background (the default) deletes at once;
// - an object with finalizers gets deletionTimestamp (grace 0) and stays until they are gone;
// - namespaces turn Terminating (spec.finalizers `kubernetes`) and are removed by a later DELETE
//   once the namespace controller emptied and finalized them;
// - dryRun=All decides everything and writes nothing.
import type { Request, Response } from 'express';
import type { ApiObject, DeleteOptions } from '../../../api/meta/v1';
import type { Pod } from '../../../api/core/v1';
import type { ResourceInfo } from '../../../api/resources';
import { isConflict } from '../../apimachinery/errors';
import { admitNamespaceDelete } from '../admission';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { parseBody } from './body';
import { keyOf, queryOf, withTypeMeta } from './common';
import {
  checkDeletePreconditions, deleteOptionsOf, deletionFinalizers, isDryRunDelete,
} from './delete-options';
import { rfc3339, sendJson } from './respond';

export interface DeleteResult {
  /** The object as stored now (still present), or its last state (deleted). */
  obj: ApiObject;
  /** True when the object is gone from storage (or would be, for dryRun). */
  deleted: boolean;
}

/** The grace period a new pod deletion gets (podStrategy.CheckGracefulDelete); 0: no graceful deletion. */
export const podGracePeriod = (pod: Pod, opts: DeleteOptions): number => {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
};

interface GracePlan { graceful: boolean; pending: boolean; deletionTimestamp?: string; grace?: number }

/** rest.BeforeDelete for pods; every other resource deletes without a grace period. */
export const gracePlan = (info: ResourceInfo, cur: ApiObject, opts: DeleteOptions, now: Date): GracePlan => {
  if (info.plural !== 'pods') return { graceful: false, pending: false };
  const m = cur.metadata;
  const want = opts.gracePeriodSeconds ?? undefined;
  if (m.deletionTimestamp) {
    const current = m.deletionGracePeriodSeconds ?? 0;
    // Graceful deletion over (or never started): go on with finalizers or the removal.
    if (current === 0) return { graceful: false, pending: false };
    // Only a shorter grace period may be given; 0 (the agent, or --force) removes the pod.
    if (want === undefined || want >= current) return { graceful: false, pending: true };
    if (want === 0) return { graceful: false, pending: false };
    const at = Date.parse(m.deletionTimestamp) - current * 1000 + want * 1000;
    return { graceful: true, pending: false, deletionTimestamp: rfc3339(new Date(at)), grace: want };
  }
  const grace = podGracePeriod(cur as Pod, opts);
  if (grace === 0) return { graceful: false, pending: false };
  return { graceful: true, pending: false, deletionTimestamp: rfc3339(new Date(now.getTime() + grace * 1000)), grace };
};

export type DeletePlan = { action: 'keep' } | { action: 'update'; obj: ApiObject } | { action: 'delete' };

/** What a DELETE does to `cur` (pure): nothing yet, mark it (graceful/finalizers), or remove it. */
export const planDelete = (info: ResourceInfo, cur: ApiObject, opts: DeleteOptions, now: Date): DeletePlan => {
  const grace = gracePlan(info, cur, opts, now);
  // Finalizers cannot be changed through DeleteOptions while a graceful deletion is pending.
  if (grace.pending) return { action: 'keep' };
  const fin = deletionFinalizers(cur, opts);
  const pendingFinalizers = fin.finalizers.length > 0;
  if (!grace.graceful && !pendingFinalizers) return { action: 'delete' };
  const meta = { ...cur.metadata };
  if (fin.changed) meta.finalizers = fin.finalizers;
  if (grace.graceful) {
    meta.deletionTimestamp = grace.deletionTimestamp;
    meta.deletionGracePeriodSeconds = grace.grace;
  } else {
    meta.deletionTimestamp ??= rfc3339(now);
    meta.deletionGracePeriodSeconds = 0;
  }
  return { action: 'update', obj: { ...cur, metadata: meta } };
};

const maxAttempts = 5;

/** Store.Delete: decides on the stored state and writes pinned to its resourceVersion, re-deciding after a lost race. */
const deleteGeneric = async (ctx: HandlerContext, ri: RequestInfo, opts: DeleteOptions): Promise<DeleteResult> => {
  const key = keyOf(ri);
  for (let attempt = 1; ; attempt++) {
    const cur = await ctx.store.get(key);
    checkDeletePreconditions(ri.resource, cur, opts);
    const plan = planDelete(ri.resource, cur, opts, ctx.now());
    if (plan.action === 'keep') return { obj: cur, deleted: false };
    if (isDryRunDelete(opts)) return plan.action === 'update' ? { obj: plan.obj, deleted: false } : { obj: cur, deleted: true };
    const pinned = { resourceVersion: cur.metadata.resourceVersion };
    try {
      if (plan.action === 'update') return { obj: await ctx.store.guaranteedUpdate(key, () => plan.obj, pinned), deleted: false };
      return { obj: await ctx.store.delete(key, pinned), deleted: true };
    } catch (err) {
      if (!isConflict(err) || attempt >= maxAttempts) throw err;
      ctx.log.v(4, 'delete raced with a write, deciding again', { key, attempt });
    }
  }
};

const namespaceFinalizer = 'kubernetes';

interface NamespaceFields { spec?: { finalizers?: string[] }; status?: { phase?: string } }

/** The first DELETE of a namespace: Terminating, with the `kubernetes` finalizer for the namespace controller. */
const markTerminating = (cur: ApiObject, opts: DeleteOptions, now: Date): ApiObject => {
  const ns = cur as ApiObject & NamespaceFields;
  const specFinalizers = ns.spec?.finalizers ?? [];
  const fin = deletionFinalizers(cur, opts);
  return {
    ...cur,
    metadata: { ...cur.metadata, deletionTimestamp: cur.metadata.deletionTimestamp ?? rfc3339(now), ...(fin.changed ? { finalizers: fin.finalizers } : {}) },
    spec: { ...ns.spec, finalizers: specFinalizers.includes(namespaceFinalizer) ? specFinalizers : [...specFinalizers, namespaceFinalizer] },
    status: { ...ns.status, phase: 'Terminating' },
  } as ApiObject;
};

/** Namespace REST Delete: mark Terminating first; remove only once spec.finalizers is empty. */
const deleteNamespace = async (ctx: HandlerContext, ri: RequestInfo, opts: DeleteOptions): Promise<DeleteResult> => {
  admitNamespaceDelete(ri.name);
  const key = keyOf(ri);
  const cur = await ctx.store.get(key);
  checkDeletePreconditions(ri.resource, cur, opts);
  if (!cur.metadata.deletionTimestamp) {
    const now = ctx.now();
    if (isDryRunDelete(opts)) return { obj: markTerminating(cur, opts, now), deleted: false };
    const obj = await ctx.store.guaranteedUpdate(key, (c) => markTerminating(c, opts, now), { uid: cur.metadata.uid });
    ctx.log.info('namespace terminating', { namespace: ri.name });
    return { obj, deleted: false };
  }
  if (((cur as ApiObject & NamespaceFields).spec?.finalizers ?? []).length > 0) return { obj: cur, deleted: false };
  return deleteGeneric(ctx, ri, opts);
};

/** Deletes one object per `opts`; used by DELETE and deletecollection. */
export const deleteObject = (ctx: HandlerContext, ri: RequestInfo, opts: DeleteOptions): Promise<DeleteResult> =>
  (ri.resource.plural === 'namespaces' ? deleteNamespace(ctx, ri, opts) : deleteGeneric(ctx, ri, opts));

/** The DELETE response body: the object (pods always; anything still present), else a Success Status. */
export const deleteResponse = (ri: RequestInfo, r: DeleteResult): ApiObject | Record<string, unknown> => {
  if (ri.resource.plural === 'pods' || !r.deleted) return withTypeMeta(ri.resource, r.obj);
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: r.obj.metadata.name ?? ri.name, group: ri.resource.group || undefined, kind: ri.resource.plural, uid: r.obj.metadata.uid },
  };
};

export const handleDelete = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const opts = deleteOptionsOf(parseBody(req), queryOf(req));
  const result = await deleteObject(ctx, ri, opts);
  ctx.log.v(2, result.deleted ? 'deleted' : 'deletion started', { resource: ri.resource.plural, namespace: ri.namespace, name: ri.name });
  // 202 when the deletion is only started and the client asked for cascading the legacy way (upstream).
  const code = !result.deleted && opts.orphanDependents === false ? 202 : 200;
  sendJson(res, code, deleteResponse(ri, result));
};
