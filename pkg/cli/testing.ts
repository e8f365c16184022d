// Test helpers for pkg/cli (never exported from index.ts): captured IO, a recording fake
// Client, and an in-memory object store behind it that speaks enough REST for the verbs.
import { Readable } from 'node:stream';
import { notFound, alreadyExists } from '../apimachinery';
import type { ApiObject } from '../../api/meta/v1';
import type { Client, ClientConfig, RequestOptions, ResourceClient } from '../client/types';
import { isJsonObject, type JsonObject } from './merge-patch';
import type { CliDeps, IO } from './types';

export interface Captured { io: IO; out(): string; err(): string }

export const captureIO = (stdin = ''): Captured => {
  let out = '';
  let err = '';
  const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
  return {
    io: { out: { write: (c) => { out += text(c); return true; } }, err: { write: (c) => { err += text(c); return true; } }, in: Readable.from([stdin]) },
    out: () => out,
    err: () => err,
  };
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body?: unknown;
  contentType?: string;
  accept?: string;
}

export type Handler = (req: RecordedRequest) => unknown;

/** A Client whose every request is recorded and answered by `handler` (throw a StatusError for errors). */
export class FakeClient implements Client {
  readonly requests: RecordedRequest[] = [];
  constructor(private readonly handler: Handler, readonly config: ClientConfig = { server: 'https://127.0.0.1:6443' }) {}

  resource<T extends ApiObject = ApiObject>(): ResourceClient<T> {
    throw new Error('FakeClient: the CLI uses request()');
  }

  private record(method: string, path: string, opts: RequestOptions = {}): RecordedRequest {
    const query = Object.fromEntries(Object.entries(opts.query ?? {}).filter(([, v]) => v !== undefined));
    const req: RecordedRequest = { method, path, query, body: opts.body, contentType: opts.contentType, accept: opts.accept };
    this.requests.push(req);
    return req;
  }

  async request<R = unknown>(method: string, path: string, opts?: RequestOptions): Promise<R> {
    return structuredClone(await this.handler(this.record(method, path, opts))) as R;
  }

  async stream(path: string, opts?: RequestOptions): Promise<NodeJS.ReadableStream> {
    const body = await this.handler(this.record('GET', path, opts));
    return Readable.from([String(body)]);
  }
}

const applyMergePatch = (target: JsonObject, patch: JsonObject): JsonObject => {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isJsonObject(v) && isJsonObject(out[k])) out[k] = applyMergePatch(out[k] as JsonObject, v);
    else out[k] = v;
  }
  return out;
};

/**
 * An in-memory REST server for single objects: keys are collection paths plus name
 * (`/api/v1/namespaces/default/pods/hello`). Lists answer GETs of collection paths.
 */
export const memoryServer = (objects: Map<string, JsonObject> = new Map()): Handler => (req) => {
  const name = (o: unknown): string => String((isJsonObject(o) && isJsonObject(o.metadata) ? o.metadata.name : '') ?? '');
  const gr = { group: '', resource: req.path.split('/').slice(-2)[0] };
  switch (req.method) {
    case 'GET': {
      const found = objects.get(req.path);
      if (found) return found;
      const items = [...objects].filter(([k]) => k.startsWith(`${req.path}/`) && !k.slice(req.path.length + 1).includes('/')).map(([, v]) => v);
      if (items.length > 0 || /\/(pods|replicasets|nodes|namespaces|events)$/.test(req.path)) return { kind: 'List', apiVersion: 'v1', metadata: {}, items };
      throw notFound(gr, req.path.split('/').pop() ?? '');
    }
    case 'POST': {
      const key = `${req.path}/${name(req.body)}`;
      if (objects.has(key)) throw alreadyExists({ group: '', resource: req.path.split('/').pop() ?? '' }, name(req.body));
      objects.set(key, req.body as JsonObject);
      return req.body;
    }
    case 'PATCH': {
      const cur = objects.get(req.path);
      if (!cur) throw notFound(gr, req.path.split('/').pop() ?? '');
      const next = applyMergePatch(cur, req.body as JsonObject);
      objects.set(req.path, next);
      return next;
    }
    case 'DELETE': {
      const cur = objects.get(req.path);
      if (!cur) throw notFound(gr, req.path.split('/').pop() ?? '');
      objects.delete(req.path);
      return cur;
    }
    default:
      throw new Error(`memoryServer: ${req.method} not handled`);
  }
};

/** CliDeps over a FakeClient; sleep resolves at once (no real time passes in unit tests). */
export const fakeDeps = (client: Client, namespace = 'default', now = new Date('2024-01-01T00:00:00Z')): CliDeps & { sleeps: number[] } => {
  const sleeps: number[] = [];
  return {
    sleeps,
    connect: async () => ({ client, namespace }),
    sleep: async (ms) => { sleeps.push(ms); },
    now: () => now,
  };
};

export interface RunResult { code: number; out: string; err: string; client: FakeClient; sleeps: number[] }

/** Runs berthctl in-process against `handler`; imported lazily to keep this module dependency-light. */
export const runWith = async (argv: string[], handler: Handler, stdin = '', now?: Date): Promise<RunResult> => {
  const { runBerthctl } = await import('./commands');
  const client = new FakeClient(handler);
  const deps = fakeDeps(client, 'default', now);
  const cap = captureIO(stdin);
  const code = await runBerthctl(argv, { io: cap.io, deps, signal: new AbortController().signal });
  return { code, out: cap.out(), err: cap.err(), client, sleeps: deps.sleeps };
};
