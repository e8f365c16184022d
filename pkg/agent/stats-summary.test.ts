import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContainerStats } from '../runtime';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeRuntime } from './fake-runtime';
import { handle } from './server';
import { containerSample, StatsCollector, type StatsSample } from './stats-collector';
import { newStatsProvider } from './stats-http';
import { renderResourceMetrics } from './stats-resource-metrics';
import { buildSummary, metaTime } from './stats-summary';

const node = (usageCoreNanoSeconds: number, time = 0) => ({
  time,
  cpu: { usageCoreNanoSeconds, bootTime: 1_700_000_000 },
  memory: { capacityBytes: 4096, usageBytes: 3000, workingSetBytes: 2048, availableBytes: 2048 },
});

const stats = (id: string, pod: string, container: string, cpu: number, t: number, rate?: number): ContainerStats => ({
  attributes: {
    id, metadata: { name: container, attempt: 0 }, annotations: {},
    labels: { 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': `uid-${pod}`, 'io.kubernetes.container.name': container },
  },
  cpu: { timestamp: t, usageCoreNanoSeconds: { value: cpu }, usageNanoCores: rate === undefined ? null : { value: rate } },
  memory: { timestamp: t, workingSetBytes: { value: 1024 * 1024 }, usageBytes: { value: 2 * 1024 * 1024 } },
});

const sample = (t: number, nodeCpu: number, cs: ContainerStats[]): StatsSample => ({
  time: t, node: node(nodeCpu, t), containers: cs.map((c) => containerSample(c, 1e18, t)!),
});

describe('stats: Summary API', () => {
  const t0 = 1_800_000_000e9;

  it('computes usageNanoCores from two samples when the runtime gives none, and sums pods', () => {
    const prev = sample(t0, 10e9, [stats('a', 'web', 'app', 1e9, t0), stats('b', 'web', 'side', 0, t0)]);
    const cur = sample(t0 + 2e9, 12e9, [stats('a', 'web', 'app', 1.5e9, t0 + 2e9), stats('b', 'web', 'side', 0.1e9, t0 + 2e9)]);
    const s = buildSummary('n1', cur, prev, () => undefined);
    expect(s.node).toMatchObject({ nodeName: 'n1', startTime: '2023-11-14T22:13:20Z', cpu: { usageNanoCores: 1e9, usageCoreNanoSeconds: 12e9 }, memory: { workingSetBytes: 2048 } });
    expect(s.pods).toHaveLength(1);
    const [pod] = s.pods;
    expect(pod.podRef).toEqual({ name: 'web', namespace: 'default', uid: 'uid-web' });
    expect(pod.containers.map((c) => [c.name, c.cpu?.usageNanoCores])).toEqual([['app', 250_000_000], ['side', 50_000_000]]);
    expect(pod.cpu).toMatchObject({ usageNanoCores: 300_000_000, usageCoreNanoSeconds: 1.6e9 });
    expect(pod.memory).toMatchObject({ workingSetBytes: 2 * 1024 * 1024 });
  });

  it("prefers the runtime's own rate, and gives none on a first sample", () => {
    const first = buildSummary('n1', sample(t0, 1, [stats('a', 'web', 'app', 1e9, t0)]), undefined, () => '2024-01-01T00:00:00Z');
    expect(first.pods[0].containers[0].cpu?.usageNanoCores).toBeUndefined();
    expect(first.pods[0].cpu?.usageNanoCores).toBeUndefined();
    expect(first.pods[0].startTime).toBe('2024-01-01T00:00:00Z');
    expect(first.node.cpu?.usageNanoCores).toBeUndefined();
    const withRate = buildSummary('n1', sample(t0, 1, [stats('a', 'web', 'app', 1e9, t0, 42)]), undefined, () => undefined);
    expect(withRate.pods[0].containers[0].cpu?.usageNanoCores).toBe(42);
  });

  it('formats times as metav1.Time (seconds)', () => {
    expect(metaTime(1_700_000_000e9 + 999e6)).toBe('2023-11-14T22:13:20Z');
  });

  it('ignores containers that are not a pod’s', () => {
    const s = stats('x', 'p', 'c', 1, t0);
    s.attributes.labels = {};
    expect(containerSample(s, 0, t0)).toBeUndefined();
  });
});

describe('stats: /metrics/resource', () => {
  it('renders cumulative CPU seconds and working sets with millisecond timestamps', () => {
    const t = 1_800_000_000_000e6;
    const text = renderResourceMetrics(sample(t, 12e9, [stats('a', 'web', 'app', 1.5e9, t), stats('b', 'web', 'side', 0.5e9, t)]));
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter\n');
    expect(text).toContain('container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 1.5 1800000000000\n');
    expect(text).toContain('container_memory_working_set_bytes{container="side",namespace="default",pod="web"} 1048576 1800000000000\n');
    expect(text).toContain('container_start_time_seconds{container="app",namespace="default",pod="web"} 1000000000\n');
    expect(text).toContain('pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 1800000000000\n');
    expect(text).toContain('\nnode_cpu_usage_seconds_total 12 1800000000000\n');
    expect(text.endsWith('resource_scrape_error 0\n')).toBe(true);
  });
});

describe('stats: agent endpoints', () => {
  it('serves /stats/summary from the runtime through the collector', async () => {
    const rt = new FakeRuntime(new FakeClock());
    let n = 0;
    const provider = newStatsProvider({
      runtime: rt, nodeName: 'n1', getPod: () => undefined, readNode: async () => { n++; return node(n * 1e9, 1_800_000_000e9 + n * 1e9); }, now: () => 1_800_000_000e9 + n * 1e9,
      stats: { listContainerStats: async () => [] },
    });
    const server = http.createServer(handle({ runtime: rt, getPod: () => undefined, podLogDir: '/nonexistent', log: silentLogger(), stats: provider }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const get = (p: string) => fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`);
      const first = await get('/stats/summary');
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ node: { nodeName: 'n1', memory: { workingSetBytes: 2048 } }, pods: [] });
      const second = await (await get('/stats/summary')).json() as { node: { cpu: { usageNanoCores: number } } };
      expect(second.node.cpu.usageNanoCores).toBe(1e9);
      const metrics = await get('/metrics/resource');
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
      expect(await metrics.text()).toContain('node_memory_working_set_bytes 2048 ');
    } finally {
      server.close();
    }
  });

  it('keeps the last reading for the next rate', async () => {
    const c = new StatsCollector({ runtime: new FakeRuntime(new FakeClock()), stats: { listContainerStats: async () => [] }, readNode: async () => node(1), now: () => 5 });
    expect((await c.sample()).prev).toBeUndefined();
    expect((await c.sample()).prev?.time).toBe(5);
  });
});
