import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { isExpired, isNotFound, StatusError } from '../apimachinery/errors';
import { createClient, collectionPath, objectPath } from './rest';
import { FakeApiserver } from './fake-apiserver';
import { FakeClock } from './fake-clock';

const info = (group: string, version: string, plural: string): ResourceInfo => {
  const r = findResource(group, version, plural);
  if (!r) throw new Error(`no resource ${plural}`);
  return r;
};
const pods = info('', 'v1', 'pods');
const nodes = info('', 'v1', 'nodes');
const replicasets = info('apps', 'v1', 'replicasets');
const pod = (name: string, ns = 'default'): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns } });

test.each([
  { name: 'core namespaced', path: collectionPath(pods, 'ns1'), want: '/api/v1/namespaces/ns1/pods' },
  { name: 'core all namespaces', path: collectionPath(pods, ''), want: '/api/v1/pods' },
  { name: 'group namespaced', path: collectionPath(replicasets, 'a'), want: '/apis/apps/v1/namespaces/a/replicasets' },
  { name: 'cluster-scoped ignores ns', path: objectPath(nodes, 'ns1', 'n1'), want: '/api/v1/nodes/n1' },
  { name: 'subresource', path: objectPath(pods, 'a', 'p', 'binding'), want: '/api/v1/namespaces/a/pods/p/binding' },
])('URL: $name', ({ path, want }) => expect(path).toBe(want));

describe('REST client against the fake apiserver', () => {
  const server = new FakeApiserver();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const client = () => createClient({ server: server.url, token: 't0k' }, { retryBaseMs: 0 });

  test('CRUD verbs, content types and query parameters', async () => {
    const rc = client().resource(pods);
    const created = await rc.create('', { metadata: { name: 'a', namespace: 'crud' } }, { fieldManager: 'me' });
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'crud', resourceVersion: expect.any(String) } });
    const post = server.requests[server.requests.length - 1];
    expect(post).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/crud/pods' });
    expect(post.query.get('fieldManager')).toBe('me');
    expect(post.headers.authorization).toBe('Bearer t0k');
    expect(post.headers['content-type']).toBe('application/json');

    const got = await rc.get('crud', 'a');
    await rc.updateStatus('crud', { ...got, status: { phase: 'Running' } });
    expect(server.requests[server.requests.length - 1].path).toBe('/api/v1/namespaces/crud/pods/a/status');
    const patched = await rc.patch('crud', 'a', 'merge', { metadata: { labels: { x: 'y' } } });
    expect(patched).toMatchObject({ metadata: { labels: { x: 'y' } }, status: { phase: 'Running' } });

    const list = await rc.list('crud', { labelSelector: 'x=y' });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['a']);
    await rc.delete('crud', 'a', { propagationPolicy: 'Background' });
    expect(server.requests[server.requests.length - 1]).toMatchObject({
      method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
  });

  test.each([
    { type: 'merge' as const, want: 'application/merge-patch+json' },
    { type: 'strategic' as const, want: 'application/strategic-merge-patch+json' },
    { type: 'json' as const, want: 'application/json-patch+json' },
    { type: 'apply' as const, want: 'application/apply-patch+yaml' },
  ])('patch $type sends $want', async ({ type, want }) => {
    server.upsert('/api/v1/pods', pod('p', 'patch'));
    await client().resource(pods).patch('patch', 'p', type, {}, { fieldManager: 'm', force: true }).catch((e: unknown) => e);
    const req = server.requests[server.requests.length - 1];
    expect(req.headers['content-type']).toBe(want);
    expect(req.query.get('force')).toBe('true');
  });

  test('error bodies are rebuilt into StatusError', async () => {
    const err = await client().resource(pods).get('default', 'missing').catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    expect((err as StatusError).message).toBe('pods "missing" not found');
  });

  test('GET is retried on 5xx, bounded; POST is not', async () => {
    server.upsert('/api/v1/pods', pod('r', 'retry'));
    const c = createClient({ server: server.url }, { retryBaseMs: 0, maxRetries: 2 });
    server.failNext({ method: 'GET', pathIncludes: '/retry/', status: 503, times: 2 });
    expect((await c.resource(pods).get('retry', 'r')).metadata.name).toBe('r');
    server.failNext({ method: 'GET', pathIncludes: '/retry/', status: 500, times: 5 });
    const before = server.requests.length;
    const err = await c.resource(pods).get('retry', 'r').catch((e: unknown) => e);
    expect((err as StatusError).code).toBe(500);
    expect(server.requests.length - before).toBe(3);
    server.failNext({ method: 'POST', status: 503, times: 1 });
    const post = await c.resource(pods).create('retry', pod('new')).catch((e: unknown) => e);
    expect((post as StatusError).code).toBe(503);
  });

  test('connection refused is retried, then thrown', async () => {
    const c = createClient({ server: 'http://127.0.0.1:1' }, { retryBaseMs: 0, maxRetries: 1 });
    const err = await c.request('GET', '/version').catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  test('watch yields events, ends when the server closes, and stops on abort', async () => {
    const rc = client().resource(pods);
    const start = await rc.list('w');
    const ac = new AbortController();
    const seen: WatchEvent[] = [];
    const done = (async () => {
      for await (const ev of rc.watch('w', { resourceVersion: start.metadata.resourceVersion }, ac.signal)) {
        seen.push(ev);
        if (seen.length === 2) server.dropWatches();
      }
    })();
    server.upsert('/api/v1/pods', pod('w1', 'w'));
    server.upsert('/api/v1/pods', pod('w2', 'w'));
    await done;
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'ADDED w2']);

    const aborted = (async () => {
      const got: string[] = [];
      for await (const ev of rc.watch('w', {}, ac.signal)) {
        got.push(ev.object.metadata.name ?? '');
        if (got.length === 2) ac.abort();
      }
      return got;
    })();
    expect(await aborted).toEqual(['w1', 'w2']);
  });

  test('an ERROR event with a 410 Status is thrown as expired', async () => {
    const rc = client().resource(pods);
    server.upsert('/api/v1/pods', pod('old', 'gone'));
    server.compact();
    const err = await (async () => {
      for await (const _ of rc.watch('gone', { resourceVersion: '1' }, new AbortController().signal)) { /* none expected */ }
    })().catch((e: unknown) => e);
    expect(isExpired(err)).toBe(true);
  });

  test('stream returns the raw body (logs)', async () => {
    server.upsert('/api/v1/pods', pod('l', 'logs'));
    const s = await client().stream('/api/v1/namespaces/logs/pods/l/log?follow=true');
    let text = '';
    for await (const c of s) text += String(c);
    expect(text).toBe('line 1\nline 2\n');
    expect(server.requests[server.requests.length - 1].query.get('follow')).toBe('true');
  });
});

test('a request past its deadline fails with a Timeout StatusError', async () => {
  const hung = http.createServer(() => undefined);
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  const clock = new FakeClock();
  const c = createClient({ server: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, timeoutMs: 5000 }, { clock, maxRetries: 0 });
  const pending = c.request('GET', '/slow').catch((e: unknown) => e);
  clock.step(5000);
  const err = await pending;
  expect(err).toBeInstanceOf(StatusError);
  expect((err as StatusError).status.reason).toBe('Timeout');
  hung.closeAllConnections();
  await new Promise((r) => hung.close(r));
});
