// NodeMetrics and PodMetrics (metrics.k8s.io/v1beta1) from the stored nodes and pods and the
// agents' scrapes: only Ready nodes are asked; a node that fails to answer is left out (logged),
// as metrics-server leaves out what it could not scrape.
import type { Node, Pod } from '../../../api/core/v1';
import { notFound, parseFieldSelector, parseLabelSelector } from '../../apimachinery';
import type { Logger } from '../../log';
import { objectKey, resourcePrefix, type Store } from '../../storage';
import { metricsGroup, metricsGroupVersion } from './discovery';
import { goDuration, metaTime } from './format';
import type { NodeScraper, ScrapePair } from './scraper';
import { nodeUsage, podUsages, type PodUsage } from './usage';

export interface MetricsDeps { store: Store; scraper: NodeScraper; log: Logger; now(): number }

export interface Selection { labelSelector?: string; fieldSelector?: string }

const isReady = (n: Node): boolean => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const list = async <T>(store: Store, prefix: string): Promise<T[]> => (await store.list(prefix, { resourceVersion: '0' })).items as T[];

const scrapeAll = async (d: MetricsDeps, nodes: Node[]): Promise<Map<string, ScrapePair>> => {
  const out = new Map<string, ScrapePair>();
  await Promise.all(nodes.filter(isReady).map(async (n) => {
    const name = n.metadata?.name ?? '';
    try {
      out.set(name, await d.scraper.scrapes(n));
    } catch (err) {
      d.log.warn('failed to scrape node', { node: name, err: err instanceof Error ? err.message : String(err) });
    }
  }));
  return out;
};

const nodeMetrics = (d: MetricsDeps, node: Node, pair: ScrapePair | undefined) => {
  const u = pair && nodeUsage(pair.prev, pair.cur);
  if (!u) return undefined;
  return {
    metadata: { name: node.metadata?.name ?? '', creationTimestamp: metaTime(d.now()), ...(node.metadata?.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: metaTime(u.timestamp), window: goDuration(u.windowMs), usage: u.usage,
  };
};

const podMetrics = (d: MetricsDeps, pod: Pod, u: PodUsage) => ({
  metadata: {
    name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', creationTimestamp: metaTime(d.now()),
    ...(pod.metadata?.labels ? { labels: pod.metadata.labels } : {}),
  },
  timestamp: metaTime(u.timestamp), window: goDuration(u.windowMs), containers: u.containers,
});

const typed = <T extends object>(kind: string, obj: T) => ({ kind, apiVersion: metricsGroupVersion, ...obj });

export const listNodeMetrics = async (d: MetricsDeps, sel: Selection) => {
  const selector = parseLabelSelector(sel.labelSelector ?? '');
  const all = await list<Node>(d.store, resourcePrefix('nodes'));
  d.scraper.retain(new Set(all.map((n) => n.metadata?.name ?? ''))); // forget only nodes that are gone, not those filtered out
  const nodes = all.filter((n) => selector.matches(n.metadata?.labels));
  const scrapes = await scrapeAll(d, nodes);
  const items = nodes.flatMap((n) => nodeMetrics(d, n, scrapes.get(n.metadata?.name ?? '')) ?? []);
  return { kind: 'NodeMetricsList', apiVersion: metricsGroupVersion, metadata: {}, items };
};

export const getNodeMetrics = async (d: MetricsDeps, name: string) => {
  const node = (await d.store.get(objectKey('nodes', undefined, name))) as Node;
  const m = nodeMetrics(d, node, (await scrapeAll(d, [node])).get(name));
  if (!m) throw notFound({ group: metricsGroup, resource: 'nodemetrics' }, name);
  return typed('NodeMetrics', m);
};

const podFields = (p: Pod): Record<string, string> => ({
  'metadata.name': p.metadata?.name ?? '', 'metadata.namespace': p.metadata?.namespace ?? '',
  'spec.nodeName': p.spec?.nodeName ?? '', 'status.phase': p.status?.phase ?? '',
});

/** Usage of `pods`, by `namespace/name`, from the nodes they run on. */
const usagesOf = async (d: MetricsDeps, pods: Pod[]): Promise<Map<string, PodUsage>> => {
  const names = [...new Set(pods.flatMap((p) => p.spec?.nodeName ?? []))];
  const nodes = (await Promise.all(names.map((n) => d.store.get(objectKey('nodes', undefined, n)).then((o) => o as Node, () => undefined))))
    .flatMap((n) => n ?? []);
  const out = new Map<string, PodUsage>();
  for (const pair of (await scrapeAll(d, nodes)).values()) for (const [k, u] of podUsages(pair.prev, pair.cur)) out.set(k, u);
  return out;
};

const podKey = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

export const listPodMetrics = async (d: MetricsDeps, namespace: string, sel: Selection) => {
  const labels = parseLabelSelector(sel.labelSelector ?? '');
  const fields = parseFieldSelector(sel.fieldSelector ?? '');
  const pods = (await list<Pod>(d.store, resourcePrefix('pods', namespace || undefined)))
    .filter((p) => labels.matches(p.metadata?.labels) && fields.matches(podFields(p)));
  const usages = await usagesOf(d, pods);
  const items = pods.sort((a, b) => podKey(a).localeCompare(podKey(b))).flatMap((p) => {
    const u = usages.get(podKey(p));
    return u ? [podMetrics(d, p, u)] : [];
  });
  return { kind: 'PodMetricsList', apiVersion: metricsGroupVersion, metadata: {}, items };
};

export const getPodMetrics = async (d: MetricsDeps, namespace: string, name: string) => {
  const pod = (await d.store.get(objectKey('pods', namespace, name))) as Pod;
  const u = (await usagesOf(d, [pod])).get(podKey(pod));
  if (!u) throw notFound({ group: metricsGroup, resource: 'podmetrics' }, `${namespace}/${name}`);
  return typed('PodMetrics', podMetrics(d, pod, u));
};
