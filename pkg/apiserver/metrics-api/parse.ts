// Reads the agent's /metrics/resource (Prometheus text, kubelet's resource metrics) into points:
// cumulative CPU and the working set for the node and each container, with the time each was
// read (metrics-server's decoder keeps exactly these series).

/** One reading of something's usage; times in milliseconds since the epoch. */
export interface MetricsPoint {
  timestamp: number;
  /** Cumulative CPU time in core-seconds. */
  cpuSeconds?: number;
  memoryBytes?: number;
  /** When the container started (restart detection). */
  startTime?: number;
}

export interface ContainerPoint extends MetricsPoint { namespace: string; pod: string; container: string }

export interface NodeScrape { node: MetricsPoint; containers: Map<string, ContainerPoint> }

export const containerKey = (namespace: string, pod: string, container: string): string => `${namespace}/${pod}/${container}`;

const sampleRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const unescape = (v: string): string => v.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));

export const parseLabels = (text: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(labelRe)) out[m[1]] = unescape(m[2]);
  return out;
};

/** Parses the text; samples without a timestamp are stamped `now`. */
export const parseResourceMetrics = (text: string, now: number): NodeScrape => {
  const node: MetricsPoint = { timestamp: now };
  const containers = new Map<string, ContainerPoint>();
  for (const raw of text.split('\n')) {
    const m = sampleRe.exec(raw.trim());
    if (!m || raw.startsWith('#')) continue;
    const [, name, , labelText, valueText, ts] = m;
    const value = Number(valueText);
    if (!Number.isFinite(value)) continue;
    const timestamp = ts ? Number(ts) : now;
    if (name === 'node_cpu_usage_seconds_total') Object.assign(node, { cpuSeconds: value, timestamp });
    else if (name === 'node_memory_working_set_bytes') node.memoryBytes = value;
    else if (name.startsWith('container_')) {
      const l = parseLabels(labelText ?? '');
      if (!l.namespace || !l.pod || !l.container) continue;
      const key = containerKey(l.namespace, l.pod, l.container);
      const p = containers.get(key) ?? { namespace: l.namespace, pod: l.pod, container: l.container, timestamp };
      if (name === 'container_cpu_usage_seconds_total') Object.assign(p, { cpuSeconds: value, timestamp });
      else if (name === 'container_memory_working_set_bytes') p.memoryBytes = value;
      else if (name === 'container_start_time_seconds') p.startTime = value * 1000;
      containers.set(key, p);
    }
  }
  return { node, containers };
};
