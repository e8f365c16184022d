// Service cluster IPs and node ports from bitmaps in etcd (upstream's ipallocator and
// portallocator): random addresses in 10.96.0.0/16 with 10.96.0.1 the `kubernetes` Service's,
// requested values honoured or refused with upstream's 422s, released on delete and on a type
// change, never shared by two apiservers racing on one etcd, and repaired at start.
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startApiserver } from '../../pkg/apiserver';
import { createEtcdStore } from '../../pkg/storage';
import { newRangeAllocator, ipRange, AllocationError } from '../../pkg/apiserver/allocators';
import { silentLogger } from '../../pkg/log';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';
import { freePort, startEtcd, waitFor, type RunningEtcd } from './harness';

jest.setTimeout(60_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;
beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
});
afterAll(async () => { await c?.stop(); });

type Json = Record<string, unknown>;
interface Svc { spec: { clusterIP?: string; clusterIPs?: string[]; type?: string; ports: Array<{ port: number; nodePort?: number }> } }

const svc = (name: string, spec: Json = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } });
const create = (name: string, spec: Json = {}, r = req) => r('POST', '/api/v1/namespaces/default/services', { body: svc(name, spec) });
const specOf = (reply: { json: unknown }) => (reply.json as Svc).spec;
const messageOf = (reply: { json: unknown }) => (reply.json as { message: string }).message;
const inRange = (ip: string | undefined) => !!ip && /^10\.96\.\d+\.\d+$/.test(ip) && ip !== '10.96.0.0' && ip !== '10.96.255.255';

test('the kubernetes Service holds the first address; others get random free ones in the range', async () => {
  const k = await req('GET', '/api/v1/namespaces/default/services/kubernetes');
  expect(k.status).toBe(200);
  expect(specOf(k)).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, targetPort: c.api.port }] });
  const r = await create('alloc-a');
  expect(r.status).toBe(201);
  expect(inRange(specOf(r).clusterIP)).toBe(true);
  expect(specOf(r).clusterIPs).toEqual([specOf(r).clusterIP]);
  expect(specOf(await create('alloc-headless', { clusterIP: 'None' })).clusterIP).toBe('None');
});

test('a requested address is honoured once, refused when taken or out of range, and free again after a delete', async () => {
  expect(specOf(await create('req-a', { clusterIP: '10.96.0.50' })).clusterIP).toBe('10.96.0.50');
  const taken = await create('req-b', { clusterIP: '10.96.0.50' });
  expect(taken.status).toBe(422);
  expect(messageOf(taken)).toBe('Service "req-b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated');
  const outside = await create('req-c', { clusterIP: '10.0.0.1' });
  expect(outside.status).toBe(422);
  expect(messageOf(outside)).toContain('failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/16');
  expect((await req('DELETE', '/api/v1/namespaces/default/services/req-a')).status).toBe(200);
  expect(specOf(await create('req-d', { clusterIP: '10.96.0.50' })).clusterIP).toBe('10.96.0.50');
});

test('node ports: random in 30000-32767, requested ones honoured or refused, released on a type change and delete', async () => {
  const np = await create('np-a', { type: 'NodePort' });
  const port = specOf(np).ports[0].nodePort ?? 0;
  expect(port).toBeGreaterThanOrEqual(30000);
  expect(port).toBeLessThanOrEqual(32767);
  const conflict = await create('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] });
  expect(conflict.status).toBe(422);
  expect(messageOf(conflict)).toBe(`Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`);
  // A type change to ClusterIP drops and releases the node port; the address stays.
  const changed = await req('PATCH', '/api/v1/namespaces/default/services/np-a', { body: { spec: { type: 'ClusterIP' } }, contentType: 'application/merge-patch+json' });
  expect(changed.status).toBe(200);
  expect(specOf(changed).ports[0].nodePort).toBeUndefined();
  expect(specOf(changed).clusterIP).toBe(specOf(np).clusterIP);
  const reuse = await create('np-c', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] });
  expect(reuse.status).toBe(201);
  // And back to NodePort: a fresh one is taken.
  const back = await req('PATCH', '/api/v1/namespaces/default/services/np-a', { body: { spec: { type: 'NodePort' } }, contentType: 'application/merge-patch+json' });
  expect(back.status).toBe(200);
  expect(specOf(back).ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  expect(specOf(back).ports[0].nodePort).not.toBe(port);
  expect((await req('DELETE', '/api/v1/namespaces/default/services/np-c')).status).toBe(200);
  expect((await create('np-d', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: port }] })).status).toBe(201);
});

test('two apiservers on one etcd racing creates never share an address or a node port', async () => {
  const api2 = await startApiserver({ etcdServers: [c.etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(c.dir, 'pki') }, silentLogger());
  try {
    const req2 = requester({ ...c, api: api2 });
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => create(`race-${i}`, { type: 'NodePort' }, i % 2 ? req2 : req)));
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
    const ips = replies.map((r) => specOf(r).clusterIP);
    const ports = replies.map((r) => specOf(r).ports[0].nodePort);
    expect(new Set(ips).size).toBe(ips.length);
    expect(new Set(ports).size).toBe(ports.length);
  } finally {
    await api2.close();
  }
});

test('a restart repairs a lost bitmap from the stored Services', async () => {
  const held = specOf(await create('repair-a', { clusterIP: '10.96.0.77' })).clusterIP;
  expect(held).toBe('10.96.0.77');
  const etcd = createEtcdStore({ endpoints: [c.etcd.endpoint], log: silentLogger() });
  try {
    await etcd.delete('/registry/ranges/serviceips');
    const api2 = await startApiserver({ etcdServers: [c.etcd.endpoint], bind: '127.0.0.1', port: 0, pkiDir: path.join(c.dir, 'pki') }, silentLogger());
    await api2.close();
    const ips = newRangeAllocator(etcd, 'serviceips', ipRange('10.96.0.0/16'));
    await expect(ips.allocate('10.96.0.77')).rejects.toEqual(expect.any(AllocationError));
    await expect(ips.allocate('10.96.0.1')).rejects.toMatchObject({ reason: 'allocated' });
  } finally {
    await etcd.close();
  }
});

test.each([['1.32'], ['1.27']])('kubectl %s create service clusterip / nodeport', async (v) => {
  const k = kubectlRunner(c, kubectlBinary(v));
  const name = `kc-${v.replace('.', '-')}`;
  expect(await k(['create', 'service', 'clusterip', name, '--tcp=80:8080'])).toMatchObject({ code: 0, stdout: `service/${name} created\n` });
  const nodePort = v === '1.27' ? '31655' : '31555';
  expect(await k(['create', 'service', 'nodeport', `${name}-np`, '--tcp=80:8080', `--node-port=${nodePort}`])).toMatchObject({ code: 0 });
  const got = await k(['get', 'service', name, `${name}-np`, '-o', 'jsonpath={.items[*].spec.clusterIP} {.items[1].spec.ports[0].nodePort}']);
  const [ip1, ip2, port] = got.stdout.split(' ');
  expect(inRange(ip1) && inRange(ip2) && ip1 !== ip2).toBe(true);
  expect(port).toBe(nodePort);
  const dup = await k(['create', 'service', 'nodeport', `${name}-dup`, '--tcp=80:8080', `--node-port=${port}`]);
  expect(dup.code).toBe(1);
  expect(dup.stderr).toContain('provided port is already allocated');
});

describe('berth apiserver --service-cluster-ip-range / --service-node-port-range', () => {
  // The real binary (build first: `npx tsc -p tsconfig.json`), on an etcd of its own: the
  // allocation bitmaps in etcd belong to one range.
  const berthMain = path.resolve(__dirname, '../../dist/cmd/berth/main.js');
  let etcd: RunningEtcd;
  let child: ChildProcess | undefined;
  beforeAll(async () => { etcd = await startEtcd(); });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await etcd?.stop();
  });

  test('allocate from the ranges given', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [berthMain, 'apiserver', '--etcd-servers', etcd.endpoint, '--port', String(port), '--pki-dir', path.join(c.dir, 'pki'),
      '--service-cluster-ip-range', '10.100.0.0/24', '--service-node-port-range', '31000-31010'], { stdio: 'ignore' });
    const r2 = requester({ ...c, api: { ...c.api, url: `https://127.0.0.1:${port}`, port } });
    await waitFor(async () => (await r2('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 20_000, what: 'apiserver ready' });
    await waitFor(async () => (await r2('GET', '/api/v1/namespaces/default/services/kubernetes')).status === 200, { timeoutMs: 10_000, what: 'the kubernetes Service' });
    expect(specOf(await r2('GET', '/api/v1/namespaces/default/services/kubernetes')).clusterIP).toBe('10.100.0.1');
    const np = await create('ranged', { type: 'NodePort' }, r2);
    expect(np.status).toBe(201);
    expect(specOf(np).clusterIP).toMatch(/^10\.100\.0\.\d+$/);
    expect(specOf(np).ports[0].nodePort).toBeGreaterThanOrEqual(31000);
    expect(specOf(np).ports[0].nodePort).toBeLessThanOrEqual(31010);
    const outside = await create('outside', { clusterIP: '10.96.0.9' }, r2);
    expect(outside.status).toBe(422);
    expect(messageOf(outside)).toContain('The range of valid IPs is 10.100.0.0/24');
  });

  test('a malformed range stops the apiserver with the reason', async () => {
    const out = spawnSync(process.execPath, [berthMain, 'apiserver', '--etcd-servers', etcd.endpoint, '--port', '0', '--pki-dir', path.join(c.dir, 'pki'),
      '--service-cluster-ip-range', '10.100.0.0/33'], { encoding: 'utf8', timeout: 20_000 });
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('invalid service CIDR 10.100.0.0/33');
  });
});
