// The kubelet's resource metrics endpoint (GET /metrics/resource): cumulative CPU and the memory
// working set of the node, each pod and each container, in the Prometheus text format, each
// sample stamped with the time it was read (what metrics-server scrapes and turns into rates).
import type { ContainerSample, StatsSample } from './stats-collector';

interface Family { name: string; help: string; type: 'counter' | 'gauge'; lines: string[] }

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const labels = (l: Record<string, string>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

const line = (name: string, l: Record<string, string>, value: number, timeNs: number): string =>
  `${name}${labels(l)} ${value} ${Math.floor(timeNs / 1e6)}`;

const podKey = (c: ContainerSample) => `${c.podRef.namespace}/${c.podRef.name}`;

/** Renders a reading; containers without a value for a family are left out of it. */
export const renderResourceMetrics = (s: StatsSample): string => {
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, type, help: `[STABLE] ${help}`, lines: [] });
  const cCpu = fam('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds');
  const cMem = fam('container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes');
  const cStart = fam('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds');
  const nCpu = fam('node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds');
  const nMem = fam('node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes');
  const pCpu = fam('pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds');
  const pMem = fam('pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes');
  const scrape = fam('resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise');
  const sorted = [...s.containers].sort((a, b) => podKey(a).localeCompare(podKey(b)) || a.name.localeCompare(b.name));
  const pods = new Map<string, { ns: string; pod: string; cpu?: number; mem?: number; time: number }>();
  for (const c of sorted) {
    const l = { container: c.name, namespace: c.podRef.namespace, pod: c.podRef.name };
    if (c.usageCoreNanoSeconds !== undefined) cCpu.lines.push(line(cCpu.name, l, c.usageCoreNanoSeconds / 1e9, c.time));
    if (c.workingSetBytes !== undefined) cMem.lines.push(line(cMem.name, l, c.workingSetBytes, c.time));
    if (c.startTime) cStart.lines.push(`${cStart.name}${labels(l)} ${c.startTime / 1e9}`);
    const p = pods.get(podKey(c)) ?? { ns: c.podRef.namespace, pod: c.podRef.name, cpu: 0, mem: 0, time: c.time };
    p.cpu = p.cpu === undefined || c.usageCoreNanoSeconds === undefined ? undefined : p.cpu + c.usageCoreNanoSeconds;
    p.mem = p.mem === undefined || c.workingSetBytes === undefined ? undefined : p.mem + c.workingSetBytes;
    p.time = Math.max(p.time, c.time);
    pods.set(podKey(c), p);
  }
  for (const p of pods.values()) {
    const l = { namespace: p.ns, pod: p.pod };
    if (p.cpu !== undefined) pCpu.lines.push(line(pCpu.name, l, p.cpu / 1e9, p.time));
    if (p.mem !== undefined) pMem.lines.push(line(pMem.name, l, p.mem, p.time));
  }
  nCpu.lines.push(line(nCpu.name, {}, s.node.cpu.usageCoreNanoSeconds / 1e9, s.node.time));
  nMem.lines.push(line(nMem.name, {}, s.node.memory.workingSetBytes, s.node.time));
  scrape.lines.push(`${scrape.name} 0`);
  return [cCpu, cMem, cStart, nCpu, nMem, pCpu, pMem, scrape]
    .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines].join('\n'))
    .join('\n') + '\n';
};
