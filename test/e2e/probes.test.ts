// Init containers and probes through kubectl on a real cluster: an init container that the
// test releases hands a file to the app container over an emptyDir (Init:0/2 → Running); a
// failing init container with restartPolicy Never fails the pod (Init:Error); an exec
// readiness probe flips READY 0/1 → 1/1 when the test creates the file; a failing liveness
// probe restarts the container with Unhealthy and Killing events; an httpGet readiness probe
// against busybox httpd makes a Deployment's readyReplicas/availableReplicas move; postStart
// and preStop exec hooks run (preStop leaves its mark in a hostPath the test reads).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(120_000);

let c: TestCluster;
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-e2e-hooks-'));
const vol = [{ name: 'work', mountPath: '/work' }];
const probe = (command: string[], extra: object = {}) => ({ exec: { command }, periodSeconds: 1, failureThreshold: 1, ...extra });

const manifests = [
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'init-ok' },
    spec: {
      terminationGracePeriodSeconds: 0, volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'prepare', image: 'busybox', volumeMounts: vol, command: ['sh', '-c', 'until [ -f /work/go ]; do sleep 0.2; done; echo prepared-by-init > /work/msg'] },
        { name: 'check', image: 'busybox', volumeMounts: vol, command: ['cat', '/work/msg'] },
      ],
      containers: [{ name: 'app', image: 'busybox', volumeMounts: vol, command: ['sh', '-c', 'cat /work/msg; exec sleep 3600'] }],
    },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'init-fail' },
    spec: {
      restartPolicy: 'Never',
      initContainers: [{ name: 'broken', image: 'busybox', command: ['sh', '-c', 'exit 3'] }],
      containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }],
    },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ready' },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], readinessProbe: probe(['cat', '/tmp/ready']) }] },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'live' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600'],
        livenessProbe: probe(['cat', '/tmp/healthy'], { failureThreshold: 2 }) }],
    },
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{
            name: 'httpd', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }],
            // The page appears only after a while, so the pod starts unready.
            command: ['sh', '-c', 'mkdir -p /www; (sleep 2; echo ok > /www/healthz) & exec httpd -f -p 8080 -h /www'],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
    },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hooks' },
    spec: {
      terminationGracePeriodSeconds: 2, volumes: [{ name: 'host', hostPath: { path: hostDir, type: 'Directory' } }],
      containers: [{
        name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'host', mountPath: '/host' }],
        lifecycle: {
          postStart: { exec: { command: ['sh', '-c', 'echo post-start-ran > /tmp/poststart'] } },
          preStop: { exec: { command: ['sh', '-c', 'echo pre-stop-ran > /host/prestop'] } },
        },
      }],
    },
  },
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sidecar' },
    spec: {
      terminationGracePeriodSeconds: 0, volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [{ name: 'feeder', image: 'busybox', restartPolicy: 'Always', volumeMounts: vol,
        command: ['sh', '-c', 'echo fed-by-sidecar > /work/feed; exec sleep 3600'], startupProbe: probe(['cat', '/work/feed']) }],
      containers: [{ name: 'app', image: 'busybox', volumeMounts: vol, command: ['sh', '-c', 'cat /work/feed; exec sleep 3600'] }],
    },
  },
];

beforeAll(async () => {
  c = await startCluster('probes');
  const r = await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }) });
  expect(r.stderr).toBe('');
});
afterAll(async () => {
  if (c) await c.stop();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

/** The pod's row of `kubectl get pod` (NAME READY STATUS RESTARTS AGE), split. */
const row = async (name: string): Promise<string[]> => {
  const r = await c.kubectl(['get', 'pod', name, '--no-headers']);
  return r.stdout.trim().split(/\s{2,}/);
};
const jsonpath = async (kind: string, name: string, path: string): Promise<string> => (await c.kubectl(['get', kind, name, '-o', `jsonpath=${path}`])).stdout;

test('init containers run in order before the app container and hand it a file over an emptyDir', async () => {
  await waitFor(async () => (await row('init-ok'))[2] === 'Init:0/2', 'init-ok Init:0/2');
  expect(await jsonpath('pod', 'init-ok', '{.status.conditions[?(@.type=="Initialized")].status}')).toBe('False');
  expect(await jsonpath('pod', 'init-ok', '{.status.containerStatuses[0].state.waiting.reason}')).toBe('PodInitializing');
  // Init:0/2 shows before the sandbox and the volumes are ready: exec once `prepare` runs.
  await waitFor(async () => (await jsonpath('pod', 'init-ok', '{.status.initContainerStatuses[0].state.running.startedAt}')) !== '', 'prepare running');
  const exec = await c.kubectl(['exec', 'init-ok', '-c', 'prepare', '--', 'touch', '/work/go']);
  expect(exec.stderr).toBe('');
  await waitFor(async () => { const r = await row('init-ok'); return r[1] === '1/1' && r[2] === 'Running'; }, 'init-ok Running');
  expect((await c.kubectl(['logs', 'init-ok', '-c', 'app'])).stdout).toBe('prepared-by-init\n');
  expect((await c.kubectl(['logs', 'init-ok', '-c', 'check'])).stdout).toBe('prepared-by-init\n');
  expect(await jsonpath('pod', 'init-ok', '{.status.initContainerStatuses[*].state.terminated.reason}')).toBe('Completed Completed');
  expect(await jsonpath('pod', 'init-ok', '{.status.conditions[?(@.type=="Initialized")].status}')).toBe('True');
});

test('a failed init container with restartPolicy Never fails the pod: Init:Error, the app never starts', async () => {
  await waitFor(async () => (await row('init-fail'))[2] === 'Init:Error', 'init-fail Init:Error');
  expect(await jsonpath('pod', 'init-fail', '{.status.phase}')).toBe('Failed');
  expect(await jsonpath('pod', 'init-fail', '{.status.initContainerStatuses[0].state.terminated.exitCode}')).toBe('3');
  expect(await jsonpath('pod', 'init-fail', '{.status.containerStatuses[0].state.waiting.reason}')).toBe('PodInitializing');
});

test('an exec readiness probe keeps the pod unready until the file exists', async () => {
  await waitFor(async () => { const r = await row('ready'); return r[2] === 'Running' && r[1] === '0/1'; }, 'ready Running 0/1');
  expect(await jsonpath('pod', 'ready', '{.status.conditions[?(@.type=="Ready")].status}')).toBe('False');
  const events = await waitFor(async () => (await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=ready,reason=Unhealthy'])).stdout, 'Unhealthy event');
  expect(events).toContain("Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory");
  expect((await c.kubectl(['exec', 'ready', '--', 'touch', '/tmp/ready'])).stderr).toBe('');
  await waitFor(async () => (await row('ready'))[1] === '1/1', 'ready 1/1');
  expect(await jsonpath('pod', 'ready', '{.status.conditions[?(@.type=="ContainersReady")].status}')).toBe('True');
});

test('a failing liveness probe restarts the container with Unhealthy and Killing events', async () => {
  await waitFor(async () => Number((await row('live'))[3]?.split(' ')[0]) >= 1, 'live RESTARTS 1');
  const events = (await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=live'])).stdout;
  expect(events).toMatch(/Warning\s+Unhealthy\s+pod\/live\s+Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/);
  expect(events).toMatch(/Normal\s+Killing\s+pod\/live\s+Container app failed liveness probe, will be restarted/);
  expect(await jsonpath('pod', 'live', '{.status.containerStatuses[0].lastState.terminated.reason}')).toBe('Error');
});

test('an httpGet readiness probe against busybox httpd moves the Deployment to ready and available', async () => {
  await waitFor(async () => (await jsonpath('deployment', 'web', '{.status.readyReplicas}/{.status.availableReplicas}')) === '1/1', 'web 1/1 ready and available');
  const pod = (await c.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
  expect(await jsonpath('pod', pod, '{.status.containerStatuses[0].ready} {.status.containerStatuses[0].restartCount}')).toBe('true 0');
  // It was probed unready before the page existed (404, or refused before httpd listened).
  const events = (await c.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${pod},reason=Unhealthy`])).stdout;
  expect(events).toMatch(/Readiness probe failed: (HTTP probe failed with statuscode: 404|Get "http:\/\/10\.[\d.]+:8080\/healthz": dial tcp [\d.:]+: connect: connection refused)/);
});

test('postStart runs after the container started; preStop runs before it is stopped at deletion', async () => {
  await waitFor(async () => (await row('hooks'))[2] === 'Running', 'hooks Running');
  expect((await c.kubectl(['exec', 'hooks', '--', 'cat', '/tmp/poststart'])).stdout).toBe('post-start-ran\n');
  expect(fs.existsSync(path.join(hostDir, 'prestop'))).toBe(false);
  const del = await c.kubectl(['delete', 'pod', 'hooks', '--wait=true']);
  expect(del.stderr).toBe('');
  expect(fs.readFileSync(path.join(hostDir, 'prestop'), 'utf8')).toBe('pre-stop-ran\n');
});

test('a sidecar (restartable init container) starts first, passes its startup probe and keeps running beside the app', async () => {
  await waitFor(async () => { const r = await row('sidecar'); return r[1] === '2/2' && r[2] === 'Running'; }, 'sidecar pod 2/2 Running');
  expect((await c.kubectl(['logs', 'sidecar', '-c', 'app'])).stdout).toBe('fed-by-sidecar\n');
  expect(await jsonpath('pod', 'sidecar', '{.status.initContainerStatuses[0].started} {.status.initContainerStatuses[0].ready}')).toBe('true true');
  expect(await jsonpath('pod', 'sidecar', '{.status.initContainerStatuses[0].state.running.startedAt}')).not.toBe('');
});
