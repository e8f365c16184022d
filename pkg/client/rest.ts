// The REST client (client-go rest + dynamic client): JSON over node:https with a keep-alive
// agent carrying the kubeconfig's CA and client certificate. Error bodies are rebuilt into
// StatusError. Every attempt first takes a token from the client-side rate limiter (QPS/burst).
// Retries (client-go request.go + with_retry.go): any verb is retried when the server answers
// 429 or 503 with Retry-After (it refused the request before doing anything, so a retried POST
// cannot create twice); idempotent GETs are also retried with back-off on other 5xx and
// connection errors. Both are bounded by maxRetries.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { apiVersionOf } from '../../api/group-version';
import type { ResourceRef } from '../../api/resources';
import type { ApiObject, List } from '../../api/meta/v1';
import { fromStatusBody, timeout as timeoutError } from '../apimachinery/errors';
import { realClock, sleep, type Clock } from './clock';
import { TokenBucket, rateLimits, unlimited, type RateLimiter } from './rate-limiter';
import { readWatchStream } from './watch-stream';
import type { Client, ClientConfig, PatchType, RequestOptions, ResourceClient } from './types';

export interface ClientOptions {
  clock?: Clock;
  /** Retries of an idempotent GET after the first attempt (default 3). */
  maxRetries?: number;
  /** First retry delay, doubling per retry (default 100ms). */
  retryBaseMs?: number;
  /** Longest Retry-After honoured; longer ones are cut to this (default 10s). */
  maxRetryAfterMs?: number;
  /** Replaces the QPS/burst token bucket built from the config. */
  rateLimiter?: RateLimiter;
}

/** Which client made each resource client (see siblingResource). */
const origins = new WeakMap<object, Client>();

/**
 * A client for another resource over the same connection as `rc`, when `rc` came from
 * createClient (undefined for fakes). Lets a loop that was handed one resource client reach
 * a companion resource (the node status loop and its Lease) without another dependency.
 */
export const siblingResource = <T extends ApiObject>(rc: ResourceClient<ApiObject> | ResourceClient<T>, info: ResourceRef): ResourceClient<T> | undefined =>
  origins.get(rc)?.resource<T>(info);

/** A client that owns sockets: close() destroys its keep-alive agent (idle and in-flight). */
export interface RestClient extends Client {
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const RETRY_CODES = new Set([429, 500, 502, 503, 504]);
/** Codes for which a Retry-After makes any verb safe to retry: the server did nothing. */
const RETRY_AFTER_ANY_VERB = new Set([429, 503]);
const TOKEN_FILE_PERIOD_MS = 60_000;
const RETRY_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** A retryable failure of one attempt, carrying the error to throw when retries run out. */
class Retryable extends Error {
  constructor(override readonly cause: Error, readonly code?: number, readonly retryAfterMs?: number) { super(cause.message); }
}

/** Whether attempt `i` (0-based) of `method` may be followed by another one. */
const mayRetry = (err: Retryable, method: string): boolean =>
  method === 'GET' || (err.retryAfterMs !== undefined && err.code !== undefined && RETRY_AFTER_ANY_VERB.has(err.code));

/** Retry-After in seconds (the apiserver never sends the HTTP-date form). */
const retryAfterMs = (header: string | string[] | undefined): number | undefined => {
  const n = Number(Array.isArray(header) ? header[0] : header);
  return header !== undefined && header !== '' && Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
};

/** A bearer token read from a file and re-read every minute (client-go cachingTokenSource). */
const fileTokenSource = (file: string, fallback: string | undefined, clock: Clock): (() => string | undefined) => {
  let token = fallback;
  let readAt = -Infinity;
  return () => {
    if (clock.now() - readAt < TOKEN_FILE_PERIOD_MS) return token;
    readAt = clock.now();
    try {
      token = fs.readFileSync(file, 'utf8').trim() || token;
    } catch (err) {
      // Keep the last good token: a rotation in progress must not fail requests.
      if (token === undefined) throw err;
    }
    return token;
  };
};

const buildRateLimiter = (config: ClientConfig, clock: Clock): RateLimiter => {
  const qps = config.qps || rateLimits.default.qps;
  if (qps < 0) return unlimited;
  return new TokenBucket({ qps, burst: Math.max(1, config.burst || rateLimits.default.burst), clock });
};

const abortError = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

/** Parses a body by its content type; error bodies are tried as JSON even without one. */
const parseBody = (text: string, contentType: string | undefined, isError: boolean): unknown => {
  if (text === '') return undefined;
  if (contentType?.includes('json')) return JSON.parse(text);
  if (isError && text.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      return `${text} (${(err as Error).message})`; // not a Status: fromStatusBody wraps the text
    }
  }
  return text;
};

const readAll = async (res: http.IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const buildQuery = (url: URL, query: RequestOptions['query']) => {
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
};

export const createClient = (config: ClientConfig, opts: ClientOptions = {}): RestClient => {
  const clock = opts.clock ?? realClock;
  const base = new URL(config.server);
  const isHttps = base.protocol === 'https:';
  const agent = isHttps
    ? new https.Agent({ keepAlive: true, ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify })
    : new http.Agent({ keepAlive: true });
  const basePath = base.pathname.replace(/\/+$/, '');
  const userAgent = config.userAgent ?? `berth/0.1.0 (${process.platform}/${process.arch})`;
  const defaultTimeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limiter = opts.rateLimiter ?? buildRateLimiter(config, clock);
  const token = config.tokenFile ? fileTokenSource(config.tokenFile, config.token, clock) : () => config.token;
  let closed = false;

  /** Sends one request and resolves with the response once its headers arrive. */
  const open = (method: string, path: string, ro: RequestOptions, signal: AbortSignal): Promise<http.IncomingMessage> => {
    if (closed) return Promise.reject(new Error(`client for ${config.server} is closed`));
    const url = new URL(basePath + path, base);
    buildQuery(url, ro.query);
    const headers: Record<string, string> = { Accept: ro.accept ?? 'application/json', 'User-Agent': userAgent, ...ro.headers };
    const bearer = token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let payload: Buffer | undefined;
    if (ro.body !== undefined) {
      payload = Buffer.isBuffer(ro.body) ? ro.body : Buffer.from(typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body));
      headers['Content-Type'] = ro.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, { method, headers, agent, signal }, resolve);
      req.on('error', reject);
      req.end(payload);
    });
  };

  /** Runs `fn` under a deadline and the caller's signal; a deadline becomes a 504 Timeout StatusError. */
  const withDeadline = async <R>(what: string, ro: RequestOptions, ms: number, fn: (signal: AbortSignal) => Promise<R>): Promise<R> => {
    const ac = new AbortController();
    let timedOut = false;
    const onAbort = () => ac.abort(ro.signal?.reason);
    ro.signal?.addEventListener('abort', onAbort, { once: true });
    if (ro.signal?.aborted) ac.abort(ro.signal.reason);
    const timer = clock.setTimeout(() => { timedOut = true; ac.abort(); }, ms);
    try {
      return await fn(ac.signal);
    } catch (err) {
      if (timedOut) throw timeoutError(`${what} timed out after ${ms}ms`);
      if (ro.signal?.aborted) throw abortError(ro.signal);
      throw err;
    } finally {
      clock.clearTimeout(timer);
      ro.signal?.removeEventListener('abort', onAbort);
    }
  };

  /** Turns a >= 400 response into a StatusError, marked retryable when it may pass. */
  const failure = async (res: http.IncomingMessage): Promise<Error> => {
    const code = res.statusCode ?? 500;
    const err = fromStatusBody(code, parseBody(await readAll(res), res.headers['content-type'], true));
    if (!RETRY_CODES.has(code)) return err;
    return new Retryable(err, code, retryAfterMs(res.headers['retry-after']));
  };

  const attempt = async (method: string, path: string, ro: RequestOptions): Promise<unknown> =>
    withDeadline(`${method} ${path}`, ro, ro.timeoutMs ?? defaultTimeoutMs, async (signal) => {
      let res: http.IncomingMessage;
      try {
        res = await open(method, path, ro, signal);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw code && RETRY_ERRNOS.has(code) && !closed ? new Retryable(err as Error) : err;
      }
      if ((res.statusCode ?? 500) >= 400) throw await failure(res);
      return parseBody(await readAll(res), res.headers['content-type'], false);
    });

  /** Each attempt waits for a rate-limiter token, as client-go's tryThrottle does per retry. */
  const request = async <R>(method: string, path: string, ro: RequestOptions = {}): Promise<R> => {
    const maxRetries = opts.maxRetries ?? 3;
    for (let i = 0; ; i++) {
      // tryAccept first: with a token at hand the request goes out in this very turn.
      if (!limiter.tryAccept()) await limiter.wait(ro.signal);
      try {
        return (await attempt(method, path, ro)) as R;
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        if (i >= maxRetries || !mayRetry(err, method) || ro.signal?.aborted) throw err.cause;
        const backoff = (opts.retryBaseMs ?? 100) * 2 ** i;
        const wait = err.retryAfterMs ?? backoff;
        await sleep(clock, Math.min(wait, opts.maxRetryAfterMs ?? 10_000), ro.signal);
      }
    }
  };

  /** Opens a long-lived GET; the deadline covers only the wait for the response headers. */
  const stream = async (path: string, ro: RequestOptions = {}): Promise<http.IncomingMessage> => {
    const [p, q] = path.split('?', 2);
    const merged: RequestOptions = { ...ro, query: { ...Object.fromEntries(new URLSearchParams(q ?? '')), ...ro.query } };
    const signal = ro.signal ?? new AbortController().signal;
    if (!limiter.tryAccept()) await limiter.wait(signal);
    const ms = ro.timeoutMs ?? defaultTimeoutMs;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const timer = clock.setTimeout(() => reject(timeoutError(`GET ${p} timed out after ${ms}ms waiting for a response`)), ms);
      open('GET', p, merged, signal).then(resolve, reject).finally(() => clock.clearTimeout(timer));
    });
    if ((res.statusCode ?? 500) >= 400) {
      const err = await failure(res);
      throw err instanceof Retryable ? err.cause : err;
    }
    return res;
  };

  const client: RestClient = {
    config,
    request,
    stream,
    resource: <T extends ApiObject>(info: ResourceRef) => {
      const rc = resourceClient<T>(info, request, stream);
      origins.set(rc, client);
      return rc;
    },
    close() {
      closed = true;
      agent.destroy();
    },
  };
  return client;
};

type RequestFn = <R>(method: string, path: string, ro?: RequestOptions) => Promise<R>;
type StreamFn = (path: string, ro?: RequestOptions) => Promise<http.IncomingMessage>;

/** URL of a collection: core `/api/v1[/namespaces/<ns>]/<plural>`, groups `/apis/<g>/<v>/...`. */
export const collectionPath = (info: ResourceRef, namespace: string): string => {
  const prefix = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${ns}/${info.plural}`;
};

export const objectPath = (info: ResourceRef, namespace: string, name: string, subresource?: string): string =>
  `${collectionPath(info, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;

const resourceClient = <T extends ApiObject>(info: ResourceRef, request: RequestFn, stream: StreamFn): ResourceClient<T> => {
  const withType = (obj: T): T => ({ ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(info), kind: obj.kind ?? info.kind });
  const nsOf = (ns: string, obj: T) => ns || obj.metadata.namespace || '';
  const nameOf = (obj: T) => obj.metadata.name ?? '';
  return {
    info,
    get: (ns, name, signal) => request<T>('GET', objectPath(info, ns, name), { signal }),
    list: (ns, q = {}, signal) => request<List<T>>('GET', collectionPath(info, ns), { query: { ...q }, signal }),
    create: (ns, obj, o = {}) => request<T>('POST', collectionPath(info, nsOf(ns, obj)), {
      body: withType(obj), query: { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager }, signal: o.signal,
    }),
    update: (ns, obj, o = {}) => request<T>('PUT', objectPath(info, nsOf(ns, obj), nameOf(obj)), { body: withType(obj), signal: o.signal }),
    updateStatus: (ns, obj) => request<T>('PUT', objectPath(info, nsOf(ns, obj), nameOf(obj), 'status'), { body: withType(obj) }),
    patch: (ns, name, type, patch, o = {}) => request<T>('PATCH', objectPath(info, ns, name, o.subresource), {
      body: patch, contentType: patchContentTypes[type],
      query: { fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined, force: o.force },
    }),
    delete: (ns, name, o) => request('DELETE', objectPath(info, ns, name), {
      body: o ? { kind: 'DeleteOptions', apiVersion: 'v1', ...o } : undefined,
    }),
    createSubresource: (ns, name, sub, body) => request('POST', objectPath(info, ns, name, sub), { body }),
    watch: (ns, q, signal) => ({
      [Symbol.asyncIterator]: async function* () {
        let res: http.IncomingMessage;
        try {
          res = await stream(collectionPath(info, ns), { query: { ...q, watch: true }, signal });
        } catch (err) {
          if (signal.aborted) return; // cancelled before the server answered
          throw err;
        }
        yield* readWatchStream<T>(res, signal);
      },
    }),
  };
};
