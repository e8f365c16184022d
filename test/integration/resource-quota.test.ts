// ResourceQuota enforcement against a real etcd: admission charges each pod to the quota's
// status.used before storing it and refuses the one over the limit with upstream's message
// (through the real kubectl), concurrent creates never take more than the quota, and the
// controller-manager's resource quota controller fills a new quota's status and gives the
// charge back when a pod is deleted, so `kubectl describe quota` and `get quota` show usage.
// Updates that grow a service's usage (turning NodePort) are charged too.
import { startTestCluster, requester, pod, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { waitFor } from './harness';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(90_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;
beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
});
afterAll(async () => { await c?.stop(); });

type Quota = { metadata: { resourceVersion: string }; status?: { hard?: Record<string, string>; used?: Record<string, string> } };
const quotaPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/resourcequotas/${name}`;
const getQuota = async (ns: string, name: string) => (await req('GET', quotaPath(ns, name))).json as Quota;
const cpuPod = (name: string, cpu: string) => pod(name, {
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu } } }] },
});
const createNamespace = async (name: string) => {
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } })).status).toBe(201);
};
const createQuota = async (ns: string, hard: Record<string, string>) => {
  const body = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: ns }, spec: { hard } };
  expect((await req('POST', `/api/v1/namespaces/${ns}/resourcequotas`, { body })).status).toBe(201);
};
/** What the controller would write, set by hand (no controller-manager runs in this part). */
const setStatus = async (ns: string, hard: Record<string, string>, used: Record<string, string>) => {
  const q = await getQuota(ns, 'q');
  const r = await req('PUT', `${quotaPath(ns, 'q')}/status`, { body: { ...q, status: { hard, used } } });
  expect(r.status).toBe(200);
};

describe('admission', () => {
  test('pods are charged until the quota is used up, then refused with upstream\'s message', async () => {
    await createNamespace('quota-a');
    await createQuota('quota-a', { pods: '2', 'requests.cpu': '1' });
    // Not synced yet (no status.hard): the quota limits nothing, as upstream.
    expect((await req('POST', '/api/v1/namespaces/quota-a/pods', { body: pod('unsynced') })).status).toBe(201);
    expect((await getQuota('quota-a', 'q')).status?.used).toBeUndefined();
    expect((await req('DELETE', '/api/v1/namespaces/quota-a/pods/unsynced?gracePeriodSeconds=0')).status).toBe(200);
    await setStatus('quota-a', { pods: '2', 'requests.cpu': '1' }, { pods: '0', 'requests.cpu': '0' });

    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const noCpu = await k(['run', 'nocpu', '-n', 'quota-a', '--image=busybox', '--restart=Never']);
    expect(noCpu.stderr).toBe('Error from server (Forbidden): pods "nocpu" is forbidden: failed quota: q: must specify requests.cpu for: nocpu\n');
    const run = (name: string, cpu: string) => k(['run', name, '-n', 'quota-a', '--image=busybox', '--restart=Never',
      '--overrides', JSON.stringify({ spec: { containers: [{ name, image: 'busybox', resources: { requests: { cpu } } }] } })]);
    expect(await run('one', '400m')).toMatchObject({ code: 0, stdout: 'pod/one created\n' });
    expect((await getQuota('quota-a', 'q')).status?.used).toEqual({ pods: '1', 'requests.cpu': '400m' });
    // A dry run is checked but charges nothing.
    expect((await k(['run', 'dry', '-n', 'quota-a', '--image=busybox', '--restart=Never', '--dry-run=server',
      '--overrides', JSON.stringify({ spec: { containers: [{ name: 'dry', image: 'busybox', resources: { requests: { cpu: '2' } } }] } })])).stderr)
      .toBe('Error from server (Forbidden): pods "dry" is forbidden: exceeded quota: q, requested: requests.cpu=2, used: requests.cpu=400m, limited: requests.cpu=1\n');
    expect(await run('two', '600m')).toMatchObject({ code: 0 });
    expect((await getQuota('quota-a', 'q')).status?.used).toEqual({ pods: '2', 'requests.cpu': '1' });
    const three = await run('three', '100m');
    expect(three.code).not.toBe(0);
    expect(three.stderr).toBe('Error from server (Forbidden): pods "three" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=100m, '
      + 'used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1\n');
    expect((await req('GET', '/api/v1/namespaces/quota-a/pods/three')).status).toBe(404);
    expect((await k(['get', 'quota', 'q', '-n', 'quota-a', '--no-headers'])).stdout).toMatch(/^q\s+\S+\s+pods: 2\/2, requests\.cpu: 1\/1\s*\n$/);
  });

  test('concurrent creates never take more than the quota', async () => {
    await createNamespace('quota-b');
    await createQuota('quota-b', { pods: '3', 'requests.cpu': '1' });
    await setStatus('quota-b', { pods: '3', 'requests.cpu': '1' }, { pods: '0', 'requests.cpu': '0' });
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => req('POST', '/api/v1/namespaces/quota-b/pods', { body: cpuPod(`p${i}`, '300m') })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    expect(replies.filter((r) => r.status === 403)).toHaveLength(9);
    expect((await getQuota('quota-b', 'q')).status?.used).toEqual({ pods: '3', 'requests.cpu': '900m' });
    const pods = (await req('GET', '/api/v1/namespaces/quota-b/pods')).json as { items: unknown[] };
    expect(pods.items).toHaveLength(3);
  });
});

describe('updates', () => {
  test('a service turning NodePort is charged its node ports, and refused when they are used up', async () => {
    await createNamespace('quota-svc');
    await createQuota('quota-svc', { services: '5', 'services.nodeports': '1' });
    await setStatus('quota-svc', { services: '5', 'services.nodeports': '1' }, { services: '0', 'services.nodeports': '0' });
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    for (const name of ['a', 'b']) expect(await k(['create', 'service', 'clusterip', name, '-n', 'quota-svc', '--tcp=80:8080'])).toMatchObject({ code: 0 });
    expect((await getQuota('quota-svc', 'q')).status?.used).toEqual({ services: '2', 'services.nodeports': '0' });
    // A change that uses nothing more is not charged.
    expect(await k(['label', 'service', 'a', 'x=y', '-n', 'quota-svc'])).toMatchObject({ code: 0 });
    expect(await k(['patch', 'service', 'a', '-n', 'quota-svc', '-p', '{"spec":{"type":"NodePort"}}'])).toMatchObject({ code: 0 });
    expect((await getQuota('quota-svc', 'q')).status?.used).toEqual({ services: '2', 'services.nodeports': '1' });
    const refused = await k(['patch', 'service', 'b', '-n', 'quota-svc', '-p', '{"spec":{"type":"NodePort"}}']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('Error from server (Forbidden): services "b" is forbidden: exceeded quota: q, requested: services.nodeports=1, '
      + 'used: services.nodeports=1, limited: services.nodeports=1\n');
    expect((await req('GET', '/api/v1/namespaces/quota-svc/services/b')).json).toMatchObject({ spec: { type: 'ClusterIP' } });
  });
});

describe('with the controller-manager', () => {
  let cm: RunningControllers;
  beforeAll(() => { cm = startControllerManager(c.kubeconfig); });
  afterAll(async () => { await cm?.stop(); });

  test('the controller fills status, counts objects, and releases quota on delete', async () => {
    await createNamespace('quota-c');
    expect((await req('POST', '/api/v1/namespaces/quota-c/pods', { body: cpuPod('before', '250m') })).status).toBe(201);
    await createQuota('quota-c', { pods: '2', 'requests.cpu': '500m', 'count/configmaps': '10' });
    const synced = await waitFor(async () => {
      const q = await getQuota('quota-c', 'q');
      return q.status?.used?.pods === '1' && q.status;
    }, { what: 'the controller\'s first sync' });
    expect(synced).toMatchObject({ hard: { pods: '2', 'requests.cpu': '500m', 'count/configmaps': '10' }, used: { pods: '1', 'requests.cpu': '250m' } });
    expect((await req('POST', '/api/v1/namespaces/quota-c/pods', { body: cpuPod('second', '250m') })).status).toBe(201);
    const refused = await req('POST', '/api/v1/namespaces/quota-c/pods', { body: cpuPod('third', '1m') });
    expect(refused.status).toBe(403);
    expect((refused.json as { message: string }).message)
      .toBe('pods "third" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=1m, used: pods=2,requests.cpu=500m, limited: pods=2,requests.cpu=500m');
    expect((await req('DELETE', '/api/v1/namespaces/quota-c/pods/before?gracePeriodSeconds=0')).status).toBe(200);
    await waitFor(async () => (await getQuota('quota-c', 'q')).status?.used?.pods === '1', { what: 'the quota given back' });
    expect((await getQuota('quota-c', 'q')).status?.used).toMatchObject({ pods: '1', 'requests.cpu': '250m' });
    expect((await req('POST', '/api/v1/namespaces/quota-c/pods', { body: cpuPod('third', '1m') })).status).toBe(201);

    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const described = await k(['describe', 'quota', 'q', '-n', 'quota-c']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Resource\s+Used\s+Hard\n-+\s+-+\s+-+\n/);
    expect(described.stdout).toMatch(/\npods\s+2\s+2\n/);
    expect(described.stdout).toMatch(/\nrequests\.cpu\s+251m\s+500m\n/);
  });
});
