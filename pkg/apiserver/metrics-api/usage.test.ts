import { parseLabels, parseResourceMetrics } from './parse';
import { nodeUsage, podUsages, usageBetween } from './usage';

const scrape = (t: number, nodeCpu: number, containers: [string, string, number, number, number?][]): string => [
  '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
  '# TYPE container_cpu_usage_seconds_total counter',
  ...containers.map(([pod, c, cpu]) => `container_cpu_usage_seconds_total{container="${c}",namespace="default",pod="${pod}"} ${cpu} ${t}`),
  ...containers.map(([pod, c, , mem]) => `container_memory_working_set_bytes{container="${c}",namespace="default",pod="${pod}"} ${mem} ${t}`),
  ...containers.flatMap(([pod, c, , , start]) => (start === undefined ? [] : [`container_start_time_seconds{container="${c}",namespace="default",pod="${pod}"} ${start}`])),
  `node_cpu_usage_seconds_total ${nodeCpu} ${t}`,
  `node_memory_working_set_bytes 2.147483648e+09 ${t}`,
  'resource_scrape_error 0',
].join('\n');

describe('resource metrics parsing', () => {
  it('reads node and container points with their timestamps', () => {
    const s = parseResourceMetrics(scrape(5000, 12.5, [['web', 'app', 1.5, 4096, 3]]), 1);
    expect(s.node).toEqual({ timestamp: 5000, cpuSeconds: 12.5, memoryBytes: 2 ** 31 });
    expect(s.containers.get('default/web/app')).toEqual({ namespace: 'default', pod: 'web', container: 'app', timestamp: 5000, cpuSeconds: 1.5, memoryBytes: 4096, startTime: 3000 });
  });

  it('unescapes label values', () => expect(parseLabels('a="x\\"y",b="p\\\\q"')).toEqual({ a: 'x"y', b: 'p\\q' }));

  it('stamps samples without a timestamp with the scrape time', () => {
    expect(parseResourceMetrics('node_cpu_usage_seconds_total 3\nnode_memory_working_set_bytes 10\n', 777).node).toEqual({ timestamp: 777, cpuSeconds: 3, memoryBytes: 10 });
  });
});

describe('usage from two scrapes', () => {
  const prev = parseResourceMetrics(scrape(10_000, 100, [['web', 'app', 1, 1024, 1], ['web', 'side', 0, 2048, 1]]), 0);

  it('gives CPU as the rate over the window and memory as the last working set', () => {
    const cur = parseResourceMetrics(scrape(12_000, 101, [['web', 'app', 1.5, 4096, 1], ['web', 'side', 0.002, 2048, 1]]), 0);
    expect(nodeUsage(prev, cur)).toEqual({ timestamp: 12_000, windowMs: 2000, usage: { cpu: '500m', memory: '2Gi' } });
    expect(podUsages(prev, cur).get('default/web')).toEqual({
      timestamp: 12_000, windowMs: 2000,
      containers: [{ name: 'app', usage: { cpu: '250m', memory: '4Ki' } }, { name: 'side', usage: { cpu: '1m', memory: '2Ki' } }],
    });
  });

  it('counts a container started since the last scrape from its start', () => {
    const cur = parseResourceMetrics(scrape(12_000, 101, [['new', 'app', 0.5, 1024, 11]]), 0);
    expect(podUsages(prev, cur).get('default/new')?.containers).toEqual([{ name: 'app', usage: { cpu: '500m', memory: '1Ki' } }]);
  });

  it('leaves out a pod one of whose containers has no rate yet', () => {
    // extra was not in the last scrape and its start time is unknown: no baseline for a rate.
    const cur = parseResourceMetrics(scrape(12_000, 101, [['web', 'app', 1.5, 4096, 1], ['web', 'extra', 0.1, 2048]]), 0);
    expect(podUsages(prev, cur).has('default/web')).toBe(false);
  });

  it('counts a restarted container (new start time) from its start', () => {
    const cur = parseResourceMetrics(scrape(12_000, 101, [['web', 'app', 0.25, 4096, 11.5], ['web', 'side', 0.002, 2048, 1]]), 0);
    expect(podUsages(prev, cur).get('default/web')?.containers[0]).toEqual({ name: 'app', usage: { cpu: '500m', memory: '4Ki' } });
  });

  it('has no node usage without an earlier scrape or after the counter went back', () => {
    const cur = parseResourceMetrics(scrape(12_000, 99, []), 0);
    expect(nodeUsage(undefined, cur)).toBeUndefined();
    expect(nodeUsage(prev, cur)).toBeUndefined();
    expect(usageBetween(prev.node, { timestamp: 12_000, cpuSeconds: 101 })).toBeUndefined();
  });
});
