// The controller-manager against the in-process fake apiserver: kubeconfig → client → shared
// informers → ReplicaSet controller → pods created, status written, metrics served, pods deleted
// with their ReplicaSet (by the garbage collector).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ApiObject } from '../../api/meta/v1';
import { FakeApiserver } from '../client/fake-apiserver';
import { waitFor } from '../client/fake-clock';
import { createLogger } from '../log';
import { runControllerManager } from './manager';

const RS = '/apis/apps/v1/replicasets';
const get = (url: string) => new Promise<{ code: number; body: string }>((resolve, reject) => {
  http.get(url, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
  }).on('error', reject);
});

test('runs the ReplicaSet controller end to end against an apiserver', async () => {
  const server = new FakeApiserver();
  await server.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: t',
    'clusters: [{ name: t, cluster: { server: "' + server.url + '" } }]',
    'users: [{ name: t, user: { token: x } }]',
    'contexts: [{ name: t, context: { cluster: t, user: t } }]',
  ].join('\n'));
  const lines: string[] = [];
  const ac = new AbortController();
  const run = runControllerManager({ kubeconfig, healthPort: 0, workers: 2 }, createLogger('controller-manager', { write: (l) => lines.push(l) }), ac.signal);
  try {
    server.upsert(RS, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', generation: 1 },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const podsOfWeb = () => server.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/default/pods');
    await waitFor(() => podsOfWeb().length === 2, 'two pods created', 5000);
    await waitFor(() => (server.get(RS, 'default', 'web') as ApiObject | undefined)?.status !== undefined, 'status', 5000);
    await waitFor(() => ((server.get(RS, 'default', 'web') as { status?: { replicas: number } }).status?.replicas ?? 0) === 2, 'status.replicas=2', 5000);
    expect(podsOfWeb().length).toBe(2); // expectations: no double creation while the cache caught up

    const port = Number(/serving health and metrics port=(\d+)/.exec(lines.join('\n'))?.[1]);
    expect((await get(`http://127.0.0.1:${port}/healthz`)).code).toBe(200);
    const metrics = (await get(`http://127.0.0.1:${port}/metrics`)).body;
    expect(metrics).toMatch(/workqueue_depth\{name="replicaset",component="controller-manager"\} \d/);
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="replicaset",result="success"/);

    server.remove(RS, 'default', 'web');
    await waitFor(() => server.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/api/v1/namespaces/default/pods/')).length === 2, 'pods deleted', 5000);
  } finally {
    ac.abort();
    await run;
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(lines.some((l) => l.includes('controller-manager stopped'))).toBe(true);
});
