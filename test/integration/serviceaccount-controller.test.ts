// The ServiceAccount controller and admission on a real apiserver and etcd: every active
// namespace gets `default` (again after a delete), a Terminating one gets none, a pod naming no
// account runs as `default`, and `kubectl create token default` works with nothing set up by hand.
// (None in a Terminating namespace is unit-tested: admission would refuse the create anyway.)
import { startTestCluster, requester, pod, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { waitFor } from './harness';

jest.setTimeout(60_000);

let c: TestCluster;
let cm: RunningControllers;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  cm = startControllerManager(c.kubeconfig);
});
afterAll(async () => {
  await cm?.stop();
  await c?.stop();
});

const saStatus = async (ns: string): Promise<number> => (await req('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status;
const hasDefault = (ns: string) => waitFor(async () => (await saStatus(ns)) === 200, { what: `the default service account of ${ns}` });

test('a new namespace gets `default`, re-created after a delete, and `kubectl create token default` works', async () => {
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sa-a' } } })).status).toBe(201);
  await hasDefault('sa-a');
  const before = (await req('GET', '/api/v1/namespaces/sa-a/serviceaccounts/default')).json as { metadata: { uid: string } };
  expect((await req('DELETE', '/api/v1/namespaces/sa-a/serviceaccounts/default')).status).toBe(200);
  const after = await waitFor(async () => {
    const r = await req('GET', '/api/v1/namespaces/sa-a/serviceaccounts/default');
    const uid = (r.json as { metadata?: { uid?: string } }).metadata?.uid;
    return r.status === 200 && uid !== before.metadata.uid && uid;
  }, { what: 'a new default service account' });
  expect(typeof after).toBe('string');
  expect(after).not.toBe(before.metadata.uid);
  const r = await kubectlRunner(c)(['create', 'token', 'default', '-n', 'sa-a']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout.split('.')).toHaveLength(3);
});

test('the system namespaces get one too', async () => {
  for (const ns of ['default', 'kube-system']) await hasDefault(ns);
});

test('a pod naming no service account runs as `default`; a named one is kept', async () => {
  await hasDefault('default');
  const p = await req('POST', '/api/v1/namespaces/default/pods', { body: pod('sa-pod') });
  expect(p.status).toBe(201);
  expect(p.json).toMatchObject({ spec: { serviceAccountName: 'default', serviceAccount: 'default' } });
  const named = await req('POST', '/api/v1/namespaces/default/pods', { body: pod('sa-named', { spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'busybox' }] } }) });
  expect(named.json).toMatchObject({ spec: { serviceAccountName: 'builder' } });
});
