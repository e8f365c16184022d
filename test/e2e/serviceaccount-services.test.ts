// On a real one-node cluster (`berth up`): a fresh namespace gets its `default` ServiceAccount
// from the controller-manager, a pod runs as it, `kubectl create token default` works, the
// `kubernetes` Service holds the first address of the service CIDR, and kubectl-created Services
// get allocated addresses.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(180_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('sa'); });
afterAll(async () => { if (c) await c.stop(); });

test('a fresh namespace gets `default`; a pod runs as it; kubectl create token default works', async () => {
  expect((await c.kubectl(['create', 'namespace', 'fresh'])).code).toBe(0);
  await waitFor(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code === 0, 'the default service account');
  const run = await c.kubectl(['run', 'p', '-n', 'fresh', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
  expect(run.code).toBe(0);
  expect((await c.kubectl(['get', 'pod', 'p', '-n', 'fresh', '-o', 'jsonpath={.spec.serviceAccountName}'])).stdout).toBe('default');
  const token = await c.kubectl(['create', 'token', 'default', '-n', 'fresh']);
  expect(token).toMatchObject({ code: 0, stderr: '' });
  expect(token.stdout.trim().split('.')).toHaveLength(3);
});

test('the kubernetes Service holds the first address of the service CIDR; kubectl-created ones get distinct addresses in it', async () => {
  const base = c.serviceCidr.split('/')[0].split('.').slice(0, 3).join('.'); // a /20 starting at x.y.128.0
  expect((await c.kubectl(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].port}'])).stdout).toBe(`${base}.1 443`);
  expect((await c.kubectl(['create', 'service', 'clusterip', 'a', '--tcp=80:8080'])).code).toBe(0);
  expect((await c.kubectl(['create', 'service', 'nodeport', 'b', '--tcp=80:8080'])).code).toBe(0);
  const out = (await c.kubectl(['get', 'svc', 'a', 'b', '-o', 'jsonpath={.items[*].spec.clusterIP} {.items[1].spec.ports[0].nodePort}'])).stdout.split(' ');
  const inRange = new RegExp(`^${c.serviceCidr.split('.').slice(0, 2).join('\\.')}\\.(12[89]|13\\d|14[0-3])\\.\\d+$`);
  expect(out[0]).toMatch(inRange);
  expect(out[1]).toMatch(inRange);
  expect(out[0]).not.toBe(out[1]);
  expect(Number(out[2])).toBeGreaterThanOrEqual(30000);
  expect(Number(out[2])).toBeLessThanOrEqual(32767);
});
