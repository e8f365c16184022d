// DELETE with DeleteOptions in the body. Pods bound to a node are deleted gracefully: they get
// deletionTimestamp and deletionGracePeriodSeconds and stay until the agent, having stopped the
// containers, deletes them with gracePeriodSeconds=0. Everything else goes at once.
import type { Request, Response } from 'express';
import type { ApiObject, DeleteOptions } from '../../../api/meta/v1';
import type { Pod } from '../../../api/core/v1';
import { resources } from '../../../api/resources';
import { badRequest } from '../../apimachinery/errors';
import { resourcePrefix, type Preconditions } from '../../storage';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { isDryRun, parseBody } from './body';
import { keyOf, queryOf, withTypeMeta } from './common';
import { rfc3339, sendJson } from './respond';

const deleteOptions = (req: Request): DeleteOptions => {
  const body = parseBody(req);
  const q = queryOf(req);
  const opts: DeleteOptions = body && typeof body === 'object' ? (body as DeleteOptions) : {};
  if (q.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = Number(q.gracePeriodSeconds);
  if (q.dryRun !== undefined && isDryRun(q)) opts.dryRun = ['All'];
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  }
  return opts;
};

/** The grace period a pod deletion gets; 0 means delete from storage now. */
export const podGracePeriod = (pod: Pod, opts: DeleteOptions): number => {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  // An already terminating pod can only have its grace period shortened.
  const current = pod.metadata?.deletionGracePeriodSeconds;
  return current !== undefined && current !== null && pod.metadata?.deletionTimestamp ? Math.min(current, grace) : grace;
};

const preconditionsOf = (opts: DeleteOptions): Preconditions | undefined =>
  opts.preconditions ? { uid: opts.preconditions.uid, resourceVersion: opts.preconditions.resourceVersion } : undefined;

/** Deletes one object; returns the object (graceful pods: still present) or the last state. */
export const deleteObject = async (ctx: HandlerContext, ri: RequestInfo, opts: DeleteOptions): Promise<{ obj: ApiObject; graceful: boolean }> => {
  const key = keyOf(ri);
  const dryRun = (opts.dryRun ?? []).includes('All');
  const pre = preconditionsOf(opts);
  const cur = await ctx.store.get(key);
  const grace = ri.resource.plural === 'pods' ? podGracePeriod(cur as Pod, opts) : 0;
  if (grace > 0) {
    const mark = (c: ApiObject): ApiObject => {
      const same = c.metadata.deletionTimestamp && c.metadata.deletionGracePeriodSeconds === grace;
      if (same) return c;
      const at = new Date(ctx.now().getTime() + grace * 1000);
      return { ...c, metadata: { ...c.metadata, deletionTimestamp: rfc3339(at), deletionGracePeriodSeconds: grace } };
    };
    const obj = dryRun ? mark(cur) : await ctx.store.guaranteedUpdate(key, mark, pre);
    return { obj, graceful: true };
  }
  if (ri.resource.plural === 'namespaces' && !dryRun) await deleteNamespaceContents(ctx, ri.name);
  const obj = dryRun ? cur : await ctx.store.delete(key, pre);
  return { obj, graceful: false };
};

/** Skeleton namespace deletion: delete what it holds (pods gracefully), then the namespace. */
const deleteNamespaceContents = async (ctx: HandlerContext, namespace: string): Promise<void> => {
  for (const info of resources.filter((r) => r.namespaced)) {
    const { items } = await ctx.store.list(resourcePrefix(info.plural, namespace));
    for (const item of items) {
      const ri: RequestInfo = { verb: 'delete', group: info.group, version: info.version, resource: info, namespace, name: item.metadata.name ?? '', subresource: '' };
      await deleteObject(ctx, ri, {}).catch((err: unknown) => ctx.log.warn('namespace content delete failed', { namespace, name: ri.name, err }));
    }
  }
};

export const handleDelete = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const { obj } = await deleteObject(ctx, ri, deleteOptions(req));
  ctx.log.v(2, 'deleted', { resource: ri.resource.plural, namespace: ri.namespace, name: ri.name });
  if (ri.resource.plural === 'pods') {
    sendJson(res, 200, withTypeMeta(ri.resource, obj));
    return;
  }
  sendJson(res, 200, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: ri.name, group: ri.resource.group || undefined, kind: ri.resource.plural, uid: obj.metadata.uid },
  });
};
