// The node Lease and the status report frequency it allows: Lease renewals every 10 s with
// back-off on failure, and node status writes only on change or every 5 minutes.
import type { ApiLease } from '../../api/coordination/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { serviceUnavailable } from '../apimachinery/errors';
import { createLogger, silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { desiredNodeLease, leasesInfo, renewNodeLease, runNodeLeaseLoop } from './node-lease';
import { reportNodeStatus, runNodeStatusLoop, nodeStatusChanged, nodeStatus, type ApiNode, type NodeDeps, type NodeSystemInfo } from './node';

const nodesInfo = findResource('', 'v1', 'nodes') as ResourceInfo;
const info: NodeSystemInfo = {
  machineID: 'm1', systemUUID: 's1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian', operatingSystem: 'linux',
  architecture: 'amd64', cpus: 2, memoryBytes: 4 * 1024 ** 3,
};
const opts = { nodeName: 'n1', nodeIP: '127.0.0.1', port: 10250 };
const flush = async () => { for (let i = 0; i < 50; i++) await Promise.resolve(); };

/** A lease client whose next writes can be made to fail. */
class FlakyLeases extends FakeResourceClient<ApiLease> {
  failures = 0;
  override async update(ns: string, obj: ApiLease): Promise<ApiLease> {
    if (this.failures > 0) { this.failures--; this.calls.push('update failed'); throw serviceUnavailable('etcd is down'); }
    return super.update(ns, obj);
  }
}

const setup = () => {
  const clock = new FakeClock();
  const leases = new FlakyLeases(leasesInfo());
  const nodes = new FakeResourceClient<ApiNode>(nodesInfo);
  const runtime = new FakeRuntime(clock);
  const lines: string[] = [];
  const log = createLogger('t', { write: (l) => lines.push(l) });
  return { clock, leases, nodes, runtime, lines, log, deps: { nodes, runtime, clock, log, info, leases } satisfies NodeDeps };
};

test('the Lease is the kubelet\'s: kube-node-lease/<node>, holder, 40 s, MicroTime renewTime, owned by the Node', () => {
  expect(desiredNodeLease('n1', 'uid-1', Date.UTC(2025, 0, 1, 0, 0, 10, 5))).toEqual({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-1' }] },
    spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:10.005000Z' },
  });
  expect(desiredNodeLease('n1', undefined, 0).metadata.ownerReferences).toBeUndefined();
});

test('renewal: create when missing, then one PUT over the last Lease; a conflict re-reads', async () => {
  const t = setup();
  const d = { leases: t.leases, clock: t.clock, log: silentLogger() };
  const first = await renewNodeLease('n1', 'uid-1', d);
  expect(t.leases.calls).toEqual(['get kube-node-lease/n1', 'create kube-node-lease/n1']);
  t.clock.step(10_000);
  const second = await renewNodeLease('n1', 'uid-1', d, first);
  expect(t.leases.calls.slice(2)).toEqual(['update kube-node-lease/n1']);
  expect(second.spec?.renewTime).toBe('2025-01-01T00:00:10.000000Z');
  t.clock.step(10_000);
  await renewNodeLease('n1', 'uid-1', d, first);                  // stale: conflict → get → update
  expect(t.leases.calls.slice(3)).toEqual(['update kube-node-lease/n1', 'get kube-node-lease/n1', 'update kube-node-lease/n1']);
});

test('the loop renews every 10 s and backs off 100 ms → 7 s while the apiserver fails', async () => {
  const t = setup();
  const ac = new AbortController();
  const loop = runNodeLeaseLoop('n1', { leases: t.leases, clock: t.clock, log: t.log }, ac.signal, () => 'uid-1');
  await flush();
  expect(t.leases.calls).toEqual(['get kube-node-lease/n1', 'create kube-node-lease/n1']);
  t.clock.step(10_000);
  await flush();
  expect(t.leases.calls.filter((c) => c === 'update kube-node-lease/n1')).toHaveLength(1);
  t.leases.failures = 100;
  const renewTimes: number[] = [];
  t.clock.step(10_000);                               // fails; then retries at growing intervals
  await flush();
  for (const ms of [100, 200, 400, 800, 1600, 3200, 6400, 7000, 7000]) {
    const before = t.leases.calls.length;
    t.clock.step(ms - 1);
    await flush();
    expect(t.leases.calls.length).toBe(before);
    t.clock.step(1);
    await flush();
    expect(t.leases.calls.length).toBeGreaterThan(before);
    renewTimes.push(ms);
  }
  expect(t.lines.filter((l) => l.includes('failed to renew node lease'))).toHaveLength(1); // logged once, not per retry
  t.leases.failures = 0;
  t.clock.step(7000);
  await flush();
  expect(t.lines.some((l) => l.includes('node lease renewed again'))).toBe(true);
  expect((await t.leases.get('kube-node-lease', 'n1')).spec?.renewTime).toBe(new Date(t.clock.now()).toISOString().replace('Z', '000Z'));
  ac.abort();
  await loop;
});

test('status changes are compared without heartbeat times', () => {
  const st = { runtimeVersion: '0.1.0' };
  const a = nodeStatus(opts, info, st, 0);
  expect(nodeStatusChanged(a, nodeStatus(opts, info, st, 60_000, a))).toBe(false);
  expect(nodeStatusChanged(a, nodeStatus(opts, info, { ...st, runtimeError: 'down' }, 60_000, a))).toBe(true);
  expect(nodeStatusChanged(a, nodeStatus({ ...opts, nodeIP: '10.0.0.1' }, info, st, 60_000, a))).toBe(true);
  expect(nodeStatusChanged(undefined, a)).toBe(true);
  // The server's own additions (key order, fields we do not report) do not count as changes.
  const reordered = Object.fromEntries(Object.entries(a).reverse().map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v]));
  expect(nodeStatusChanged({ phase: 'Running', ...reordered }, nodeStatus(opts, info, st, 1, a))).toBe(false);
});

test.each([
  { name: 'unchanged within 5 minutes: not written', after: 60_000, st: {}, want: false },
  { name: 'unchanged after 5 minutes: written', after: 300_000, st: {}, want: true },
  { name: 'Ready flips: written at once', after: 10_000, st: { runtimeError: 'connection refused' }, want: true },
])('$name', async ({ after, st, want }) => {
  const t = setup();
  const ready = { runtimeVersion: '0.1.0' };
  const first = await reportNodeStatus(opts, t.deps, ready, -Infinity);
  expect(first.reported).toBe(true);
  t.clock.step(after);
  const next = await reportNodeStatus(opts, t.deps, { ...ready, ...st }, t.clock.now() - after);
  expect(next.reported).toBe(want);
  const stored = (await t.nodes.get('', 'n1')).status?.conditions?.find((c) => c.type === 'Ready');
  expect(stored?.status).toBe('runtimeError' in st ? 'False' : 'True');
});

test('runNodeStatusLoop: registers, starts the Lease owned by the Node, and writes status only on change', async () => {
  const t = setup();
  t.nodes.seed('', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'node-uid' }, spec: {} });
  const ac = new AbortController();
  const states: boolean[] = [];
  const loop = runNodeStatusLoop(opts, t.deps, ac.signal, (s) => states.push(s.runtimeError === undefined));
  await flush();
  const statusWrites = () => t.nodes.calls.filter((c) => c.startsWith('updateStatus')).length;
  expect(statusWrites()).toBe(1);
  expect((await t.leases.get('kube-node-lease', 'n1')).metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid' }]);
  for (let i = 0; i < 6; i++) { t.clock.step(10_000); await flush(); }
  expect(statusWrites()).toBe(1);                                   // a minute, nothing changed
  expect(t.leases.calls.filter((c) => c.startsWith('update')).length).toBe(6);
  t.runtime.down = true;
  t.clock.step(10_000);
  await flush();
  expect(statusWrites()).toBe(2);                                   // NotReady reported at once
  expect((await t.nodes.get('', 'n1')).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  ac.abort();
  await loop;
  expect(states.slice(-1)).toEqual([false]);
});

test('without a Lease client the status is written every 10 s, as before', async () => {
  const t = setup();
  const ac = new AbortController();
  const loop = runNodeStatusLoop(opts, { ...t.deps, leases: undefined }, ac.signal);
  await flush();
  for (let i = 0; i < 3; i++) { t.clock.step(10_000); await flush(); }
  expect(t.nodes.calls.filter((c) => c.startsWith('updateStatus'))).toHaveLength(4);
  expect(t.lines.some((l) => l.includes('no node lease client'))).toBe(true);
  ac.abort();
  await loop;
});
