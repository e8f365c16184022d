// The service proxy against a real apiserver and etcd, with EndpointSlices written by the test
// (no controller runs here) and the real iptables: rules follow Services and slices, a burst of
// changes is coalesced into few syncs, the periodic resync repairs a rule someone removed,
// /healthz and /metrics answer, and cleanup leaves no chain, jump rule or route behind. Its own
// bridge name (br9i: chains BERTH-BR9I-*) so it never touches a running cluster's rules.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject } from '../../api/meta/v1';
import { createClient, loadKubeconfig, type RestClient } from '../../pkg/client';
import { createLogger, silentLogger } from '../../pkg/log';
import { cleanupProxy, runProxy } from '../../pkg/proxy';
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { freePort, waitFor } from './harness';

jest.setTimeout(60_000);

const run = promisify(execFile);
const bridge = 'br9i';
const prefix = 'BERTH-BR9I';
const nat = async () => (await run('iptables-save', ['-t', 'nat'])).stdout;
const ours = async () => [...(await nat()).split('\n'), ...(await run('iptables-save', ['-t', 'filter'])).stdout.split('\n')].filter((l) => l.includes(prefix));
const routes = async () => (await run('ip', ['route', 'show', '10.96.0.0/16'])).stdout;

const info = (group: string, plural: string): ResourceInfo => {
  const found = findResource(group, 'v1', plural);
  if (!found) throw new Error(plural);
  return found;
};

const get = (port: number, path: string): Promise<{ status: number; text: string }> => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path }, (res) => {
    let text = '';
    res.on('data', (d: Buffer) => { text += d.toString(); });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
  }).on('error', reject);
});

const metric = async (port: number, name: string): Promise<number> => {
  const line = (await get(port, '/metrics')).text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : 0;
};

const slice = (name: string, svc: string, ips: string[]) => ({
  metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
}) as unknown as ApiObject;

let c: TestCluster;
let client: RestClient;
let healthPort = 0;
const ac = new AbortController();
let proxy: Promise<void> | undefined;

beforeAll(async () => {
  c = await startTestCluster();
  client = createClient({ ...loadKubeconfig({ path: c.kubeconfig }), qps: 1000, burst: 1000 });
  healthPort = await freePort();
  proxy = runProxy({ kubeconfig: c.kubeconfig, healthPort, bridge, clusterCIDR: '10.99.0.0/24', syncPeriodMs: 1500 },
    process.env.BERTH_TEST_LOG ? createLogger('proxy') : silentLogger(), ac.signal);
});

afterAll(async () => {
  ac.abort();
  await proxy?.catch(() => undefined);
  await cleanupProxy(bridge, silentLogger());
  client?.close();
  await c?.stop();
  expect(await ours()).toEqual([]);
  expect(await routes()).not.toContain('berthsvc-br9i');
});

test('rules follow a Service and its EndpointSlice; /healthz is ok once synced', async () => {
  const services = client.resource(info('', 'services'));
  const created = await services.create('default', { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } as unknown as ApiObject);
  const clusterIP = (created as unknown as { spec: { clusterIP: string } }).spec.clusterIP;
  await waitFor(async () => (await ours()).some((l) => l.includes(`-d ${clusterIP}/32`) && l.includes('REJECT')), { what: 'a reject without endpoints', timeoutMs: 30_000 });
  await client.resource(info('discovery.k8s.io', 'endpointslices')).create('default', slice('web-a', 'web', ['10.99.0.2', '10.99.0.3']));
  await waitFor(async () => (await nat()).match(/-j DNAT --to-destination 10\.99\.0\.[23]:8080/g)?.length === 2, { what: 'two DNAT rules', timeoutMs: 30_000 });
  expect((await ours()).filter((l) => l.includes('REJECT')).join('\n')).not.toContain(clusterIP); // default/kubernetes has none here
  // A restore can fail while another program holds the ruleset; the next sync (1 s later) retries.
  await waitFor(async () => (await get(healthPort, '/healthz')).text === 'ok', { what: '/healthz ok', timeoutMs: 30_000 });
  expect(await routes()).toMatch(/dev berthsvc-br9i /);
});

test('a burst of changes is coalesced into a few syncs', async () => {
  const before = await metric(healthPort, 'kubeproxy_sync_proxy_rules_duration_seconds_count');
  const slices = client.resource(info('discovery.k8s.io', 'endpointslices'));
  await Promise.all(Array.from({ length: 40 }, (_, i) => slices.create('default', slice(`burst-${i}`, 'web', [`10.99.0.${10 + i}`]))));
  await waitFor(async () => ((await nat()).match(/DNAT --to-destination 10\.99\.0\.\d+:8080/g)?.length ?? 0) === 42, { what: '42 endpoints', timeoutMs: 30_000 });
  const syncs = (await metric(healthPort, 'kubeproxy_sync_proxy_rules_duration_seconds_count')) - before;
  expect(syncs).toBeGreaterThanOrEqual(1);
  expect(syncs).toBeLessThan(20); // 40 slice events (plus the informer's) at most 1 s apart
  expect(await metric(healthPort, 'kubeproxy_sync_proxy_rules_iptables_total{table="nat"')).toBeGreaterThan(42 * 3);
});

test('the periodic resync restores a rule someone removed', async () => {
  const svcChain = (await nat()).split('\n').find((l) => l.startsWith(`:${prefix}-SVC-`))?.slice(1).split(' ')[0] ?? '';
  expect(svcChain).not.toBe('');
  await run('iptables', ['-t', 'nat', '-F', svcChain]);
  await waitFor(async () => (await nat()).split('\n').filter((l) => l.startsWith(`-A ${svcChain} `)).length > 0, { what: 'the resync', timeoutMs: 30_000 });
});

test('removed endpoints lose their chains', async () => {
  await client.resource(info('discovery.k8s.io', 'endpointslices')).delete('default', 'web-a');
  await waitFor(async () => !(await nat()).includes('10.99.0.2:8080'), { what: 'the endpoint to go', timeoutMs: 30_000 });
  const chains = (await nat()).split('\n').filter((l) => l.startsWith(`:${prefix}-SEP-`));
  expect(chains).toHaveLength(40);
});

test('a Service that asks for another proxy (service.kubernetes.io/service-proxy-name) gets no rules', async () => {
  const services = client.resource(info('', 'services'));
  const other = await services.create('default', { metadata: { name: 'other-proxy', labels: { 'service.kubernetes.io/service-proxy-name': 'elsewhere' } }, spec: { ports: [{ port: 81 }] } } as unknown as ApiObject);
  const mine = await services.create('default', { metadata: { name: 'mine' }, spec: { ports: [{ port: 82 }] } } as unknown as ApiObject);
  const ip = (o: ApiObject) => (o as unknown as { spec: { clusterIP: string } }).spec.clusterIP;
  await waitFor(async () => (await ours()).some((l) => l.includes(`-d ${ip(mine)}/32`)), { what: 'the reject of mine', timeoutMs: 30_000 });
  expect((await ours()).join('\n')).not.toContain(`-d ${ip(other)}/32`);
});
