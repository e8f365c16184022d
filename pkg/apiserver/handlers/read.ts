// get and list (with selectors, limit/continue, resourceVersion semantics and Tables).
import type { Request, Response } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import { apiVersionOf } from '../../../api/resources';
import { badRequest } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import { negotiateTable, toTable } from '../table';
import type { HandlerContext } from './context';
import { keyOf, prefixOf, queryOf, queryString, withTypeMeta } from './common';
import { selectionFromQuery } from './selection';
import { sendBytes, sendJson } from './respond';
import { listBytes, objectBody } from './object-json';
import type { ListOptions } from '../../storage';

export const handleGet = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  // resourceVersion=0: any recent state will do, so the watch cache answers (as upstream's cacher);
  // otherwise the latest state, which the cache answers once it has seen the key's revision.
  const rv = queryString(queryOf(req), 'resourceVersion');
  const obj = await ctx.store.get(keyOf(ri), { readOnly: true, ...(rv === '0' ? { resourceVersion: '0' } : {}) });
  const table = negotiateTable(req.headers.accept, queryOf(req).includeObject);
  if (table) {
    sendJson(res, 200, toTable(ri.resource, [withTypeMeta(ri.resource, obj)], { resourceVersion: obj.metadata.resourceVersion }, table, ctx.now()));
    return;
  }
  // A cached (frozen) object's bytes are encoded once and shared with lists and watches.
  sendBytes(res, 200, objectBody(ri.resource, obj));
};

const parseLimit = (q: Record<string, unknown>): number | undefined => {
  const s = queryString(q, 'limit');
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit ${JSON.stringify(s)}`);
  return n === 0 ? undefined : n;
};

/**
 * resourceVersion / resourceVersionMatch / limit / continue of a list, validated as upstream
 * (ValidateListOptions) and mapped onto the storage contract, where N alone means Exact:
 * upstream's legacy rule serves N without a match and without a limit as NotOlderThan.
 */
export const listOptionsFromQuery = (q: Record<string, unknown>): ListOptions => {
  const resourceVersion = queryString(q, 'resourceVersion') ?? '';
  const match = queryString(q, 'resourceVersionMatch') ?? '';
  const limit = parseLimit(q);
  const cont = queryString(q, 'continue') ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (match !== '' && resourceVersion === '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (match === 'Exact' && resourceVersion === '0') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  if (cont !== '' && ((resourceVersion !== '' && resourceVersion !== '0') || match !== '')) {
    throw badRequest('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
  }
  if (cont !== '') return { continue: cont, limit };
  if (resourceVersion === '' || resourceVersion === '0') return { resourceVersion, limit };
  const resourceVersionMatch = match === 'NotOlderThan' || (match === '' && limit === undefined) ? 'NotOlderThan' : 'Exact';
  return { resourceVersion, resourceVersionMatch, limit };
};

export interface ListPage { items: ApiObject[]; resourceVersion: string; continue?: string }

/**
 * Reads pages from the store until `limit` matching items are collected or the list ends, so a
 * selective list with a limit still returns full pages and a usable continue token. Lists that
 * the watch cache serves (resourceVersion 0, NotOlderThan) come whole in one page.
 */
export const listMatching = async (ctx: HandlerContext, ri: RequestInfo, q: Record<string, unknown>): Promise<ListPage> => {
  const sel = selectionFromQuery(ri.resource, q);
  const first = listOptionsFromQuery(q);
  const limit = first.limit;
  let opts: ListOptions = first;
  const items: ApiObject[] = [];
  let resourceVersion = '';
  let cont: string | undefined;
  for (;;) {
    const page = await ctx.store.list(prefixOf(ri), opts);
    resourceVersion ||= page.resourceVersion;
    for (const o of page.items) if (sel.everything || sel.matches(o)) items.push(o);
    cont = page.continue || undefined;
    if (!cont || limit === undefined || items.length >= limit) break;
    opts = { continue: cont, limit: limit - items.length };
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
  sendBytes(res, 200, listBytes(apiVersionOf(ri.resource), ri.resource.listKind, meta, ri.resource, page.items));
};
