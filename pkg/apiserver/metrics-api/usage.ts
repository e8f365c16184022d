// From two scrapes of a node to usage (metrics-server's storage): CPU as the rate of the cumulative
// counter over the window between the two readings, memory as the latest working set. A container
// that started after the earlier scrape counts from its start with zero CPU (so a new pod shows at
// once); one whose counter went backwards has no usage until the next scrape.
import { containerKey, type ContainerPoint, type MetricsPoint, type NodeScrape } from './parse';
import { cpuQuantity, memoryQuantity } from './format';

export interface ResourceUsage { cpu: string; memory: string }
export interface Usage { timestamp: number; windowMs: number; usage: ResourceUsage }
export interface PodUsage { timestamp: number; windowMs: number; containers: { name: string; usage: ResourceUsage }[] }

/** The earlier reading a rate is taken against, or undefined when there is none that fits. */
const baseline = (prev: MetricsPoint | undefined, cur: MetricsPoint): MetricsPoint | undefined => {
  const restarted = cur.startTime !== undefined && prev?.startTime !== undefined && cur.startTime !== prev.startTime;
  if (prev?.cpuSeconds !== undefined && !restarted && prev.timestamp < cur.timestamp && prev.cpuSeconds <= (cur.cpuSeconds ?? 0)) return prev;
  const startedSince = cur.startTime !== undefined && cur.startTime < cur.timestamp && (!prev || restarted || cur.startTime > prev.timestamp);
  return startedSince ? { timestamp: cur.startTime ?? 0, cpuSeconds: 0 } : undefined;
};

/** Usage between two readings of one thing; undefined when either value is missing. */
export const usageBetween = (prev: MetricsPoint | undefined, cur: MetricsPoint): Usage | undefined => {
  if (cur.cpuSeconds === undefined || cur.memoryBytes === undefined) return undefined;
  const base = baseline(prev, cur);
  if (!base || base.cpuSeconds === undefined) return undefined;
  const windowMs = cur.timestamp - base.timestamp;
  const nanocores = ((cur.cpuSeconds - base.cpuSeconds) * 1e9) / (windowMs / 1000);
  return { timestamp: cur.timestamp, windowMs, usage: { cpu: cpuQuantity(nanocores), memory: memoryQuantity(cur.memoryBytes) } };
};

export const nodeUsage = (prev: NodeScrape | undefined, cur: NodeScrape): Usage | undefined => usageBetween(prev?.node, cur.node);

/** Usage per pod (`namespace/name`), only for pods whose every scraped container has one. */
export const podUsages = (prev: NodeScrape | undefined, cur: NodeScrape): Map<string, PodUsage> => {
  const byPod = new Map<string, ContainerPoint[]>();
  for (const c of cur.containers.values()) {
    const key = `${c.namespace}/${c.pod}`;
    byPod.set(key, [...(byPod.get(key) ?? []), c]);
  }
  const out = new Map<string, PodUsage>();
  for (const [key, points] of byPod) {
    const usages = points.map((p) => ({ p, u: usageBetween(prev?.containers.get(containerKey(p.namespace, p.pod, p.container)), p) }));
    if (usages.some((x) => !x.u)) continue;
    const sorted = usages.sort((a, b) => a.p.container.localeCompare(b.p.container));
    out.set(key, {
      timestamp: Math.max(...sorted.map((x) => x.u?.timestamp ?? 0)),
      windowMs: Math.max(...sorted.map((x) => x.u?.windowMs ?? 0)),
      containers: sorted.map((x) => ({ name: x.p.container, usage: x.u?.usage ?? { cpu: '0', memory: '0' } })),
    });
  }
  return out;
};
