// In-cluster API access on a real one-node cluster (`berth up`), as client-go's InClusterConfig
// uses it: a pod gets the projected kube-api-access volume (bound token, the cluster CA from the
// kube-root-ca.crt ConfigMap, its namespace) and the KUBERNETES_SERVICE_* variables, and the real
// kubectl run inside it reaches the apiserver at the `kubernetes` Service's cluster IP through the
// proxy's rules and the Endpoints the apiserver writes, verifying its certificate, and may do
// what RBAC grants its service account. The token works while its pod exists and stops working
// once the pod is gone.
import fs from 'node:fs';
import path from 'node:path';
import { startCluster, waitFor, type TestCluster } from './cluster';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(240_000);

const ns = 'incluster';
const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
let c: TestCluster;
let ca: string;
const kubectl133 = fs.realpathSync(kubectlBinary('1.33') === 'kubectl' ? '/usr/bin/kubectl' : kubectlBinary('1.33'));

beforeAll(async () => {
  c = await startCluster('incluster');
  ca = fs.readFileSync(path.join(c.home, 'pki', 'ca.crt'), 'utf8');
  expect((await c.kubectl(['create', 'namespace', ns])).code).toBe(0);
  await waitFor(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 'the default service account');
});
afterAll(async () => { if (c) await c.stop(); });

const exec = async (pod: string, script: string) => c.kubectl(['exec', '-n', ns, pod, '--', 'sh', '-c', script]);

const runPod = async (name: string, extra: Record<string, unknown> = {}) => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }], ...extra },
  };
  expect((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) })).code).toBe(0);
  expect((await c.kubectl(['wait', '-n', ns, '--for=condition=Ready', `pod/${name}`, '--timeout=90s'])).code).toBe(0);
};

test('every namespace gets the kube-root-ca.crt ConfigMap, restored after a delete', async () => {
  const get = () => c.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
  await waitFor(async () => (await get()).stdout === ca.trimEnd() || (await get()).stdout === ca, 'kube-root-ca.crt');
  expect((await c.kubectl(['delete', 'configmap', 'kube-root-ca.crt', '-n', ns])).code).toBe(0);
  await waitFor(async () => (await get()).code === 0, 'kube-root-ca.crt recreated');
});

test('the kubernetes Service has Endpoints and an EndpointSlice naming the apiserver', async () => {
  const port = new URL((await c.kubectl(['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'])).stdout).port;
  await waitFor(async () => (await c.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}'])).stdout.endsWith(`:${port}`), 'kubernetes endpoints');
  const slice = await c.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'jsonpath={.items[0].endpoints[0].addresses[0]} {.items[0].ports[0].port}']);
  expect(slice.stdout).toMatch(new RegExp(`^10\\.\\d+\\.0\\.1 ${port}$`));
});

test('a pod reads its token, CA and namespace; the real kubectl in it works through the kubernetes Service', async () => {
  // kubectl is a static Go binary: with no kubeconfig it uses client-go's InClusterConfig
  // (KUBERNETES_SERVICE_HOST/PORT, the token, and ca.crt to verify the serving certificate).
  await runPod('client', {
    containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'kubectl', mountPath: '/opt/kubectl', readOnly: true }] }],
    volumes: [{ name: 'kubectl', hostPath: { path: path.dirname(kubectl133), type: 'Directory' } }],
  });
  const mount = await c.kubectl(['get', 'pod', 'client', '-n', ns, '-o', 'jsonpath={.spec.containers[0].volumeMounts[1].mountPath} {.spec.volumes[1].name}']);
  expect(mount.stdout).toMatch(new RegExp(`^${sa} kube-api-access-[a-z0-9]{5}$`));
  expect((await exec('client', `cat ${sa}/namespace`)).stdout).toBe(ns);
  expect((await exec('client', `cat ${sa}/ca.crt`)).stdout).toBe(ca);
  expect((await exec('client', `cat ${sa}/token`)).stdout.split('.')).toHaveLength(3);
  const env = (await exec('client', 'echo $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT')).stdout.trim();
  expect(env).toBe(`${c.serviceCidr.split('.').slice(0, 3).join('.')}.1 443`);
  const inPod = `/opt/kubectl/${path.basename(kubectl133)}`;
  const whoami = await exec('client', `${inPod} auth whoami -o jsonpath={.status.userInfo.username}`);
  expect(whoami).toMatchObject({ code: 0, stdout: `system:serviceaccount:${ns}:default` });
  // RBAC: the account may do nothing until bound; `view` is aggregated by the controller-manager.
  const denied = await exec('client', `${inPod} get pods -o name`);
  expect(denied.stderr).toContain(`pods is forbidden: User "system:serviceaccount:${ns}:default" cannot list resource "pods" in API group "" in the namespace "${ns}"`);
  expect((await c.kubectl(['create', 'rolebinding', 'default-view', '-n', ns, '--clusterrole=view', `--serviceaccount=${ns}:default`])).code).toBe(0);
  await waitFor(async () => (await exec('client', `${inPod} get pods -o name`)).stdout === 'pod/client\n', 'the view binding to take effect');
  expect((await exec('client', `${inPod} auth can-i delete pods`)).stdout).toBe('no\n');
  expect((await exec('client', `${inPod} get secrets`)).stderr).toContain('secrets is forbidden');
});

test('the token is bound to its pod: rejected once the pod is gone', async () => {
  const token = (await exec('client', `cat ${sa}/token`)).stdout;
  const review = async () => {
    const r = await c.kubectl(['create', '--validate=false', '-o', 'jsonpath={.status.authenticated}{.status.error}', '-f', '-'],
      { input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }) });
    return r.stdout;
  };
  expect(await review()).toBe('true');
  expect((await c.kubectl(['delete', 'pod', 'client', '-n', ns, '--wait=true'])).code).toBe(0);
  // As upstream: `authenticated` is left out (false) and `error` says why.
  expect(await review()).toMatch(/^(?!true).+/);
});

test('automountServiceAccountToken: false mounts nothing', async () => {
  await runPod('quiet', { automountServiceAccountToken: false });
  expect((await c.kubectl(['get', 'pod', 'quiet', '-n', ns, '-o', 'jsonpath={.spec.volumes}'])).stdout).toBe('');
  expect((await exec('quiet', `ls ${sa} 2>&1 || true`)).stdout).toMatch(/No such file or directory/);
});
