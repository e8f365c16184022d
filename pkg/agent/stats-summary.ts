// The kubelet Summary API (GET /stats/summary, stats/v1alpha1): the node and each pod with its
// containers, CPU as a rate (usageNanoCores) and cumulative (usageCoreNanoSeconds), memory as
// usage and working set. Pod totals are the sums of their containers.
import type { ContainerSample, StatsSample } from './stats-collector';
import { nanoCoresBetween } from './stats-rate';

export interface CPUStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}
export interface ContainerStatsSummary { name: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats }
export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStatsSummary[];
  cpu?: CPUStats;
  memory?: MemoryStats;
}
export interface NodeStats { nodeName: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats }
export interface Summary { node: NodeStats; pods: PodStats[] }

/** metav1.Time: RFC 3339 to the second. */
export const metaTime = (ns: number): string => new Date(Math.floor(ns / 1e6)).toISOString().replace(/\.\d+Z$/, 'Z');

const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const containerCpu = (c: ContainerSample, prev: ContainerSample | undefined): CPUStats | undefined => {
  if (c.usageCoreNanoSeconds === undefined) return undefined;
  const cur = { time: c.time, usageCoreNanoSeconds: c.usageCoreNanoSeconds };
  const before = prev?.usageCoreNanoSeconds !== undefined && prev.startTime === c.startTime
    ? { time: prev.time, usageCoreNanoSeconds: prev.usageCoreNanoSeconds } : undefined;
  // The runtime's rate when it gives one; else ours over the window since the last reading.
  return drop({ time: metaTime(c.time), usageNanoCores: c.usageNanoCores ?? nanoCoresBetween(before, cur), usageCoreNanoSeconds: c.usageCoreNanoSeconds });
};

const containerMemory = (c: ContainerSample): MemoryStats | undefined => (c.workingSetBytes === undefined ? undefined : drop({
  time: metaTime(c.time), availableBytes: c.availableBytes, usageBytes: c.usageBytes, workingSetBytes: c.workingSetBytes,
  rssBytes: c.rssBytes, pageFaults: c.pageFaults, majorPageFaults: c.majorPageFaults,
}));

/** Sums a field over stats that all have it; undefined as soon as one lacks it. */
const sum = <T>(items: (T | undefined)[], get: (t: T) => number | undefined): number | undefined => {
  let total = 0;
  for (const i of items) {
    const v = i === undefined ? undefined : get(i);
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
};

const podTotals = (containers: ContainerStatsSummary[], time: string): Pick<PodStats, 'cpu' | 'memory'> => {
  const cpus = containers.map((c) => c.cpu);
  const mems = containers.map((c) => c.memory);
  return drop({
    cpu: cpus.every(Boolean) ? drop({ time, usageNanoCores: sum(cpus, (c) => c.usageNanoCores), usageCoreNanoSeconds: sum(cpus, (c) => c.usageCoreNanoSeconds) }) : undefined,
    memory: mems.every(Boolean) ? drop({ time, usageBytes: sum(mems, (m) => m.usageBytes), workingSetBytes: sum(mems, (m) => m.workingSetBytes), rssBytes: sum(mems, (m) => m.rssBytes) }) : undefined,
  });
};

/** Builds the Summary from a reading and the one before it; `podStartTime` from the pod's status when known. */
export const buildSummary = (nodeName: string, cur: StatsSample, prev: StatsSample | undefined, podStartTime: (ns: string, name: string) => string | undefined): Summary => {
  const before = new Map((prev?.containers ?? []).map((c) => [c.id, c]));
  const byPod = new Map<string, ContainerSample[]>();
  for (const c of cur.containers) {
    const key = `${c.podRef.namespace}/${c.podRef.name}`;
    byPod.set(key, [...(byPod.get(key) ?? []), c]);
  }
  const time = metaTime(cur.time);
  const pods: PodStats[] = [...byPod.values()].map((cs) => {
    const containers = cs.map((c) => drop({ name: c.name, startTime: metaTime(c.startTime), cpu: containerCpu(c, before.get(c.id)), memory: containerMemory(c) }));
    const ref = cs[0].podRef;
    const earliest = Math.min(...cs.map((c) => c.startTime));
    return { podRef: ref, startTime: podStartTime(ref.namespace, ref.name) ?? metaTime(earliest), containers, ...podTotals(containers, time) };
  });
  const n = cur.node;
  const nodeCpu = { time: n.time, usageCoreNanoSeconds: n.cpu.usageCoreNanoSeconds };
  const prevNodeCpu = prev && { time: prev.node.time, usageCoreNanoSeconds: prev.node.cpu.usageCoreNanoSeconds };
  return {
    node: {
      nodeName, startTime: metaTime(n.cpu.bootTime * 1e9),
      cpu: drop({ time, usageNanoCores: nanoCoresBetween(prevNodeCpu, nodeCpu), usageCoreNanoSeconds: Math.round(n.cpu.usageCoreNanoSeconds) }),
      memory: { time, availableBytes: n.memory.availableBytes, usageBytes: n.memory.usageBytes, workingSetBytes: n.memory.workingSetBytes },
    },
    pods,
  };
};
