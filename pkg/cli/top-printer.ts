// kubectl top's table (kubectl metricsutil TopCmdPrinter): every cell tab-terminated (so the last
// column is padded too), CPU in millicores rounded up, memory in whole Mi, percentages of the
// node's allocatable truncated, and the sort orders of `--sort-by=cpu|memory`.
import { milliValue, parseQuantity, quantityValue } from '../apimachinery';
import { TabWriter } from './tabwriter';

/** Quantities as the API gives them ('250m'), or summed amounts. */
export type Usage = Record<string, string | number | undefined>;
export interface NodeMetrics { metadata: { name?: string }; usage: Usage }
export interface ContainerMetrics { name: string; usage: Usage }
export interface PodMetrics { metadata: { name?: string; namespace?: string }; containers: ContainerMetrics[] }

export type SortBy = 'cpu' | 'memory' | '';

const measured = ['cpu', 'memory'] as const;
const nodeColumns = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'];
const podColumns = ['NAME', 'CPU(cores)', 'MEMORY(bytes)'];
const unknown = '<unknown>';

/** kubectl's GetNewTabWriter: minwidth 6, padding 3. */
const table = (rows: string[][]): string => new TabWriter({ minwidth: 6, padding: 3 }).format(rows.map((r) => r.map((c) => `${c}\t`).join('')).join('\n') + '\n');

const amount = (q: string | number | undefined): number => (q === undefined ? 0 : parseQuantity(q));
const cpuMilli = (u: Usage): number => milliValue(amount(u.cpu));
const memBytes = (u: Usage): number => quantityValue(amount(u.memory));

const usageCell = (res: typeof measured[number], q: number): string =>
  (res === 'cpu' ? `${milliValue(q)}m` : `${Math.floor(quantityValue(q) / (1024 * 1024))}Mi`);

/** Sums quantities exactly enough (as floats) before rounding, as Quantity.Add then MilliValue. */
const podTotal = (p: PodMetrics): Usage => ({
  cpu: p.containers.reduce((s, c) => s + amount(c.usage.cpu), 0),
  memory: p.containers.reduce((s, c) => s + amount(c.usage.memory), 0),
});

const byUsage = (sortBy: SortBy) => (a: Usage, b: Usage): number =>
  (sortBy === 'cpu' ? cpuMilli(b) - cpuMilli(a) : sortBy === 'memory' ? memBytes(b) - memBytes(a) : 0);

const cells = (u: Usage, available?: Usage): string[] => measured.flatMap((res) => {
  const q = amount(u[res]);
  const out = [usageCell(res, q)];
  if (available && available[res] !== undefined) {
    const avail = milliValue(amount(available[res]));
    out.push(`${avail === 0 ? 0 : Math.trunc((milliValue(q) / avail) * 100)}%`);
  }
  return out;
});

/** `top node`: `available` is each node's allocatable (or capacity); nodes without metrics get <unknown>. */
export const printNodeMetrics = (metrics: NodeMetrics[], available: Map<string, Usage>, o: { noHeaders: boolean; sortBy: SortBy }): string => {
  if (metrics.length === 0) return '';
  const name = (m: NodeMetrics) => m.metadata.name ?? '';
  const sorted = [...metrics].sort((a, b) => (o.sortBy ? byUsage(o.sortBy)(a.usage, b.usage) : name(a).localeCompare(name(b))));
  const rows = o.noHeaders ? [] : [nodeColumns];
  const left = new Map(available);
  for (const m of sorted) {
    rows.push([name(m), ...cells(m.usage, available.get(name(m)))]);
    left.delete(name(m));
  }
  for (const n of [...left.keys()].sort()) rows.push([n, ...measured.flatMap(() => [unknown, unknown])]);
  return table(rows);
};

export interface PodPrintOptions { containers: boolean; withNamespace: boolean; noHeaders: boolean; sortBy: SortBy; sum: boolean }

const podOrder = (o: PodPrintOptions) => (a: PodMetrics, b: PodMetrics): number => {
  if (o.sortBy) return byUsage(o.sortBy)(podTotal(a), podTotal(b));
  const ns = (p: PodMetrics) => p.metadata.namespace ?? '';
  if (o.withNamespace && ns(a) !== ns(b)) return ns(a).localeCompare(ns(b));
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
};

/** `top pod`: one line per pod (containers summed), or per container with --containers; --sum adds a total. */
export const printPodMetrics = (metrics: PodMetrics[], o: PodPrintOptions): string => {
  if (metrics.length === 0) return '';
  const head = [...(o.withNamespace ? ['NAMESPACE'] : []), ...(o.containers ? ['POD'] : []), ...podColumns];
  const rows = o.noHeaders ? [] : [head];
  for (const p of [...metrics].sort(podOrder(o))) {
    const prefix = o.withNamespace ? [p.metadata.namespace ?? ''] : [];
    if (!o.containers) {
      rows.push([...prefix, p.metadata.name ?? '', ...cells(podTotal(p))]);
      continue;
    }
    const containers = [...p.containers].sort((a, b) => (o.sortBy ? byUsage(o.sortBy)(a.usage, b.usage) : a.name.localeCompare(b.name)));
    for (const c of containers) rows.push([...prefix, p.metadata.name ?? '', c.name, ...cells(c.usage)]);
  }
  if (o.sum) {
    const width = head.length;
    const total = metrics.reduce<Usage>((t, p) => {
      const u = podTotal(p);
      return { cpu: amount(t.cpu) + amount(u.cpu), memory: amount(t.memory) + amount(u.memory) };
    }, { cpu: 0, memory: 0 });
    rows.push([...Array<string>(width - 2).fill(''), '________', '________']);
    rows.push([...Array<string>(width - 3).fill(''), '', ...cells(total)]);
  }
  return table(rows);
};
