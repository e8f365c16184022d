// Watch: newline-delimited JSON events on a response kept open until the client goes away,
// timeoutSeconds passes or the server stops. The store (the watch cache) applies selectors with
// transitions, bookmarks and sendInitialEvents; this handler validates the query, encodes each
// event (once per event for all plain-JSON watchers, see object-json.ts) and writes at the pace
// of the socket: a watcher whose socket backs up lags in the cache until it is closed with 410.
import type { Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { WatchEvent } from '../../../api/meta/v1';
import { badRequest } from '../../apimachinery/errors';
import type { WatchOptions } from '../../storage';
import { negotiateTable, toTable, type TableRequest } from '../table';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { prefixOf, queryOf, queryString, withTypeMeta } from './common';
import { selectionFromQuery } from './selection';
import { toStatusError } from './respond';
import { watchLine } from './object-json';
import { WatchWriter, type WatchSink } from './watch-writer';
import { pipeWatch, type WatchPipe } from '../../storage/watch-sink';
import type { Socket } from 'node:net';

export interface WatchRequest { resourceVersion: string; timeoutSeconds: number; options: WatchOptions }

const parseBool = (q: Record<string, unknown>, key: string): boolean | undefined => {
  const v = queryString(q, key);
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`${key}: Invalid value: "${v}": must be a boolean`);
};

/** The watch parameters, validated as upstream's ValidateListOptions does for watches. */
export const watchRequestFromQuery = (q: Record<string, unknown>): WatchRequest => {
  const resourceVersion = queryString(q, 'resourceVersion') ?? '';
  const match = queryString(q, 'resourceVersionMatch') ?? '';
  const sendInitialEvents = parseBool(q, 'sendInitialEvents');
  const bookmarks = parseBool(q, 'allowWatchBookmarks') ?? false;
  const timeout = queryString(q, 'timeoutSeconds') ?? '';
  const timeoutSeconds = timeout === '' ? 0 : Number(timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) throw badRequest(`timeoutSeconds: Invalid value: "${timeout}": must be a non-negative integer`);
  if (sendInitialEvents === undefined) {
    if (match !== '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  } else {
    if (match !== 'NotOlderThan') throw badRequest('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (sendInitialEvents && !bookmarks) throw badRequest('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
  }
  return { resourceVersion, timeoutSeconds, options: { bookmarks, ...(sendInitialEvents === undefined ? {} : { sendInitialEvents }) } };
};

const encodeTableEvent = (ri: RequestInfo, ev: WatchEvent, table: TableRequest, now: Date): Buffer => {
  if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return watchLine(ri.resource, ev);
  const obj = withTypeMeta(ri.resource, ev.object);
  return Buffer.from(JSON.stringify({ type: ev.type, object: toTable(ri.resource, [obj], { resourceVersion: obj.metadata.resourceVersion }, table, now) }) + '\n');
};

interface Emitter {
  on(event: string, fn: () => void): unknown;
  off(event: string, fn: () => void): unknown;
}

/** Resolves on `event` (the socket drained; the response got its connection), or when the watch ends. */
const eventOrEnd = (emitter: Emitter, event: string, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const done = () => {
    emitter.off(event, done);
    signal.removeEventListener('abort', done);
    resolve();
  };
  emitter.on(event, done);
  signal.addEventListener('abort', done, { once: true });
});

/**
 * The response's socket as a sink of ready-made chunks: events skip node's per-write chunk
 * framing (the headers said Transfer-Encoding: chunked; res.end() writes the last chunk).
 */
const socketSink = (res: Response): WatchSink => {
  const socket = res.socket as Socket;
  return {
    write: (chunk) => socket.write(chunk),
    on: (event, fn) => socket.on(event, fn),
    off: (event, fn) => socket.off(event, fn),
    get closed() { return res.writableEnded || socket.destroyed; },
  };
};

export const handleWatch = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response, stop: AbortSignal): Promise<void> => {
  const q = queryOf(req);
  const sel = selectionFromQuery(ri.resource, q);
  const wr = watchRequestFromQuery(q);
  const options: WatchOptions = { ...wr.options, ...(sel.everything ? {} : { predicate: (o) => sel.matches(o) }) };
  const table = negotiateTable(req.headers.accept, q.includeObject);
  const ac = new AbortController();
  const abort = () => ac.abort();
  res.on('close', abort);
  stop.addEventListener('abort', abort, { once: true });
  const timer = wr.timeoutSeconds > 0 ? setTimeout(abort, wr.timeoutSeconds * 1000) : undefined;
  ctx.watchers(ri.resource, 1);
  let out: WatchWriter | undefined;
  try {
    // A watch pipelined behind another request on its connection gets the socket when that
    // response is done; the events are written straight to it, so wait for it.
    if (!res.socket) await eventOrEnd(res, 'socket', ac.signal);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    // The cache calls push() from its dispatch; while the socket is backed up it holds the
    // events (bounded), and the writer resumes it on 'drain'.
    const writer = new WatchWriter(socketSink(res), () => performance.now(), () => piped.resume());
    out = writer;
    const piped: WatchPipe = pipeWatch(ctx.store.watch(prefixOf(ri), wr.resourceVersion, ac.signal, options), {
      push: (ev) => {
        writer.add(table ? encodeTableEvent(ri, ev, table, ctx.now()) : watchLine(ri.resource, ev));
        return !writer.backedUp;
      },
    }, ac.signal);
    await piped.done;
    out.close();
  } catch (err) {
    out?.close();
    if (!ac.signal.aborted) writeWatchError(ctx, res, err);
  } finally {
    if (timer) clearTimeout(timer);
    stop.removeEventListener('abort', abort);
    res.off('close', abort);
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
