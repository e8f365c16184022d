// berthctl top node|pod (kubectl top): checks discovery for metrics.k8s.io/v1beta1, reads
// NodeMetrics or PodMetrics, and for nodes the allocatable (or capacity) to print percentages.
import type { Node, Pod } from '../../api/core/v1';
import type { Client } from '../client/types';
import { printNodeMetrics, printPodMetrics, type NodeMetrics, type PodMetrics, type SortBy, type Usage } from './top-printer';
import { UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface TopFlags {
  selector?: string;
  fieldSelector?: string;
  sortBy?: string;
  noHeaders?: boolean;
  containers?: boolean;
  allNamespaces?: boolean;
  sum?: boolean;
  showCapacity?: boolean;
}

const metricsGV = '/apis/metrics.k8s.io/v1beta1';
/** kubectl's metricsCreationDelay: a pod younger than this may simply not have been scraped yet. */
const metricsCreationDelayMs = 2 * 60_000;

const kinds: Record<string, 'node' | 'pod'> = { node: 'node', nodes: 'node', no: 'node', pod: 'pod', pods: 'pod', po: 'pod' };

interface List<T> { items?: T[] }

/** Go's time.Duration.String, to the millisecond. */
const age = (ms: number): string => {
  const m = Math.floor(ms / 60_000);
  const s = `${Number(((ms % 60_000) / 1000).toFixed(3))}s`;
  return m >= 60 ? `${Math.floor(m / 60)}h${m % 60}m${s}` : m > 0 ? `${m}m${s}` : s;
};

export class TopCommand implements Verb<TopFlags> {
  private conn?: Connection;
  private kind: 'node' | 'pod' = 'node';
  private name = '';
  private namespace = 'default';
  private now = () => new Date();

  constructor(readonly flags: TopFlags) {}

  async complete(ctx: CommandContext<TopFlags>): Promise<void> {
    const [kind, name, ...rest] = ctx.args;
    const k = kinds[kind ?? ''];
    if (!k) throw new UsageError(kind ? `unknown command "${kind}" for "berthctl top"` : 'expected a subcommand: node or pod\nSee \'berthctl top -h\' for help and examples');
    if (rest.length > 0) throw new UsageError(`${k} [NAME | -l label]\nSee 'berthctl top ${k} -h' for help and examples`);
    this.kind = k;
    this.name = name ?? '';
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.now = () => ctx.deps.now();
  }

  validate(): void {
    if (this.flags.sortBy && this.flags.sortBy !== 'cpu' && this.flags.sortBy !== 'memory') throw new Error('--sort-by accepts only cpu or memory');
    if (this.name && this.kind === 'node' && this.flags.selector) throw new Error('only one of NAME or --selector can be provided');
    if (this.name && this.kind === 'pod' && (this.flags.selector || this.flags.fieldSelector)) throw new Error('only one of NAME or selector can be provided');
  }

  async run(io: IO): Promise<void> {
    const groups = await this.client.request<{ groups?: { name: string; versions?: { version: string }[] }[] }>('GET', '/apis');
    const available = (groups.groups ?? []).some((g) => g.name === 'metrics.k8s.io' && (g.versions ?? []).some((v) => v.version === 'v1beta1'));
    if (!available) throw new Error('Metrics API not available');
    if (this.kind === 'node') await this.topNodes(io);
    else await this.topPods(io);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('top: complete() was not called');
    return this.conn.client;
  }

  private get sortBy(): SortBy { return (this.flags.sortBy ?? '') as SortBy; }

  private async topNodes(io: IO): Promise<void> {
    const query = { labelSelector: this.flags.selector || undefined };
    const metrics = this.name
      ? [await this.client.request<NodeMetrics>('GET', `${metricsGV}/nodes/${encodeURIComponent(this.name)}`)]
      : (await this.client.request<List<NodeMetrics>>('GET', `${metricsGV}/nodes`, { query })).items ?? [];
    if (metrics.length === 0) throw new Error('metrics not available yet');
    const nodes = this.name
      ? [await this.client.request<Node>('GET', `/api/v1/nodes/${encodeURIComponent(this.name)}`)]
      : (await this.client.request<List<Node>>('GET', '/api/v1/nodes', { query })).items ?? [];
    const available = new Map<string, Usage>(nodes.map((n) => [n.metadata?.name ?? '',
      ((this.flags.showCapacity ? n.status?.capacity : n.status?.allocatable) ?? {}) as Usage]));
    io.out.write(printNodeMetrics(metrics, available, { noHeaders: this.flags.noHeaders === true, sortBy: this.sortBy }));
  }

  private async topPods(io: IO): Promise<void> {
    const all = this.flags.allNamespaces === true;
    const base = all ? `${metricsGV}/pods` : `${metricsGV}/namespaces/${encodeURIComponent(this.namespace)}/pods`;
    const query = { labelSelector: this.flags.selector || undefined, fieldSelector: this.flags.fieldSelector || undefined };
    const metrics = this.name
      ? [await this.client.request<PodMetrics>('GET', `${metricsGV}/namespaces/${encodeURIComponent(this.namespace)}/pods/${encodeURIComponent(this.name)}`)]
      : (await this.client.request<List<PodMetrics>>('GET', base, { query })).items ?? [];
    if (metrics.length === 0) {
      await this.verifyEmptyMetrics(query);
      io.err.write(all ? 'No resources found\n' : `No resources found in ${this.namespace} namespace.\n`);
    }
    io.out.write(printPodMetrics(metrics, {
      containers: this.flags.containers === true, withNamespace: all, noHeaders: this.flags.noHeaders === true, sortBy: this.sortBy, sum: this.flags.sum === true,
    }));
  }

  /** kubectl's verifyEmptyMetrics: no pods is not an error; pods without metrics are. */
  private async verifyEmptyMetrics(query: Record<string, string | undefined>): Promise<void> {
    const podsPath = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`;
    const pods = this.name
      ? [await this.client.request<Pod>('GET', `${podsPath}/${encodeURIComponent(this.name)}`)]
      : (await this.client.request<List<Pod>>('GET', podsPath, { query })).items ?? [];
    if (pods.length === 0) return;
    for (const p of pods) {
      const ms = this.now().getTime() - Date.parse(p.metadata?.creationTimestamp ?? '');
      if (ms > metricsCreationDelayMs) throw new Error(`Metrics not available for pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}, age: ${age(ms)}`);
    }
    throw new Error('metrics not available yet');
  }
}
