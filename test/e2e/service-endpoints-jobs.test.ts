// The Endpoints, EndpointSlice and Job controllers on a real one-node cluster with the real
// kubectl: a Deployment behind a Service shows its pod IPs and target port in `kubectl get
// endpoints` and `endpointslices`; a pod that stops being ready moves to notReadyAddresses /
// ready=false, a deleted pod leaves; `kubectl create job` runs to Complete and `kubectl wait`
// returns; a job whose pods fail ends Failed with BackoffLimitExceeded after one retry; a
// CronJob made first runs a job at the next minute, which the last test finds completed.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(90_000);

let c: TestCluster;
beforeAll(async () => {
  c = await startCluster('endpoints');
  // Made first so that its minute comes round while the other tests run.
  await c.kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--', 'true']);
});
afterAll(async () => { if (c) await c.stop(); });

interface Address { ip: string; targetRef?: { name?: string } }
interface EndpointsJson { subsets?: Array<{ addresses?: Address[]; notReadyAddresses?: Address[]; ports?: Array<{ port: number }> }> }
interface SliceJson { endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name?: string } }>; ports?: Array<{ port?: number }> }
interface PodJson { metadata: { name: string; deletionTimestamp?: string }; status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> } }

const json = async <T>(args: string[]): Promise<T> => {
  const r = await c.kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
};
const ok = async (args: string[], input?: string) => {
  const r = await c.kubectl(args, input === undefined ? undefined : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

// Ready while /tmp/ready exists; SIGTERM ends it at once.
const deployment = JSON.stringify({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: {
    replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 5,
        containers: [{
          name: 'c', image: 'busybox', command: ['sh', '-c', "touch /tmp/ready; trap 'exit 0' TERM; sleep 3600 & wait"],
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    },
  },
});
const service = JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
});

const readyPods = async () => (await json<{ items: PodJson[] }>(['get', 'pods', '-l', 'app=web'])).items
  .filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP && p.status.conditions?.some((k) => k.type === 'Ready' && k.status === 'True'));
const sorted = (ips: string[]) => [...ips].sort();
const endpoints = () => json<EndpointsJson>(['get', 'endpoints', 'web']);
const slices = async () => (await json<{ items: SliceJson[] }>(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web'])).items;
const readyIPs = (ep: EndpointsJson) => sorted((ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)));
const sliceIPs = (items: SliceJson[], ready: boolean) =>
  sorted(items.flatMap((s) => (s.endpoints ?? []).filter((e) => (e.conditions?.ready ?? false) === ready).flatMap((e) => e.addresses)));

test('a Service in front of a Deployment lists its ready pods in endpoints and endpoint slices, and follows them', async () => {
  await ok(['apply', '-f', '-'], deployment);
  await ok(['apply', '-f', '-'], service);
  const pods = await waitFor(async () => { const p = await readyPods(); return p.length === 2 && p; }, 'two ready pods', 60_000);
  const ips = sorted(pods.map((p) => p.status?.podIP ?? ''));

  await waitFor(async () => JSON.stringify(readyIPs(await endpoints())) === JSON.stringify(ips), 'endpoints listing both pods');
  expect((await endpoints()).subsets?.[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  expect(await ok(['get', 'endpoints', 'web'])).toMatch(new RegExp(`web\\s+${ips.map((ip) => `${ip.replace(/\./g, '\\.')}:8080`).join(',')}`));
  await waitFor(async () => JSON.stringify(sliceIPs(await slices(), true)) === JSON.stringify(ips), 'slices listing both pods');
  const [slice] = await slices();
  expect(slice?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
  expect(await ok(['get', 'endpointslices'])).toMatch(/^web-\S+\s+IPv4\s+8080\s+/m);

  // One pod stops being ready: it moves to notReadyAddresses and ready=false.
  const [first, second] = pods;
  await ok(['exec', first?.metadata.name ?? '', '--', 'rm', '/tmp/ready']);
  await waitFor(async () => {
    const ep = await endpoints();
    return ep.subsets?.[0]?.notReadyAddresses?.[0]?.ip === first?.status?.podIP && readyIPs(ep).length === 1;
  }, 'the unready pod in notReadyAddresses');
  await waitFor(async () => JSON.stringify(sliceIPs(await slices(), false)) === JSON.stringify([first?.status?.podIP]), 'the unready pod ready=false in its slice');

  // The other pod is deleted: it leaves both (its replacement comes in once ready).
  await ok(['delete', 'pod', second?.metadata.name ?? '', '--wait=false']);
  await waitFor(async () => !readyIPs(await endpoints()).includes(second?.status?.podIP ?? ''), 'the deleted pod gone from endpoints');
  await waitFor(async () => !(await slices()).some((s) => (s.endpoints ?? []).some((e) => e.targetRef?.name === second?.metadata.name)), 'the deleted pod gone from slices', 30_000);
});

test('kubectl create job runs to Complete and kubectl wait returns', async () => {
  expect(await ok(['create', 'job', 'hello', '--image=busybox', '--', 'sh', '-c', 'echo hi'])).toBe('job.batch/hello created\n');
  expect(await ok(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s'])).toBe('job.batch/hello condition met\n');
  const job = await json<{ status: { succeeded?: number; completionTime?: string } }>(['get', 'job', 'hello']);
  expect(job.status.succeeded).toBe(1);
  expect(job.status.completionTime).toBeDefined();
  expect(await ok(['get', 'job', 'hello'])).toMatch(/hello\s+Complete\s+1\/1\s/);
});

test('a job whose pods fail, with backoffLimit 1, ends Failed with BackoffLimitExceeded', async () => {
  await ok(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'fails' },
    spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] } } },
  }));
  expect(await ok(['wait', '--for=condition=failed', 'job/fails', '--timeout=60s'])).toBe('job.batch/fails condition met\n');
  const job = await json<{ status: { failed?: number; conditions?: Array<{ type: string; reason?: string }> } }>(['get', 'job', 'fails']);
  expect(job.status.failed).toBe(2);
  expect(job.status.conditions?.find((k) => k.type === 'Failed')?.reason).toBe('BackoffLimitExceeded');
  expect((await json<{ items: unknown[] }>(['get', 'pods', '-l', 'job-name=fails'])).items).toHaveLength(2);
});

test('kubectl create cronjob runs a job at the next minute and records it', async () => {
  interface CronJson { status?: { lastScheduleTime?: string; lastSuccessfulTime?: string } }
  const cj = await waitFor(async () => {
    const o = await json<CronJson>(['get', 'cronjob', 'tick']);
    return o.status?.lastSuccessfulTime !== undefined && o;
  }, 'a successful scheduled run', 75_000);
  expect(cj.status?.lastScheduleTime).toMatch(/:00Z$/);
  const jobs = await json<{ items: Array<{ metadata: { name: string; ownerReferences?: Array<{ kind: string; name: string }> } }> }>(['get', 'jobs']);
  const mine = jobs.items.filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === 'tick'));
  expect(mine.length).toBeGreaterThanOrEqual(1);
  expect(mine[0]?.metadata.name).toMatch(/^tick-\d+$/);
}, 90_000);
