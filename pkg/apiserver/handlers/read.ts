// get and list (with selectors, limit/continue and Tables).
import type { Request, Response } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import { apiVersionOf } from '../../../api/resources';
import { badRequest } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import { negotiateTable, toTable } from '../table';
import type { HandlerContext } from './context';
import { keyOf, prefixOf, queryOf, queryString, withTypeMeta } from './common';
import { selectionFromQuery } from './selection';
import { sendJson } from './respond';

export const handleGet = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const obj = await ctx.store.get(keyOf(ri));
  const table = negotiateTable(req.headers.accept, queryOf(req).includeObject);
  if (table) {
    sendJson(res, 200, toTable(ri.resource, [withTypeMeta(ri.resource, obj)], { resourceVersion: obj.metadata.resourceVersion }, table, ctx.now()));
    return;
  }
  sendJson(res, 200, withTypeMeta(ri.resource, obj));
};

const parseLimit = (q: Record<string, unknown>): number | undefined => {
  const s = queryString(q, 'limit');
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit ${JSON.stringify(s)}`);
  return n === 0 ? undefined : n;
};

export interface ListPage { items: ApiObject[]; resourceVersion: string; continue?: string }

/**
 * Reads pages from the store until `limit` matching items are collected or the list ends, so a
 * selective list with a limit still returns full pages and a usable continue token.
 */
export const listMatching = async (ctx: HandlerContext, ri: RequestInfo, q: Record<string, unknown>): Promise<ListPage> => {
  const sel = selectionFromQuery(ri.resource, q);
  const limit = parseLimit(q);
  const exact = queryString(q, 'resourceVersionMatch') === 'Exact';
  let cont = queryString(q, 'continue') || undefined;
  const items: ApiObject[] = [];
  let resourceVersion = '';
  for (;;) {
    const want = limit === undefined ? undefined : limit - items.length;
    const page = await ctx.store.list(prefixOf(ri), {
      limit: want, continue: cont, resourceVersion: exact ? queryString(q, 'resourceVersion') : undefined,
    });
    resourceVersion ||= page.resourceVersion;
    items.push(...page.items.filter((o) => sel.matches(o)));
    cont = page.continue || undefined;
    if (!cont || limit === undefined || items.length >= limit) break;
  }
  return { items, resourceVersion, continue: cont };
};

export const handleList = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const page = await listMatching(ctx, ri, q);
  const meta = { resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) };
  const table = negotiateTable(req.headers.accept, q.includeObject);
  if (table) {
    sendJson(res, 200, toTable(ri.resource, page.items, meta, table, ctx.now()));
    return;
  }
  sendJson(res, 200, {
    apiVersion: apiVersionOf(ri.resource), kind: ri.resource.listKind, metadata: meta,
    items: page.items.map((o) => withTypeMeta(ri.resource, o)),
  });
};
