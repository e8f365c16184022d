// The REST client's transport edges: rate limiting, Retry-After, timeouts, close(), bearer
// token files and TLS (CA, client certificate, insecure-skip-tls-verify).
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject } from '../../api/meta/v1';
import { StatusError } from '../apimachinery/errors';
import { ensurePki } from '../apiserver';
import { createClient } from './rest';
import { FakeApiserver } from './fake-apiserver';
import { FakeClock, waitFor } from './fake-clock';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const pod = (name: string, ns = 'default'): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns } });

describe('REST client transport', () => {
  const server = new FakeApiserver();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const since = (n: number) => server.requests.slice(n);

  test('QPS/burst: the burst goes at once, the rest one per 1/qps', async () => {
    const clock = new FakeClock();
    const c = createClient({ server: server.url, qps: 2, burst: 2 }, { clock });
    const before = server.requests.length;
    const all = Promise.all([0, 1, 2, 3].map(() => c.request('GET', '/api/v1/pods')));
    await waitFor(() => since(before).length === 2, 'burst of 2');
    expect(clock.pendingDelays().filter((d) => d < 30_000)).toEqual([500, 1000]);
    clock.step(500);
    await waitFor(() => since(before).length === 3, 'third after 500ms');
    clock.step(500);
    await all;
    expect(since(before)).toHaveLength(4);
    c.close();
  });

  test('a negative qps disables client-side limiting', async () => {
    const clock = new FakeClock();
    const c = createClient({ server: server.url, qps: -1 }, { clock });
    await Promise.all(Array.from({ length: 150 }, () => c.request('GET', '/api/v1/pods')));
    c.close();
  });

  test.each([
    { name: 'POST on 429 with Retry-After', method: 'POST', status: 429, retryAfter: 2, want: 'retried', delay: 2000 },
    { name: 'PATCH on 503 with Retry-After', method: 'PATCH', status: 503, retryAfter: 1, want: 'retried', delay: 1000 },
    { name: 'DELETE on 429 with Retry-After 0', method: 'DELETE', status: 429, retryAfter: 0, want: 'retried', delay: 0 },
    { name: 'Retry-After is capped', method: 'PUT', status: 429, retryAfter: 3600, want: 'retried', delay: 10_000 },
    { name: 'POST on 429 without Retry-After', method: 'POST', status: 429, retryAfter: undefined, want: 'thrown', delay: 0 },
    { name: 'POST on 500 with Retry-After', method: 'POST', status: 500, retryAfter: 1, want: 'thrown', delay: 0 },
    { name: 'GET on 500 without Retry-After (back-off)', method: 'GET', status: 500, retryAfter: undefined, want: 'retried', delay: 100 },
    { name: 'GET on 429 honours Retry-After over back-off', method: 'GET', status: 429, retryAfter: 5, want: 'retried', delay: 5000 },
  ])('$name: $want', async ({ method, status, retryAfter, want, delay }) => {
    const stored = server.upsert('/api/v1/pods', pod('r', 'retry-after'));
    const clock = new FakeClock();
    const c = createClient({ server: server.url }, { clock });
    server.failNext({ method, pathIncludes: '/retry-after/', status, retryAfterSeconds: retryAfter });
    const before = server.requests.length;
    const rc = c.resource(pods);
    const calls: Record<string, () => Promise<unknown>> = {
      GET: () => rc.get('retry-after', 'r'),
      POST: () => rc.create('retry-after', pod('new-' + String(before), 'retry-after')),
      PUT: () => rc.update('retry-after', stored),
      PATCH: () => rc.patch('retry-after', 'r', 'merge', { metadata: { labels: { a: 'b' } } }),
      DELETE: () => c.request('DELETE', '/api/v1/namespaces/retry-after/pods/absent'),
    };
    const result = calls[method]().then(() => 'ok', (e: unknown) => e);
    if (want === 'thrown') {
      expect(((await result) as StatusError).code).toBe(status);
      expect(since(before)).toHaveLength(1);
    } else {
      await waitFor(() => clock.pendingDelays().some((d) => d < 30_000) || since(before).length === 2, 'retry scheduled');
      if (delay > 0) expect(clock.pendingDelays().filter((d) => d < 30_000)).toEqual([delay]);
      clock.step(delay);
      const got = await result;
      if (method !== 'DELETE') expect(got).toBe('ok');
      expect(since(before)).toHaveLength(2);
    }
    expect(clock.pending()).toBe(0);
    c.close();
  });

  test('Retry-After retries are bounded by maxRetries', async () => {
    const c = createClient({ server: server.url }, { maxRetries: 2 });
    server.failNext({ method: 'POST', pathIncludes: '/bounded/', status: 429, retryAfterSeconds: 0, times: 10 });
    const before = server.requests.length;
    const err = await c.resource(pods).create('bounded', pod('x')).catch((e: unknown) => e);
    expect((err as StatusError).status.reason).toBe('TooManyRequests');
    expect(since(before)).toHaveLength(3);
    server.failNext({ method: 'POST', pathIncludes: '/bounded/', status: 429, times: -1 }); // clear the rest
    c.close();
  });

  test('a per-request timeoutMs overrides the client default', async () => {
    const clock = new FakeClock();
    const c = createClient({ server: server.url, timeoutMs: 60_000 }, { clock, maxRetries: 0 });
    const release = server.hold();
    const pending = c.request('GET', '/api/v1/pods', { timeoutMs: 1500 }).catch((e: unknown) => e);
    await waitFor(() => clock.pendingDelays().includes(1500), 'deadline armed');
    clock.step(1500);
    const err = await pending;
    release();
    expect((err as StatusError).status).toMatchObject({ reason: 'Timeout', code: 504 });
    c.close();
  });

  test('close() destroys the keep-alive sockets and refuses later requests', async () => {
    const own = new FakeApiserver();
    await own.start();
    try {
      const c = createClient({ server: own.url });
      await Promise.all([c.request('GET', '/api/v1/pods'), c.request('GET', '/api/v1/pods')]);
      expect(own.connections()).toBe(2); // kept alive
      c.close();
      await waitFor(() => own.connections() === 0, 'sockets closed');
      await expect(c.request('GET', '/api/v1/pods')).rejects.toThrow(/closed/);
    } finally {
      await own.stop();
    }
  });

  test('a bearer token file is sent, re-read every minute, and its last good value kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'first\n');
    const clock = new FakeClock();
    const c = createClient({ server: server.url, token: 'static', tokenFile: file }, { clock });
    const auth = async () => {
      await c.request('GET', '/api/v1/pods');
      return server.requests[server.requests.length - 1].headers.authorization;
    };
    try {
      expect(await auth()).toBe('Bearer first');
      fs.writeFileSync(file, 'second');
      expect(await auth()).toBe('Bearer first');   // cached for a minute
      clock.step(60_000);
      expect(await auth()).toBe('Bearer second');
      fs.rmSync(file);
      clock.step(60_000);
      expect(await auth()).toBe('Bearer second');  // rotation in progress: keep the last good one
    } finally {
      c.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('REST client TLS', () => {
  let dir: string;
  let srv: https.Server;
  let url: string;
  let ca: Buffer;
  let cert: Buffer;
  let key: Buffer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rest-tls-'));
    const p = await ensurePki(dir, { hosts: ['127.0.0.1'] });
    [ca, cert, key] = [p.caCert, p.adminCert, p.adminKey].map((f) => fs.readFileSync(f));
    srv = https.createServer({ cert: fs.readFileSync(p.apiserverCert), key: fs.readFileSync(p.apiserverKey), ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ cn: peer?.subject?.CN ?? null, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    { name: 'CA + client certificate', cfg: () => ({ ca, cert, key }), want: { cn: 'admin', auth: null } },
    { name: 'CA + bearer token', cfg: () => ({ ca, token: 't' }), want: { cn: null, auth: 'Bearer t' } },
    { name: 'insecure-skip-tls-verify without a CA', cfg: () => ({ insecureSkipTLSVerify: true }), want: { cn: null, auth: null } },
  ])('$name', async ({ cfg, want }) => {
    const c = createClient({ server: url, ...cfg() }, { maxRetries: 0 });
    try {
      const got = (await c.request('GET', '/whoami')) as { cn: string | null };
      expect({ ...got, cn: got.cn ?? null }).toEqual(want);
    } finally {
      c.close();
    }
  });

  test('without the CA the server certificate is rejected', async () => {
    const c = createClient({ server: url }, { maxRetries: 0 });
    await expect(c.request('GET', '/whoami')).rejects.toThrow(/self[- ]signed|unable to verify|local issuer/);
    c.close();
  });
});
