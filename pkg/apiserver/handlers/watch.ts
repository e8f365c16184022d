// Watch: newline-delimited JSON events on a response kept open until the client goes away,
// timeoutSeconds passes or the server stops. Selectors are applied with transitions: an object
// that starts matching arrives as ADDED, one that stops matching as DELETED (upstream's
// watch filtering). A Table Accept turns every object into a one-row Table.
import type { Request, Response } from 'express';
import type { ApiObject, WatchEvent } from '../../../api/meta/v1';
import { negotiateTable, toTable, type TableRequest } from '../table';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { keyOf, prefixOf, queryOf, queryString, withTypeMeta } from './common';
import { selectionFromQuery, type Selection } from './selection';
import { toStatusError } from './respond';

/** Tracks which objects currently match, to turn selector transitions into ADDED/DELETED. */
export const transitionFilter = (sel: Selection, keyOfObj: (o: ApiObject) => string, seed: ApiObject[] = []) => {
  const matching = new Set(seed.filter((o) => sel.matches(o)).map(keyOfObj));
  return (ev: WatchEvent): WatchEvent | undefined => {
    if (sel.everything || ev.type === 'ERROR' || ev.type === 'BOOKMARK') return ev;
    const key = keyOfObj(ev.object);
    const was = matching.has(key);
    if (ev.type === 'DELETED') {
      matching.delete(key);
      return was ? ev : undefined;
    }
    const now = sel.matches(ev.object);
    if (now) matching.add(key);
    else matching.delete(key);
    if (now) return { type: was ? 'MODIFIED' : 'ADDED', object: ev.object };
    return was ? { type: 'DELETED', object: ev.object } : undefined;
  };
};

const encodeEvent = (ri: RequestInfo, ev: WatchEvent, table: TableRequest | undefined, now: Date): string => {
  if (ev.type === 'ERROR') return JSON.stringify(ev);
  const obj = withTypeMeta(ri.resource, ev.object);
  const object = table ? toTable(ri.resource, [obj], { resourceVersion: obj.metadata.resourceVersion }, table, now) : obj;
  return JSON.stringify({ type: ev.type, object });
};

export const handleWatch = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response, stop: AbortSignal): Promise<void> => {
  const q = queryOf(req);
  const sel = selectionFromQuery(ri.resource, q);
  const table = negotiateTable(req.headers.accept, q.includeObject);
  const rv = queryString(q, 'resourceVersion') ?? '';
  const ac = new AbortController();
  const abort = () => ac.abort();
  res.on('close', abort);
  stop.addEventListener('abort', abort, { once: true });
  const timeoutS = Number(queryString(q, 'timeoutSeconds') ?? 0);
  const timer = timeoutS > 0 ? setTimeout(abort, timeoutS * 1000) : undefined;
  ctx.watchers(ri.resource, 1);
  const objKey = (o: ApiObject) => keyOf({ ...ri, namespace: o.metadata.namespace ?? '' }, o.metadata.name ?? '');
  try {
    // Resuming from a revision with a selector: what matched then decides the first transitions.
    const seed = !sel.everything && rv !== '' && rv !== '0'
      ? (await ctx.store.list(prefixOf(ri), { resourceVersion: rv })).items : [];
    const filter = transitionFilter(sel, objKey, seed);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    for await (const raw of ctx.store.watch(prefixOf(ri), rv, ac.signal)) {
      const ev = filter(raw);
      if (ev) res.write(encodeEvent(ri, ev, table, ctx.now()) + '\n');
    }
  } catch (err) {
    if (!ac.signal.aborted) writeWatchError(ctx, res, err);
  } finally {
    if (timer) clearTimeout(timer);
    stop.removeEventListener('abort', abort);
    ctx.watchers(ri.resource, -1);
    if (!res.writableEnded) res.end();
  }
};

/** Errors after the stream started (410 Expired) travel as an ERROR event carrying the Status. */
const writeWatchError = (ctx: HandlerContext, res: Response, err: unknown) => {
  const se = toStatusError(err, ctx.log);
  if (!res.headersSent) {
    res.status(se.status.code).set('Content-Type', 'application/json').send(JSON.stringify(se.status));
    return;
  }
  res.write(JSON.stringify({ type: 'ERROR', object: se.status }) + '\n');
};
