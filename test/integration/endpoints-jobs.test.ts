// The Endpoints, EndpointSlice and Job controllers in-process against a real etcd and apiserver
// (no nodes: pod status is written through pods/status as an agent would): 150 pods behind a
// service make slices of 100 and 50, one pod going away rewrites only the slice that held it,
// the Endpoints follow; a job completes when its pod reports Succeeded and fails at its
// activeDeadlineSeconds.
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiJob } from '../../api/batch/v1';
import type { ApiEndpoints, ApiPod, ApiService } from '../../api/core/v1';
import type { ApiEndpointSlice } from '../../api/discovery/v1';
import { createClient, loadKubeconfig, type ResourceClient } from '../../pkg/client';
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { waitFor } from './harness';

jest.setTimeout(60_000);

let c: TestCluster;
let cm: RunningControllers;
let pods: ResourceClient<ApiPod>;
let services: ResourceClient<ApiService>;
let endpoints: ResourceClient<ApiEndpoints>;
let slices: ResourceClient<ApiEndpointSlice>;
let jobs: ResourceClient<ApiJob>;

const res = (g: string, v: string, p: string) => findResource(g, v, p) as ResourceInfo;

beforeAll(async () => {
  c = await startTestCluster();
  cm = startControllerManager(c.kubeconfig);
  const client = createClient({ ...loadKubeconfig({ path: c.kubeconfig }), userAgent: 'endpoints-test' });
  pods = client.resource<ApiPod>(res('', 'v1', 'pods'));
  services = client.resource<ApiService>(res('', 'v1', 'services'));
  endpoints = client.resource<ApiEndpoints>(res('', 'v1', 'endpoints'));
  slices = client.resource<ApiEndpointSlice>(res('discovery.k8s.io', 'v1', 'endpointslices'));
  jobs = client.resource<ApiJob>(res('batch', 'v1', 'jobs'));
});
afterAll(async () => {
  await cm?.stop();
  await c?.stop();
});

/** What the agent would report for a running, ready pod. */
const runReady = async (p: ApiPod, ip: string) => {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await pods.updateStatus('default', { ...p, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
};
const sliceList = async () => (await slices.list('default', { labelSelector: 'kubernetes.io/service-name=many' })).items;

test('150 pods make slices of 100 and 50; a pod going away rewrites only its slice; Endpoints follow', async () => {
  await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'many' }, spec: { selector: { app: 'many' }, ports: [{ port: 80, targetPort: 8080 }] } });
  const made: ApiPod[] = [];
  for (let i = 0; i < 150; i += 25) {
    made.push(...await Promise.all(Array.from({ length: 25 }, (_, j) => pods.create('default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `many-${i + j}`, labels: { app: 'many' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    }))));
  }
  for (let i = 0; i < made.length; i += 25) await Promise.all(made.slice(i, i + 25).map((p, j) => runReady(p, `10.7.${Math.floor((i + j) / 200)}.${((i + j) % 200) + 1}`)));

  const full = await waitFor(async () => {
    const s = await sliceList();
    const sizes = s.map((x) => x.endpoints?.length ?? 0).sort((a, b) => b - a);
    return sizes.join() === '100,50' ? s : undefined;
  }, { what: 'slices of 100 and 50', timeoutMs: 30_000 }) as ApiEndpointSlice[];
  for (const s of full) {
    expect(s.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'many', controller: true })]);
    expect(s.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
  }
  await waitFor(async () => (await endpoints.get('default', 'many')).subsets?.[0]?.addresses?.length === 150, { what: 'Endpoints with 150 addresses' });

  const holder = full.find((s) => s.endpoints?.some((e) => e.targetRef?.name === 'many-0'));
  const other = full.find((s) => s !== holder);
  await pods.delete('default', 'many-0', { gracePeriodSeconds: 0 });
  await waitFor(async () => {
    const now = await sliceList();
    return now.find((s) => s.metadata.name === holder?.metadata.name)?.endpoints?.every((e) => e.targetRef?.name !== 'many-0');
  }, { what: 'many-0 gone from its slice' });
  const after = await sliceList();
  expect(after).toHaveLength(2);
  expect(after.find((s) => s.metadata.name === other?.metadata.name)?.metadata.resourceVersion).toBe(other?.metadata.resourceVersion);
  await waitFor(async () => (await endpoints.get('default', 'many')).subsets?.[0]?.addresses?.length === 149, { what: 'Endpoints with 149 addresses' });
});

const jobOf = (name: string, extra: Partial<NonNullable<ApiJob['spec']>> = {}): ApiJob => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...extra },
});
const condition = (name: string, type: string) => waitFor(async () => {
  const j = await jobs.get('default', name);
  return j.status?.conditions?.some((x) => x.type === type && x.status === 'True') ? j : undefined;
}, { what: `${name} ${type}`, timeoutMs: 20_000 }) as Promise<ApiJob>;

test('a job completes when its pod reports Succeeded', async () => {
  const job = await jobs.create('default', jobOf('once'));
  const [p] = await waitFor(async () => {
    const l = (await pods.list('default', { labelSelector: `batch.kubernetes.io/controller-uid=${job.metadata.uid}` })).items;
    return l.length === 1 ? l : undefined;
  }, { what: 'the job pod' }) as ApiPod[];
  expect(p?.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'once', 'job-name': 'once', 'controller-uid': job.metadata.uid });
  if (p) await pods.updateStatus('default', { ...p, status: { phase: 'Succeeded' } });
  const done = await condition('once', 'Complete');
  expect(done.status).toMatchObject({ succeeded: 1, ready: 0 });
  expect(done.status?.completionTime).toBeDefined();
});

test('a job past activeDeadlineSeconds fails with DeadlineExceeded and its pods are deleted', async () => {
  await jobs.create('default', jobOf('late', { activeDeadlineSeconds: 1, parallelism: 2, completions: 4 }));
  const failed = await condition('late', 'Failed');
  expect(failed.status?.conditions?.find((x) => x.type === 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  expect(failed.status?.conditions?.some((x) => x.type === 'FailureTarget')).toBe(true);
  expect((await pods.list('default', { labelSelector: 'job-name=late' })).items).toEqual([]);
});
