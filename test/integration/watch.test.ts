// Watch and list semantics through the watch cache, against a real etcd and in-process
// apiservers on port 0: fan-out to 1,000 watchers, resume, bookmarks, sendInitialEvents,
// selector transitions, resourceVersion=0 lists, timeouts, 410 after compaction, and a watch
// that survives an apiserver restart by resuming from its last resourceVersion.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { pkiPaths, startApiserver, type ApiserverOptions } from '../../pkg/apiserver';
import { silentLogger } from '../../pkg/log';
import { startEtcd, waitFor, type RunningEtcd } from './harness';
import { pod, requester, type TestCluster } from './apiserver-helpers';
import { watchStream as openWatch, type WatchedEvent } from './watch-helpers';

jest.setTimeout(90_000);

type Meta = { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
type Obj = { kind?: string; apiVersion?: string; metadata: Meta; [k: string]: unknown };

/** An apiserver over `etcd` shaped as a TestCluster, so the shared helpers work with it. */
const startServer = async (etcd: RunningEtcd, dir: string, extra: Partial<ApiserverOptions> = {}): Promise<TestCluster> => {
  const api = await startApiserver({
    etcdServers: [etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(dir, 'pki'), ...extra,
  }, silentLogger());
  return { etcd, api, dir, kubeconfig: '', stop: () => api.close() };
};

/** Sends GETs back to back on one TLS connection and reads the responses in order (chunked or not). */
const pipelined = (c: TestCluster, paths: string[]): Promise<Array<{ status: number; body: string }>> => {
  const p = pkiPaths(path.join(c.dir, 'pki'));
  const url = new URL(c.api.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey) });
    let buf = Buffer.alloc(0);
    const replies: Array<{ status: number; body: string }> = [];
    /** Parses one complete response off the front of `buf`, or returns false. */
    const takeOne = (): boolean => {
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return false;
      const head = buf.subarray(0, headEnd).toString('latin1');
      const status = Number(head.split(' ')[1]);
      let at = headEnd + 4;
      const length = /content-length: (\d+)/i.exec(head);
      if (length) {
        if (buf.length < at + Number(length[1])) return false;
        replies.push({ status, body: buf.subarray(at, at + Number(length[1])).toString() });
        buf = buf.subarray(at + Number(length[1]));
        return true;
      }
      const chunks: Buffer[] = [];
      for (;;) {
        const eol = buf.indexOf('\r\n', at);
        if (eol < 0) return false;
        const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
        if (buf.length < eol + 2 + size + 2) return false;
        if (size === 0) {
          replies.push({ status, body: Buffer.concat(chunks).toString() });
          buf = buf.subarray(eol + 4);
          return true;
        }
        chunks.push(buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
    };
    socket.on('secureConnect', () => {
      socket.write(paths.map((x) => `GET ${x} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: application/json\r\n\r\n`).join(''));
    });
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (takeOne()) { /* all complete responses */ }
      if (replies.length === paths.length) {
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${replies.length} responses`)));
  });
};

const summary = (events: WatchedEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

describe('watch cache (one apiserver)', () => {
  let etcd: RunningEtcd;
  let dir: string;
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  let seq = 0;
  beforeAll(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-watch-'));
    c = await startServer(etcd, dir, { watchCache: { bookmarkIntervalMs: 300 } });
    req = requester(c);
  });
  afterAll(async () => {
    await c?.stop();
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh namespace per test, so tests never see each other's pods. */
  const namespace = async (): Promise<string> => {
    const name = `w${++seq}`;
    expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } })).status).toBe(201);
    return name;
  };
  const create = async (ns: string, name: string, labels: Record<string, string> = { app: 'test' }): Promise<Obj> => {
    const r = await req('POST', `/api/v1/namespaces/${ns}/pods`, { body: pod(name, { metadata: { name, labels } }) });
    expect(r.status).toBe(201);
    return r.json as Obj;
  };
  const listRV = async (ns: string): Promise<string> =>
    ((await req('GET', `/api/v1/namespaces/${ns}/pods`)).json as { metadata: Meta }).metadata.resourceVersion as string;

  it('1,000 watchers each receive every event of a burst', async () => {
    const ns = await namespace();
    const rv = await listRV(ns);
    const agent = new https.Agent({ keepAlive: true, maxSockets: Infinity });
    const watchers = Array.from({ length: 1000 }, () => openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${rv}`, { agent }));
    try {
      await waitFor(() => watchers.every((w) => w.status() === 200), { timeoutMs: 40_000, what: '1,000 watches open' });
      await Promise.all(Array.from({ length: 50 }, (_, i) => create(ns, `burst-${i}`)));
      await waitFor(() => watchers.every((w) => w.events.length >= 50), { timeoutMs: 40_000, what: 'every watcher got 50 events' });
      const want = Array.from({ length: 50 }, (_, i) => `burst-${i}`).sort();
      for (const w of watchers) expect(w.events.map((e) => e.object.metadata?.name).sort()).toEqual(want);
      const metrics = await req('GET', '/metrics');
      expect(metrics.text).toMatch(/apiserver_registered_watchers\{[^}]*resource="pods"[^}]*\} 1000\n/);
    } finally {
      for (const w of watchers) w.close();
      agent.destroy();
    }
  });

  it('resumes from a resourceVersion, exclusive', async () => {
    const ns = await namespace();
    const a = await create(ns, 'a');
    await create(ns, 'b');
    await req('PATCH', `/api/v1/namespaces/${ns}/pods/a`, { body: { metadata: { labels: { x: '1' } } }, contentType: 'application/merge-patch+json' });
    const w = openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
    await waitFor(() => w.events.length >= 2, { what: 'replayed events' });
    w.close();
    expect(summary(w.events)).toEqual(['ADDED b', 'MODIFIED a']);
  });

  it('lists with resourceVersion=0 from the cache, and a list at a write\'s resourceVersion includes the write', async () => {
    const ns = await namespace();
    const a = await create(ns, 'a');
    const atWrite = await req('GET', `/api/v1/namespaces/${ns}/pods?resourceVersion=${a.metadata.resourceVersion}`);
    expect((atWrite.json as { items: Obj[] }).items.map((i) => i.metadata.name)).toEqual(['a']);
    const b = await create(ns, 'b');
    const cached = await req('GET', `/api/v1/namespaces/${ns}/pods?resourceVersion=${b.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan&limit=1`);
    const list = cached.json as { kind: string; metadata: Meta; items: Obj[] };
    expect(list.kind).toBe('PodList');
    expect(list.items.map((i) => `${i.kind} ${i.metadata.name}`)).toEqual(['Pod a', 'Pod b']);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(b.metadata.resourceVersion));
    const any = await req('GET', `/api/v1/namespaces/${ns}/pods?resourceVersion=0`);
    expect((any.json as { items: Obj[] }).items.length).toBeGreaterThanOrEqual(0);
    const exact = await req('GET', `/api/v1/namespaces/${ns}/pods?resourceVersion=${a.metadata.resourceVersion}&resourceVersionMatch=Exact`);
    expect((exact.json as { items: Obj[] }).items.map((i) => i.metadata.name)).toEqual(['a']);
    const bad = await req('GET', `/api/v1/namespaces/${ns}/pods?resourceVersion=0&resourceVersionMatch=Exact`);
    expect(bad.json).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
  });

  it('sends bookmarks of the resource\'s kind with only a resourceVersion', async () => {
    const ns = await namespace();
    const a = await create(ns, 'a');
    const w = openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${a.metadata.resourceVersion}`);
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK'), { what: 'a bookmark' });
    w.close();
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(Number(bookmark?.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(a.metadata.resourceVersion));
  });

  it('sendInitialEvents: the state, a bookmark marking its end, then changes', async () => {
    const ns = await namespace();
    await create(ns, 'a');
    await create(ns, 'b');
    const w = openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    await waitFor(() => w.events.length >= 3, { what: 'initial events' });
    await create(ns, 'c');
    await waitFor(() => w.events.filter((e) => e.type !== 'BOOKMARK').length >= 3 && w.events.length >= 4, { what: 'the change after the initial events' });
    w.close();
    const plain = w.events.filter((e, i) => e.type !== 'BOOKMARK' || i === 2);
    expect(summary(plain)).toEqual(['ADDED a', 'ADDED b', 'BOOKMARK', 'ADDED c']);
    expect(w.events[2].object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const bad = await req('GET', `/api/v1/namespaces/${ns}/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    expect(bad.json).toMatchObject({ kind: 'Status', code: 400 });
  });

  it('selector transitions: starts matching → ADDED, stops matching → DELETED', async () => {
    const ns = await namespace();
    const rv = await listRV(ns);
    const w = openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&labelSelector=app%3Dweb&resourceVersion=${rv}`);
    const label = (app: string) => req('PATCH', `/api/v1/namespaces/${ns}/pods/x`, { body: { metadata: { labels: { app } } }, contentType: 'application/merge-patch+json' });
    await create(ns, 'x', { app: 'db' });
    await label('web');
    await label('web2');
    await create(ns, 'y', { app: 'web' });
    await req('DELETE', `/api/v1/namespaces/${ns}/pods/y`);
    await waitFor(() => w.events.length >= 4, { what: 'transitions' });
    w.close();
    expect(summary(w.events)).toEqual(['ADDED x', 'DELETED x', 'ADDED y', 'DELETED y']);
    expect(w.events[1].object.metadata?.labels).toEqual({ app: 'web' });
  });

  it('keeps a keep-alive connection whole: a watch pipelined behind a list, then a get after its timeout', async () => {
    const ns = await namespace();
    await create(ns, 'x');
    // Three requests sent at once on one connection: the watch's response waits for the list's
    // (node queues pipelined responses), and the get's for the end of the watch.
    const replies = await pipelined(c, [
      `/api/v1/namespaces/${ns}/pods`,
      `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=0&timeoutSeconds=1`,
      `/api/v1/namespaces/${ns}/pods/x`,
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((JSON.parse(replies[0].body) as { items: Obj[] }).items.map((o) => o.metadata.name)).toEqual(['x']);
    const events = replies[1].body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: Obj });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual(['ADDED x']);
    expect((JSON.parse(replies[2].body) as Obj).metadata.name).toBe('x');
  });

  it('ends the stream after timeoutSeconds', async () => {
    const ns = await namespace();
    const w = openWatch(c, `/api/v1/namespaces/${ns}/pods?watch=true&timeoutSeconds=1`);
    await waitFor(() => w.ended(), { timeoutMs: 5000, what: 'the watch to end' });
    expect(w.status()).toBe(200);
  });
});

describe('watch across compaction and apiserver restarts', () => {
  let etcd: RunningEtcd;
  let dir: string;
  beforeAll(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-watch-'));
  });
  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a watch resumes on a restarted apiserver from its last resourceVersion', async () => {
    const first = await startServer(etcd, dir);
    const w1 = openWatch(first, '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0');
    await waitFor(() => w1.status() === 200, { what: 'watch open' });
    await requester(first)('POST', '/api/v1/namespaces/default/pods', { body: pod('before') });
    await waitFor(() => w1.events.length >= 1, { what: 'first event' });
    const last = w1.events[w1.events.length - 1].object.metadata?.resourceVersion as string;
    w1.close();
    // Written while no watch is open, then the server goes away.
    await requester(first)('POST', '/api/v1/namespaces/default/pods', { body: pod('missed') });
    await first.stop();
    const second = await startServer(etcd, dir);
    try {
      expect(second.api.port).not.toBe(first.api.port);
      await requester(second)('POST', '/api/v1/namespaces/default/pods', { body: pod('after') });
      const w2 = openWatch(second, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${last}`);
      await waitFor(() => w2.events.length >= 2, { what: 'resumed events' });
      await requester(second)('POST', '/api/v1/namespaces/default/pods', { body: pod('live') });
      await waitFor(() => w2.events.length >= 3, { what: 'a live event after resuming' });
      w2.close();
      expect(summary(w2.events)).toEqual(['ADDED missed', 'ADDED after', 'ADDED live']);
    } finally {
      await second.stop();
    }
  });

  it('answers 410 Expired for a compacted resourceVersion, from the cache\'s history and from before it', async () => {
    const c = await startServer(etcd, dir, { compactionIntervalMs: 200, watchCache: { ringSize: 3 } });
    try {
      const req = requester(c);
      const old = (await req('POST', '/api/v1/namespaces/default/pods', { body: pod('old') })).json as Obj;
      const rvs: string[] = [];
      for (let i = 0; i < 5; i++) rvs.push(((await req('POST', '/api/v1/namespaces/default/pods', { body: pod(`c${i}`) })).json as Obj).metadata.resourceVersion as string);
      const recent = rvs[3]; // still in the 3-event ring
      const marker = (await req('POST', '/api/v1/namespaces/default/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'marker' }, data: {} },
      })).json as Obj;
      const beforeMarker = String(Number(marker.metadata.resourceVersion) - 1);
      // The compaction timer moves past the marker within a few ticks.
      await waitFor(async () => (await req('GET', `/api/v1/namespaces/default/pods?resourceVersion=${beforeMarker}&resourceVersionMatch=Exact`)).status === 410,
        { timeoutMs: 10_000, what: 'compaction' });
      for (const from of [old.metadata.resourceVersion, recent]) {
        const w = openWatch(c, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}`);
        await waitFor(() => w.events.length >= 1 || w.ended(), { what: `a 410 for ${from}` });
        w.close();
        expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: expect.stringContaining(`too old resource version: ${from}`) } });
      }
    } finally {
      await c.stop();
    }
  });
});
