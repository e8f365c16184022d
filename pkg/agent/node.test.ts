import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { probeRuntime, syncNodeStatus, type ApiNode, type NodeDeps, type NodeSystemInfo } from './node';

const nodesInfo = findResource('', 'v1', 'nodes');
if (!nodesInfo) throw new Error('nodes resource missing');

const info: NodeSystemInfo = {
  machineID: 'm1', systemUUID: 's1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
  operatingSystem: 'linux', architecture: 'amd64', cpus: 2, memoryBytes: 4 * 1024 ** 3,
};
const opts = { nodeName: 'n1', nodeIP: '127.0.0.1', port: 10250 };

const setup = () => {
  const clock = new FakeClock();
  const nodes = new FakeResourceClient<ApiNode>(nodesInfo);
  const runtime = new FakeRuntime(clock);
  const deps: NodeDeps = { nodes, runtime, clock, log: silentLogger(), info };
  return { clock, nodes, runtime, deps };
};

test('registers the node with capacity, addresses, info, labels and Ready', async () => {
  const t = setup();
  const st = await probeRuntime(t.runtime, { runtimeVersion: 'unknown' });
  const n = await syncNodeStatus(opts, t.deps, st);
  expect(t.nodes.calls).toEqual(['get n1', 'create n1', 'updateStatus n1']);
  expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
  expect(n.status?.capacity).toEqual({ cpu: '2', memory: '4194304Ki', pods: '110' });
  expect(n.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'n1' }]);
  expect(n.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
  expect(n.status?.nodeInfo).toMatchObject({ containerRuntimeVersion: 'berth://0.1.0', kubeletVersion: 'v1.33.0-berth', machineID: 'm1' });
  expect(n.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'], ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID'], ['Ready', 'True', 'KubeletReady'],
  ]);
});

test('heartbeat moves lastHeartbeatTime only; a runtime outage flips Ready with a new transition time', async () => {
  const t = setup();
  let st = await probeRuntime(t.runtime, { runtimeVersion: 'unknown' });
  const first = await syncNodeStatus(opts, t.deps, st);
  t.clock.step(10_000);
  const second = await syncNodeStatus(opts, t.deps, st);
  const ready = (n: ApiNode) => n.status?.conditions?.find((c) => c.type === 'Ready');
  expect(ready(second)?.lastHeartbeatTime).toBe('2025-01-01T00:00:10Z');
  expect(ready(second)?.lastTransitionTime).toBe(ready(first)?.lastTransitionTime);
  t.runtime.down = true;
  st = await probeRuntime(t.runtime, st);
  t.clock.step(10_000);
  const third = await syncNodeStatus(opts, t.deps, st);
  expect(ready(third)).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down: connect ECONNREFUSED', lastTransitionTime: '2025-01-01T00:00:20Z' });
});
