// DELETE on a collection (upstream's Store.DeleteCollection): list what labelSelector and
// fieldSelector match (in one namespace, or in all for a cluster-wide URL), delete each with the
// request's DeleteOptions — graceful pods, finalizers and propagation apply per object — and
// answer with the list of what was deleted or marked for deletion.
import type { Request, Response } from 'express';
import type { ApiObject, DeleteOptions } from '../../../api/meta/v1';
import { apiVersionOf } from '../../../api/resources';
import { isNotFound } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { parseBody } from './body';
import { prefixOf, queryOf, withTypeMeta } from './common';
import { deleteOptionsOf } from './delete-options';
import { deleteObject } from './delete';
import { selectionFromQuery } from './selection';
import { sendJson } from './respond';

/** Deletes run this many at a time (upstream's DeleteCollectionWorkers is 1 by default; more is kinder to big lists). */
const workers = 8;
const pageSize = 500;

/** Every stored object of the request's scope that the selectors match, read in pages. */
const listMatching = async (ctx: HandlerContext, ri: RequestInfo, q: Record<string, unknown>): Promise<{ items: ApiObject[]; resourceVersion: string }> => {
  const sel = selectionFromQuery(ri.resource, q);
  const items: ApiObject[] = [];
  let cont: string | undefined;
  let resourceVersion = '';
  do {
    const page = await ctx.store.list(prefixOf(ri), { limit: pageSize, continue: cont });
    resourceVersion ||= page.resourceVersion;
    items.push(...page.items.filter((o) => sel.matches(o)));
    cont = page.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
};

/** Deletes `items` with `workers` concurrent deletes; an object already gone is skipped. */
export const deleteEach = async (ctx: HandlerContext, ri: RequestInfo, items: ApiObject[], opts: DeleteOptions): Promise<ApiObject[]> => {
  const done: ApiObject[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      const one: RequestInfo = { ...ri, verb: 'delete', namespace: item.metadata.namespace ?? '', name: item.metadata.name ?? '' };
      try {
        done.push((await deleteObject(ctx, one, opts)).obj);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  return done;
};

export const handleDeleteCollection = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const opts = deleteOptionsOf(parseBody(req), q);
  const { items, resourceVersion } = await listMatching(ctx, ri, q);
  const deleted = await deleteEach(ctx, ri, items, opts);
  ctx.log.v(2, 'deleted collection', { resource: ri.resource.plural, namespace: ri.namespace, matched: items.length, deleted: deleted.length });
  sendJson(res, 200, {
    apiVersion: apiVersionOf(ri.resource), kind: ri.resource.listKind, metadata: { resourceVersion },
    items: deleted.map((o) => withTypeMeta(ri.resource, o)),
  });
};
