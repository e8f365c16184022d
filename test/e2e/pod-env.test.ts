// A container's environment on a real one-node cluster, as kubelet builds it: envFrom a
// ConfigMap (prefixed, or not: keys that are no variable names are skipped) and a Secret, valueFrom configMapKeyRef/secretKeyRef/resourceFieldRef,
// $(VAR) expansion, the service variables of the namespace's Services (and the `kubernetes`
// Service's always), and a missing key failing the start with CreateContainerConfigError.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(180_000);

const ns = 'envs';
let c: TestCluster;

beforeAll(async () => {
  c = await startCluster('env');
  expect((await c.kubectl(['create', 'namespace', ns])).code).toBe(0);
  await waitFor(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 'the default service account');
  expect((await c.kubectl(['create', 'configmap', 'settings', '-n', ns, '--from-literal=MODE=fast'])).code).toBe(0);
  expect((await c.kubectl(['create', 'configmap', 'raw', '-n', ns, '--from-literal=OK=y', '--from-literal=1bad=x'])).code).toBe(0);
  expect((await c.kubectl(['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=PASSWORD=s3cret'])).code).toBe(0);
  expect((await c.kubectl(['create', 'service', 'clusterip', 'web-api', '-n', ns, '--tcp=8080:80'])).code).toBe(0);
});
afterAll(async () => { if (c) await c.stop(); });

const apply = async (name: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], ...container }], ...extra },
  };
  expect((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) })).code).toBe(0);
};

const envOf = async (pod: string): Promise<Record<string, string>> => {
  const out = (await c.kubectl(['exec', '-n', ns, pod, '--', 'env'])).stdout;
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};

test('envFrom, valueFrom, expansion and service variables reach the container', async () => {
  await apply('full', {
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }, { configMapRef: { name: 'raw' } }],
    env: [
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'settings', key: 'MODE' } } },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
      { name: 'MISSING_OK', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'URL', value: 'http://$(WEB_API_SERVICE_HOST):$(WEB_API_SERVICE_PORT)/$(FROM_CM)' },
    ],
    resources: { limits: { memory: '64Mi' } },
  });
  expect((await c.kubectl(['wait', '-n', ns, '--for=condition=Ready', 'pod/full', '--timeout=90s'])).code).toBe(0);
  const env = await envOf('full');
  const svcIP = (await c.kubectl(['get', 'svc', 'web-api', '-n', ns, '-o', 'jsonpath={.spec.clusterIP}'])).stdout;
  expect(env).toMatchObject({
    CFG_MODE: 'fast', PASSWORD: 's3cret', OK: 'y', FROM_CM: 'fast', FROM_SECRET: 's3cret', MEM_MI: '64',
    URL: `http://${svcIP}:8080/fast`,
    WEB_API_SERVICE_HOST: svcIP, WEB_API_SERVICE_PORT: '8080', WEB_API_PORT: `tcp://${svcIP}:8080`,
    KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
  });
  expect(env).not.toHaveProperty('MISSING_OK');
  expect(env).not.toHaveProperty('1bad'); // not an environment variable name: skipped, with an event
  const events = (await c.kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=full', '-o', 'jsonpath={.items[*].reason}'])).stdout;
  expect(events).toContain('InvalidEnvironmentVariableNames');
});

test('enableServiceLinks: false keeps only the kubernetes Service variables', async () => {
  await apply('nolinks', {}, { enableServiceLinks: false });
  expect((await c.kubectl(['wait', '-n', ns, '--for=condition=Ready', 'pod/nolinks', '--timeout=90s'])).code).toBe(0);
  const env = await envOf('nolinks');
  expect(env).toHaveProperty('KUBERNETES_SERVICE_HOST');
  expect(env).not.toHaveProperty('WEB_API_SERVICE_HOST');
});

test('a missing key is CreateContainerConfigError until it exists', async () => {
  await apply('waits', { env: [{ name: 'LATER', valueFrom: { configMapKeyRef: { name: 'later', key: 'k' } } }] });
  const reason = () => c.kubectl(['get', 'pod', 'waits', '-n', ns, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
  await waitFor(async () => (await reason()).stdout === 'CreateContainerConfigError', 'CreateContainerConfigError');
  expect((await c.kubectl(['create', 'configmap', 'later', '-n', ns, '--from-literal=k=v'])).code).toBe(0);
  expect((await c.kubectl(['wait', '-n', ns, '--for=condition=Ready', 'pod/waits', '--timeout=90s'])).code).toBe(0);
  expect((await envOf('waits')).LATER).toBe('v');
});
