// Events expire (upstream's --event-ttl, an etcd lease): against a real etcd with a 2 s TTL, an
// Event written through core/v1 or events.k8s.io/v1 is gone after expiry, a watcher sees it
// DELETED, and objects of other resources written at the same time stay.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { startApiserver, writeKubeconfig } from '../../pkg/apiserver';
import { silentLogger } from '../../pkg/log';
import { startEtcd, waitFor } from './harness';
import { requester, type TestCluster } from './apiserver-helpers';
import { watchStream } from './watch-helpers';

jest.setTimeout(60_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  const etcd = await startEtcd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-event-ttl-'));
  const api = await startApiserver({
    etcdServers: [etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(dir, 'pki'), eventTTLSeconds: 2,
  }, silentLogger());
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server: api.url, pkiDir: path.join(dir, 'pki') });
  c = {
    etcd, api, dir, kubeconfig,
    stop: async () => {
      await api.close();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  req = requester(c);
});

afterAll(async () => { await c?.stop(); });

const coreEvent = (name: string) => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' }, reason: 'Tested', message: 'expires', type: 'Normal',
});

const eventsV1Event = (name: string) => ({
  apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name },
  eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'berth.dev/test', reportingInstance: 'test-1',
  action: 'Testing', reason: 'Tested', note: 'expires', type: 'Normal', regarding: { kind: 'Pod', namespace: 'default', name: 'p' },
});

const leaseOf = async (key: string): Promise<string> => {
  const client = new Etcd3({ hosts: c.etcd.endpoint });
  try {
    const res = await client.kv.range({ key: Buffer.from(key) });
    return res.kvs[0]?.lease ?? '';
  } finally {
    client.close();
  }
};

describe('Events TTL', () => {
  it('an Event is deleted by its lease after the TTL, a watcher sees DELETED, other objects stay', async () => {
    const first = await req('POST', '/api/v1/namespaces/default/events', { body: coreEvent('short-lived') });
    expect(first.status).toBe(201);
    const rv = (first.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watch = watchStream(c, `/api/v1/namespaces/default/events?watch=true&resourceVersion=${rv}`);
    const second = await req('POST', '/apis/events.k8s.io/v1/namespaces/default/events', { body: eventsV1Event('also-short-lived') });
    expect(second.status).toBe(201);
    const cm = await req('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stays' } } });
    expect(cm.status).toBe(201);

    // Each Event is attached to a lease; the ConfigMap is not.
    expect(await leaseOf('/registry/events/default/short-lived')).not.toMatch(/^0?$/);
    expect(await leaseOf('/registry/events/default/also-short-lived')).not.toMatch(/^0?$/);
    expect(await leaseOf('/registry/configmaps/default/stays')).toMatch(/^0?$/);

    const deleted = (name: string) => watch.events.some((e) => e.type === 'DELETED' && e.object.metadata?.name === name);
    await waitFor(() => deleted('short-lived') && deleted('also-short-lived'), { timeoutMs: 20_000, what: 'DELETED events of both Events' });
    watch.close();
    expect((await req('GET', '/api/v1/namespaces/default/events/short-lived')).status).toBe(404);
    expect((await req('GET', '/apis/events.k8s.io/v1/namespaces/default/events/also-short-lived')).status).toBe(404);
    expect((await req('GET', '/api/v1/namespaces/default/configmaps/stays')).status).toBe(200);
  });

  it('an update renews the lease of an Event', async () => {
    const created = await req('POST', '/api/v1/namespaces/default/events', { body: coreEvent('renewed') });
    expect(created.status).toBe(201);
    const before = await leaseOf('/registry/events/default/renewed');
    const patched = await req('PATCH', '/api/v1/namespaces/default/events/renewed', {
      body: { count: 2 }, contentType: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
    const after = await leaseOf('/registry/events/default/renewed');
    expect(after).not.toMatch(/^0?$/);
    // With a 2 s TTL the reuse window is 0 s (5 % of the TTL), so every write takes a fresh lease.
    expect(after).not.toBe(before);
  });
});
