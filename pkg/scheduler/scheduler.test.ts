// runScheduler wired to the client's in-process fake apiserver on loopback: informers, binding,
// the status write and the events go over real HTTP. Polls for outcomes; never sleeps a fixed time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeApiserver } from '../client/fake-apiserver';
import { silentLogger } from '../log';
import { runScheduler } from './scheduler';
import { node, pod } from './testing';
import { toApiPod } from './node-info';

const waitFor = async (cond: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setImmediate(r));
  }
};

describe('runScheduler', () => {
  let api: FakeApiserver;
  let dir: string;
  beforeEach(async () => {
    api = new FakeApiserver();
    const url = await api.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scheduler-'));
    fs.writeFileSync(path.join(dir, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config', 'current-context: t',
      'clusters: [{name: c, cluster: {server: "' + url + '"}}]',
      'contexts: [{name: t, context: {cluster: c, user: u}}]', 'users: [{name: u, user: {}}]', '',
    ].join('\n'));
  });
  afterEach(async () => {
    await api.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('binds what fits, reports what does not, and stops on abort', async () => {
    const n = node({ name: 'node1', cpu: '2' });
    api.upsert('/api/v1/nodes', { ...n, metadata: { name: 'node1' } });
    api.upsert('/api/v1/pods', toApiPod(pod({ name: 'small', cpu: '1' })));
    api.upsert('/api/v1/pods', toApiPod(pod({ name: 'huge', cpu: '4' })));
    api.upsert('/api/v1/pods', toApiPod(pod({ name: 'theirs', schedulerName: 'other' })));
    const ac = new AbortController();
    const running = runScheduler({ kubeconfig: path.join(dir, 'kubeconfig'), healthPort: 0 }, silentLogger(), ac.signal);

    const posted = (suffix: string) => api.requests.find((r) => r.method === 'POST' && r.path.endsWith(suffix));
    const statusPut = () => api.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/pods/huge/status'));
    await waitFor(() => !!posted('/pods/small/binding') && !!statusPut());

    expect(posted('/pods/small/binding')?.body).toEqual({
      apiVersion: 'v1', kind: 'Binding', metadata: { name: 'small', namespace: 'default' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node1' },
    });
    expect(api.get('/api/v1/pods', 'default', 'huge')?.status).toMatchObject({
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' }],
    });
    expect(posted('/pods/theirs/binding')).toBeUndefined();
    const events = () => api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).map((r) => r.body);
    await waitFor(() => events().length >= 2);
    expect(events()).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message: '0/1 nodes are available: 1 Insufficient cpu.' }),
      expect.objectContaining({ type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/small to node1' }),
    ]));
    expect(api.get('/apis/coordination.k8s.io/v1/leases', 'kube-system', 'kube-scheduler')?.spec).toMatchObject({ leaseDurationSeconds: 15 });
    ac.abort();
    await running;
    // Released on shutdown, so a standby takes over at once.
    expect(api.get('/apis/coordination.k8s.io/v1/leases', 'kube-system', 'kube-scheduler')?.spec).toMatchObject({ holderIdentity: '' });
  });

  test('a standby replica keeps its cache warm but does not schedule until it holds the Lease', async () => {
    api.upsert('/api/v1/nodes', { ...node({ name: 'node1', cpu: '2' }), metadata: { name: 'node1' } });
    api.upsert('/apis/coordination.k8s.io/v1/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'someone-else', leaseDurationSeconds: 15 } });
    api.upsert('/api/v1/pods', toApiPod(pod({ name: 'waits', cpu: '1' })));
    const ac = new AbortController();
    const running = runScheduler({ kubeconfig: path.join(dir, 'kubeconfig'), healthPort: 0 }, silentLogger(), ac.signal);
    await waitFor(() => api.requests.some((r) => r.path.endsWith('/leases/kube-scheduler')) && api.watchCount() === 2);
    expect(api.requests.some((r) => r.path.endsWith('/binding'))).toBe(false);
    ac.abort();
    await running;
    expect(api.get('/apis/coordination.k8s.io/v1/leases', 'kube-system', 'kube-scheduler')?.spec).toMatchObject({ holderIdentity: 'someone-else' });
  });

  test('--leader-elect=false schedules without a Lease', async () => {
    api.upsert('/api/v1/nodes', { ...node({ name: 'node1', cpu: '2' }), metadata: { name: 'node1' } });
    api.upsert('/api/v1/pods', toApiPod(pod({ name: 'p', cpu: '1' })));
    const ac = new AbortController();
    const running = runScheduler({ kubeconfig: path.join(dir, 'kubeconfig'), healthPort: 0, leaderElection: { enabled: false } }, silentLogger(), ac.signal);
    await waitFor(() => api.requests.some((r) => r.path.endsWith('/pods/p/binding')));
    ac.abort();
    await running;
    expect(api.requests.some((r) => r.path.includes('/leases'))).toBe(false);
  });
});
