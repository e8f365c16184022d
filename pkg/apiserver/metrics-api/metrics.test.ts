import type { Node, Pod } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { silentLogger } from '../../log';
import { createFakeStore, objectKey } from '../../storage';
import { getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics, type MetricsDeps } from './metrics';
import { NodeScraper } from './scraper';

const node = (name: string, ready: boolean, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
});
const pod = (ns: string, name: string, nodeName: string, labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] },
});

/** An agent whose counters grow by `cores` per second of the fake clock. */
const text = (t: number, containers: [string, string][]): string => [
  ...containers.map(([ns, p]) => `container_cpu_usage_seconds_total{container="c",namespace="${ns}",pod="${p}"} ${(t / 1000) * 0.25} ${t}`),
  ...containers.map(([ns, p]) => `container_memory_working_set_bytes{container="c",namespace="${ns}",pod="${p}"} 1048576 ${t}`),
  `node_cpu_usage_seconds_total ${(t / 1000) * 1.5} ${t}`,
  `node_memory_working_set_bytes 1073741824 ${t}`,
].join('\n');

const setup = async () => {
  const store = createFakeStore();
  let now = 1_800_000_000_000;
  const fetched: string[] = [];
  const agents: Record<string, [string, string][]> = { a: [['default', 'web'], ['kube-system', 'dns']], b: [['default', 'db']] };
  const scraper = new NodeScraper({
    now: () => now,
    // Concurrent sleeps begun at the same time end at the same time, as on a real clock.
    sleep: async (ms) => { const until = now + ms; await Promise.resolve(); now = Math.max(now, until); },
    fetch: async (n) => {
      const name = n.metadata?.name ?? '';
      fetched.push(name);
      if (name === 'broken') throw new Error('connection refused');
      return text(now, agents[name] ?? []);
    },
  });
  for (const n of [node('a', true, { zone: 'x' }), node('b', true), node('down', false), node('broken', true)]) await store.create(objectKey('nodes', undefined, n.metadata?.name ?? ''), n as ApiObject);
  for (const p of [pod('default', 'web', 'a', { app: 'web' }), pod('kube-system', 'dns', 'a'), pod('default', 'db', 'b'), pod('default', 'pending', '')]) {
    await store.create(objectKey('pods', p.metadata?.namespace, p.metadata?.name ?? ''), p as ApiObject);
  }
  const d: MetricsDeps = { store, scraper, log: silentLogger(), now: () => now };
  return { d, fetched, advance: (ms: number) => { now += ms; } };
};

describe('metrics.k8s.io NodeMetrics and PodMetrics', () => {
  it('lists the Ready nodes that answered, with CPU as a rate over the cold two-scrape window', async () => {
    const { d } = await setup();
    const list = await listNodeMetrics(d, {});
    expect(list).toMatchObject({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {} });
    expect(list.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
    expect(list.items[0]).toMatchObject({ metadata: { name: 'a', labels: { zone: 'x' } }, window: '1s', usage: { cpu: '1500m', memory: '1Gi' } });
  });

  it('filters nodes by label and serves one by name', async () => {
    const { d } = await setup();
    expect((await listNodeMetrics(d, { labelSelector: 'zone=x' })).items.map((i) => i.metadata.name)).toEqual(['a']);
    expect(await getNodeMetrics(d, 'b')).toMatchObject({ kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', metadata: { name: 'b' } });
    await expect(getNodeMetrics(d, 'down')).rejects.toMatchObject({ status: { code: 404, message: 'nodemetrics.metrics.k8s.io "down" not found' } });
    await expect(getNodeMetrics(d, 'missing')).rejects.toMatchObject({ status: { reason: 'NotFound', message: 'nodes "missing" not found' } });
  });

  it('lists pods per namespace or in all, by label, sorted, and gets one', async () => {
    const { d } = await setup();
    const all = await listPodMetrics(d, '', {});
    expect(all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/db', 'default/web', 'kube-system/dns']);
    expect(all.items[1]).toMatchObject({ metadata: { labels: { app: 'web' } }, window: '1s', containers: [{ name: 'c', usage: { cpu: '250m', memory: '1Mi' } }] });
    expect((await listPodMetrics(d, 'default', { labelSelector: 'app=web' })).items.map((i) => i.metadata.name)).toEqual(['web']);
    expect((await listPodMetrics(d, 'default', { fieldSelector: 'spec.nodeName=b' })).items.map((i) => i.metadata.name)).toEqual(['db']);
    expect(await getPodMetrics(d, 'kube-system', 'dns')).toMatchObject({ kind: 'PodMetrics', metadata: { namespace: 'kube-system', name: 'dns' } });
    await expect(getPodMetrics(d, 'default', 'pending')).rejects.toMatchObject({ status: { message: 'podmetrics.metrics.k8s.io "default/pending" not found' } });
  });

  it('scrapes a node once per resolution, then takes the rate against the last scrape', async () => {
    const { d, fetched, advance } = await setup();
    await Promise.all([listNodeMetrics(d, {}), listNodeMetrics(d, {})]);
    expect(fetched.filter((n) => n === 'a')).toHaveLength(2); // the cold pair, shared by both requests
    advance(5000);
    await getNodeMetrics(d, 'a');
    expect(fetched.filter((n) => n === 'a')).toHaveLength(2);
    advance(10_000);
    const warm = await getNodeMetrics(d, 'a');
    expect(fetched.filter((n) => n === 'a')).toHaveLength(3);
    expect(warm.window).toBe('15s');
  });

  it('a label-filtered list keeps the other nodes warm', async () => {
    const { d, fetched, advance } = await setup();
    await listNodeMetrics(d, {});
    advance(15_000);
    await listNodeMetrics(d, { labelSelector: 'zone=x' });
    advance(1000);
    await getNodeMetrics(d, 'b');
    expect(fetched.filter((n) => n === 'b')).toHaveLength(3); // cold pair, then one warm scrape
  });
});
