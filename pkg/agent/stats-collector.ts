// One reading of the node's and its running containers' usage: the runtime's ListContainerStats
// (over CRI) joined with the containers' pod labels and start times, plus the node from /proc.
// The Summary API (stats-summary.ts) and the resource metrics (stats-resource-metrics.ts) both
// render it; the collector keeps the previous reading so that the Summary can give CPU as a rate.
import type { ContainerStats } from '../runtime';
import { labelContainerName, labelPodName, labelPodNamespace, labelPodUID, type RuntimeService } from './runtime-client';
import type { NodeUsage } from './stats-node';
import type { StatsRuntime } from './stats-runtime';

export interface PodReference { name: string; namespace: string; uid: string }

export interface ContainerSample {
  id: string;
  name: string;
  podRef: PodReference;
  /** Nanoseconds since the epoch. */
  startTime: number;
  time: number;
  usageCoreNanoSeconds?: number;
  /** The runtime's own rate, when it gives one. */
  usageNanoCores?: number;
  workingSetBytes?: number;
  usageBytes?: number;
  availableBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}

export interface StatsSample {
  /** Nanoseconds since the epoch. */
  time: number;
  node: NodeUsage;
  containers: ContainerSample[];
}

export interface CollectorDeps {
  runtime: Pick<RuntimeService, 'listContainers'>;
  stats: StatsRuntime;
  readNode(): Promise<NodeUsage>;
  /** Nanoseconds since the epoch. */
  now(): number;
}

const value = (v: { value: number } | null | undefined): number | undefined => (v ? v.value : undefined);

/** One runtime ContainerStats as a sample; undefined for a container that is not a pod's. */
export const containerSample = (s: ContainerStats, startTime: number, now: number): ContainerSample | undefined => {
  const labels = s.attributes?.labels ?? {};
  const pod = labels[labelPodName];
  const namespace = labels[labelPodNamespace];
  if (!pod || !namespace) return undefined;
  const cpu = s.cpu ?? undefined;
  const mem = s.memory ?? undefined;
  return {
    id: s.attributes.id, name: labels[labelContainerName] ?? s.attributes.metadata?.name ?? '',
    podRef: { name: pod, namespace, uid: labels[labelPodUID] ?? '' },
    startTime, time: cpu?.timestamp || mem?.timestamp || now,
    usageCoreNanoSeconds: value(cpu?.usageCoreNanoSeconds), usageNanoCores: value(cpu?.usageNanoCores),
    workingSetBytes: value(mem?.workingSetBytes), usageBytes: value(mem?.usageBytes), availableBytes: value(mem?.availableBytes),
    rssBytes: value(mem?.rssBytes), pageFaults: value(mem?.pageFaults), majorPageFaults: value(mem?.majorPageFaults),
  };
};

export class StatsCollector {
  private last: StatsSample | undefined;

  constructor(private readonly d: CollectorDeps) {}

  /** Reads everything now; returns it with the reading before it (for rates). */
  async sample(): Promise<{ cur: StatsSample; prev: StatsSample | undefined }> {
    const [stats, containers, node] = await Promise.all([
      this.d.stats.listContainerStats(),
      this.d.runtime.listContainers({ state: 'CONTAINER_RUNNING' }),
      this.d.readNode(),
    ]);
    const time = this.d.now();
    const started = new Map(containers.map((c) => [c.id, c.createdAt]));
    const cur: StatsSample = {
      time, node,
      containers: stats.flatMap((s) => containerSample(s, started.get(s.attributes.id) ?? 0, time) ?? []),
    };
    const prev = this.last;
    this.last = cur;
    return { cur, prev };
  }
}
