// An in-process fake apiserver for client unit tests (node:http on 127.0.0.1, port 0): an
// in-memory object map with a revision counter and an event history, serving list, watch,
// get, create, update, merge-patch and delete for any resource path. Tests script its failures:
// dropWatches() ends every open watch, compact() makes older revisions answer 410, and
// failNext() injects error responses (optionally with Retry-After), bookmark() sends a BOOKMARK
// to watches that asked for them, and lists honour limit/continue (a continue token older than
// the last compact() answers 410). Test-only: not exported from index.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { StatusError, alreadyExists, conflict, expired, notFound, pathNotFound } from '../apimachinery/errors';

export interface RecordedRequest { method: string; path: string; query: URLSearchParams; body: unknown; headers: http.IncomingHttpHeaders }
interface Watcher { collection: string; namespace: string; res: http.ServerResponse; bookmarks: boolean }
interface Fault { method?: string; pathIncludes?: string; queryHas?: string; status: number; times: number; retryAfterSeconds?: number }
interface ParsedPath { collection: string; namespace: string; name?: string; subresource?: string }

/** `/api/v1/namespaces/ns/pods/x/status` → collection `/api/v1/pods`, namespace `ns`, name, subresource. */
const parsePath = (pathname: string): ParsedPath | undefined => {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const gvLen = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : 0;
  if (!gvLen || parts.length <= gvLen) return undefined;
  const gv = parts.slice(0, gvLen).join('/');
  let rest = parts.slice(gvLen);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) { namespace = rest[1]; rest = rest.slice(2); }
  return { collection: `/${gv}/${rest[0]}`, namespace, name: rest[1], subresource: rest[2] };
};

const matchesLabels = (obj: ApiObject, selector: string | null): boolean =>
  !selector || selector.split(',').every((req) => {
    const [k, v] = req.split('=');
    return obj.metadata.labels?.[k] === v;
  });

/** JSON merge patch (RFC 7386), enough for the tests. */
const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
};

export class FakeApiserver {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, ApiObject>();
  private readonly history: { rv: number; collection: string; event: WatchEvent }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly faults: Fault[] = [];
  private readonly server = http.createServer((req, res) => { void this.handle(req, res); });
  private openConnections = 0;
  /** Held requests: a test releases them to control when the server answers. */
  private gate: Promise<void> | undefined;
  private rv = 0;
  private compactedRV = 0;
  private uid = 0;
  url = '';

  async start(): Promise<string> {
    this.server.on('connection', (socket) => {
      this.openConnections++;
      socket.on('close', () => { this.openConnections--; });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Creates or replaces an object, records the event and tells open watches. Returns the stored copy. */
  upsert(collection: string, obj: ApiObject): ApiObject {
    const key = `${collection}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const prev = this.objects.get(key);
    const stored: ApiObject = { ...obj, metadata: { ...obj.metadata, uid: obj.metadata.uid ?? prev?.metadata.uid ?? `uid-${++this.uid}`, resourceVersion: String(++this.rv) } };
    this.objects.set(key, stored);
    this.emit(collection, { type, object: stored });
    return stored;
  }

  remove(collection: string, namespace: string, name: string): ApiObject | undefined {
    const key = `${collection}/${namespace}/${name}`;
    const obj = this.objects.get(key);
    if (!obj) return undefined;
    this.objects.delete(key);
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.emit(collection, { type: 'DELETED', object: gone });
    return gone;
  }

  get(collection: string, namespace: string, name: string): ApiObject | undefined {
    return this.objects.get(`${collection}/${namespace}/${name}`);
  }

  /** Revisions up to now are forgotten: a watch from an older one gets a 410 ERROR event. */
  compact(): void { this.compactedRV = this.rv; }

  /** Ends every open watch response, as an apiserver restart or a watch timeout does. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  watchCount(): number { return this.watchers.size; }

  /** TCP connections the server has open (keep-alive sockets included). */
  connections(): number { return this.openConnections; }

  /** Sends a BOOKMARK at the current revision to every watch of `collection` that allowed them. */
  bookmark(collection: string, kind = 'Pod', apiVersion = 'v1'): void {
    const event = { type: 'BOOKMARK', object: { kind, apiVersion, metadata: { resourceVersion: String(this.rv) } } };
    for (const w of this.watchers) if (w.collection === collection && w.bookmarks) w.res.write(JSON.stringify(event) + '\n');
  }

  /** Holds every request until the returned function is called. */
  hold(): () => void {
    let release = () => undefined as void;
    this.gate = new Promise<void>((r) => { release = r; });
    return () => { this.gate = undefined; release(); };
  }

  failNext(f: Omit<Fault, 'times'> & { times?: number }): void { this.faults.push({ times: 1, ...f }); }

  private emit(collection: string, event: WatchEvent): void {
    this.history.push({ rv: this.rv, collection, event });
    for (const w of this.watchers) {
      if (w.collection === collection && (!w.namespace || w.namespace === event.object.metadata.namespace)) w.res.write(JSON.stringify(event) + '\n');
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (this.gate) await this.gate;
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, headers: req.headers });
    const fault = this.faults.find((f) => (!f.method || f.method === req.method) && (!f.pathIncludes || url.pathname.includes(f.pathIncludes))
      && (!f.queryHas || url.searchParams.has(f.queryHas)));
    if (fault) {
      if (--fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      const reasons: Record<number, string> = { 410: 'Expired', 429: 'TooManyRequests', 503: 'ServiceUnavailable' };
      const reason = reasons[fault.status] ?? 'InternalError';
      this.send(res, fault.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: fault.status, reason, message: 'injected' });
      return;
    }
    try {
      this.route(req.method ?? 'GET', url, body, res);
    } catch (err) {
      if (!(err instanceof StatusError)) throw err;
      this.send(res, err.code, err.status);
    }
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(method: string, url: URL, body: unknown, res: http.ServerResponse): void {
    const p = parsePath(url.pathname);
    if (!p) throw pathNotFound();
    const gr = { group: '', resource: p.collection.split('/').pop() ?? '' };
    if (!p.name) {
      if (method === 'GET' && url.searchParams.get('watch') === 'true') { this.watch(p, url, res); return; }
      if (method === 'GET') { this.list(p, url, res); return; }
      if (method === 'POST') { this.send(res, 201, this.create(p, body as ApiObject, gr)); return; }
      throw pathNotFound();
    }
    const existing = this.get(p.collection, p.namespace, p.name);
    if (p.subresource === 'log') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('line 1\nline 2\n'); return; }
    if (!existing) throw notFound(gr, p.name);
    if (method === 'GET') { this.send(res, 200, existing); return; }
    if (method === 'DELETE') { this.send(res, 200, this.remove(p.collection, p.namespace, p.name)); return; }
    if (method === 'POST') { this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }); return; }
    if (method === 'PATCH') { this.send(res, 200, this.upsert(p.collection, mergePatch(existing, body) as ApiObject)); return; }
    if (method === 'PUT') {
      const obj = body as ApiObject;
      const rv = obj.metadata.resourceVersion;
      if (rv && rv !== existing.metadata.resourceVersion) throw conflict(gr, p.name, 'the object has been modified; please apply your changes to the latest version and try again');
      const next = p.subresource === 'status' ? { ...existing, status: obj.status } : { ...obj, status: existing.status };
      this.send(res, 200, this.upsert(p.collection, next));
      return;
    }
    throw pathNotFound();
  }

  private create(p: ParsedPath, obj: ApiObject, gr: { group: string; resource: string }): ApiObject {
    const name = obj.metadata.name ?? `${obj.metadata.generateName ?? ''}${(++this.uid).toString(36).padStart(5, 'x')}`;
    const namespace = p.namespace || obj.metadata.namespace;
    if (this.get(p.collection, namespace ?? '', name)) throw alreadyExists(gr, name);
    return this.upsert(p.collection, { ...obj, metadata: { ...obj.metadata, name, namespace } });
  }

  /**
   * Lists in key order. With `limit`, a page ends with a continue token naming the list's
   * revision and the last key; like etcd, pages read the revision the first page saw, so a
   * token older than the last compact() is expired (410).
   */
  private list(p: ParsedPath, url: URL, res: http.ServerResponse): void {
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const token = url.searchParams.get('continue');
    let listRV = this.rv;
    let after = '';
    if (token) {
      const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; after: string };
      if (parsed.rv < this.compactedRV) throw expired('The provided continue parameter is too old to display a consistent list result.');
      ({ rv: listRV, after } = parsed);
    }
    const all = [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(`${p.collection}/`) && (!p.namespace || o.metadata.namespace === p.namespace))
      .filter(([k]) => k > after)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .filter(([, o]) => matchesLabels(o, url.searchParams.get('labelSelector')));
    const page = limit > 0 ? all.slice(0, limit) : all;
    const more = limit > 0 && all.length > limit;
    const next = more ? Buffer.from(JSON.stringify({ rv: listRV, after: page[page.length - 1][0] })).toString('base64') : undefined;
    this.send(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(listRV), continue: next }, items: page.map(([, o]) => o) });
  }

  private watch(p: ParsedPath, url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (from < this.compactedRV) {
      res.end(JSON.stringify({ type: 'ERROR', object: expired(`too old resource version: ${from} (${this.compactedRV})`).status }) + '\n');
      return;
    }
    for (const h of this.history) {
      if (h.rv > from && h.collection === p.collection && (!p.namespace || h.event.object.metadata.namespace === p.namespace)) {
        res.write(JSON.stringify(h.event) + '\n');
      }
    }
    const w: Watcher = { collection: p.collection, namespace: p.namespace, res, bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }
}
