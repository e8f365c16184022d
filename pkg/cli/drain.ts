// berthctl cordon / uncordon / drain (kubectl drain.go, pkg/drain): cordon marks the node
// unschedulable with a strategic merge patch; drain cordons, then evicts (or deletes, when
// the server has no pods/eviction) every pod on the node that kubectl's filters allow, and
// waits until they are gone.
import type { Client } from '../client/types';
import { parseDuration } from './duration';
import { createProgress } from './progress';
import { parseTypeArgs, resolveType, resourcePath } from './resource';
import { CommandFailed, UsageError, type CliDeps, type CommandContext, type Connection, type IO, type Verb } from './types';

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export interface CordonFlags { selector?: string; dryRun?: string }

abstract class NodeVerb<F extends CordonFlags> implements Verb<F> {
  protected conn?: Connection;
  protected deps?: CliDeps;
  protected nodes: Dict[] = [];
  protected signal: AbortSignal = new AbortController().signal;
  private args: string[] = [];

  constructor(readonly flags: F) {}

  async complete(ctx: CommandContext<F>): Promise<void> {
    this.args = ctx.args;
    if (ctx.args.length === 0 && !this.flags.selector) throw new UsageError('USAGE: cordon NODE [flags]\nSee \'berthctl cordon -h\' for help and examples');
    this.conn = await ctx.deps.connect(ctx.globals);
    this.deps = ctx.deps;
    this.signal = ctx.signal;
  }

  validate(): void { /* nodes are resolved in run() */ }

  protected get client(): Client {
    if (!this.conn) throw new Error('complete() was not called');
    return this.conn.client;
  }

  protected async resolveNodes(): Promise<void> {
    const info = resolveType('nodes');
    if (this.args.length === 0) {
      const list = await this.client.request<{ items?: Dict[] }>('GET', resourcePath(info, ''), { query: { labelSelector: this.flags.selector } });
      this.nodes = list.items ?? [];
      return;
    }
    const names = this.args.length === 1 && !this.args[0].includes('/') ? [this.args[0]] : parseTypeArgs(this.args).flatMap((t) => t.names);
    for (const name of names) this.nodes.push(await this.client.request<Dict>('GET', resourcePath(info, '', name)));
  }

  /** RunCordonOrUncordon: `node/x cordoned` or `already cordoned`. */
  protected async cordon(io: IO, desired: boolean): Promise<void> {
    for (const node of this.nodes) {
      const name = s(d(node.metadata).name);
      const word = desired ? 'cordoned' : 'uncordoned';
      if ((d(node.spec).unschedulable === true) === desired) {
        io.out.write(`node/${name} already ${word}\n`);
        continue;
      }
      if (this.flags.dryRun !== 'client') {
        await this.client.request('PATCH', resourcePath(resolveType('nodes'), '', name), {
          body: { spec: { unschedulable: desired ? true : null } }, contentType: 'application/strategic-merge-patch+json',
          query: { dryRun: this.flags.dryRun === 'server' ? 'All' : undefined },
        });
      }
      io.out.write(`node/${name} ${word}${this.flags.dryRun === 'server' ? ' (server dry run)' : this.flags.dryRun === 'client' ? ' (dry run)' : ''}\n`);
    }
  }

  abstract run(io: IO): Promise<void>;
}

export class CordonCommand extends NodeVerb<CordonFlags> {
  constructor(private readonly desired: boolean, flags: CordonFlags) { super(flags); }

  async run(io: IO): Promise<void> {
    await this.resolveNodes();
    await this.cordon(io, this.desired);
  }
}

export interface DrainFlags extends CordonFlags {
  force?: boolean;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  gracePeriod?: number;
  timeout?: string;
  podSelector?: string;
  disableEviction?: boolean;
}

interface PodStatus { pod: Dict; remove: boolean; reason: 'okay' | 'skip' | 'warning' | 'error'; message: string }

const FATAL = {
  daemonSet: 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)',
  localStorage: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
  unmanaged: 'cannot delete Pods that declare no controller (use --force to override)',
};

export class DrainCommand extends NodeVerb<DrainFlags> {
  async run(io: IO): Promise<void> {
    await this.resolveNodes();
    await this.cordon(io, true);
    const remaining: string[] = [];
    const fatal: string[] = [];
    for (const node of this.nodes) {
      const name = s(d(node.metadata).name);
      try {
        await this.drainNode(io, name);
        io.out.write(`node/${name} drained\n`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        io.err.write(`error: unable to drain node "${name}" due to error: ${message}, continuing command...\n`);
        remaining.push(name);
        fatal.push(message);
      }
    }
    if (remaining.length > 0) {
      io.err.write(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join('')}`);
      io.err.write(`${fatal.join('\n')}\n`);
      throw new CommandFailed(remaining.length);
    }
  }

  /** GetPodsForDeletion with kubectl's filters, in kubectl's order. */
  private async podsForDeletion(node: string): Promise<PodStatus[]> {
    const list = await this.client.request<{ items?: Dict[] }>('GET', resourcePath(resolveType('pods'), ''),
      { query: { fieldSelector: `spec.nodeName=${node}`, labelSelector: this.flags.podSelector } });
    const out: PodStatus[] = [];
    for (const pod of list.items ?? []) {
      let status: PodStatus = { pod, remove: true, reason: 'okay', message: '' };
      for (const filter of [this.daemonSetFilter, this.mirrorFilter, this.localStorageFilter, this.unreplicatedFilter]) {
        status = await filter.call(this, pod);
        if (!status.remove) break;
      }
      out.push(status);
    }
    return out;
  }

  private async daemonSetFilter(pod: Dict): Promise<PodStatus> {
    const ref = ((d(pod.metadata).ownerReferences ?? []) as Dict[]).find((r) => r.controller === true);
    if (!ref || ref.kind !== 'DaemonSet' || finished(pod)) return okay(pod);
    try {
      await this.client.request('GET', resourcePath(resolveType('daemonsets'), s(d(pod.metadata).namespace), s(ref.name)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const { isNotFound } = await import('../apimachinery/errors');
      if (isNotFound(err) && this.flags.force) return { pod, remove: true, reason: 'warning', message };
      return { pod, remove: false, reason: 'error', message };
    }
    if (!this.flags.ignoreDaemonsets) return { pod, remove: false, reason: 'error', message: FATAL.daemonSet };
    return { pod, remove: false, reason: 'warning', message: 'ignoring DaemonSet-managed Pods' };
  }

  private async mirrorFilter(pod: Dict): Promise<PodStatus> {
    return 'kubernetes.io/config.mirror' in d(d(pod.metadata).annotations) ? { pod, remove: false, reason: 'skip', message: '' } : okay(pod);
  }

  private async localStorageFilter(pod: Dict): Promise<PodStatus> {
    const local = ((d(pod.spec).volumes ?? []) as Dict[]).some((v) => v.emptyDir !== undefined);
    if (!local || finished(pod)) return okay(pod);
    if (!this.flags.deleteEmptydirData) return { pod, remove: false, reason: 'error', message: FATAL.localStorage };
    return { pod, remove: true, reason: 'warning', message: 'deleting Pods with local storage' };
  }

  private async unreplicatedFilter(pod: Dict): Promise<PodStatus> {
    if (finished(pod)) return okay(pod);
    if (((d(pod.metadata).ownerReferences ?? []) as Dict[]).some((r) => r.controller === true)) return okay(pod);
    if (this.flags.force) return { pod, remove: true, reason: 'warning', message: 'deleting Pods that declare no controller' };
    return { pod, remove: false, reason: 'error', message: FATAL.unmanaged };
  }

  private async drainNode(io: IO, node: string): Promise<void> {
    const statuses = await this.podsForDeletion(node);
    const grouped = (reason: PodStatus['reason']) => {
      const by = new Map<string, string[]>();
      for (const st of statuses.filter((x) => x.reason === reason)) by.set(st.message, [...(by.get(st.message) ?? []), podKey(st.pod)]);
      return [...by].map(([msg, pods]) => `${msg}: ${pods.join(', ')}`);
    };
    const errors = grouped('error');
    // kubectl 1.33 prefixes the aggregated message with "cannot delete " once more.
    if (errors.length > 0) throw new Error(errors.map((e) => `cannot delete ${e}`).join(', '));
    const warnings = grouped('warning');
    if (warnings.length > 0) io.err.write(`Warning: ${warnings.join('; ')}\n`);
    const pods = statuses.filter((x) => x.remove).map((x) => x.pod);
    if (this.flags.dryRun === 'client') {
      for (const p of pods) io.out.write(`evicting pod ${podKey(p)} (dry run)\n`);
      return;
    }
    const evict = !this.flags.disableEviction && resolveType('pods').subresources.includes('eviction');
    for (const p of pods) await this.removePod(io, p, evict);
    if (this.flags.dryRun === 'server') return;
    await this.waitGone(io, pods, evict);
  }

  private async removePod(io: IO, pod: Dict, evict: boolean): Promise<void> {
    const meta = d(pod.metadata);
    const deleteOptions = { ...(this.flags.gracePeriod !== undefined && this.flags.gracePeriod >= 0 ? { gracePeriodSeconds: this.flags.gracePeriod } : {}), ...(this.flags.dryRun === 'server' ? { dryRun: ['All'] } : {}) };
    const pods = resolveType('pods');
    if (evict) {
      io.out.write(`evicting pod ${podKey(pod)}${this.flags.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      await this.client.request('POST', resourcePath(pods, s(meta.namespace), s(meta.name), 'eviction'), {
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: meta.name, namespace: meta.namespace }, deleteOptions },
      });
      return;
    }
    await this.client.request('DELETE', resourcePath(pods, s(meta.namespace), s(meta.name)), { body: deleteOptions });
  }

  /** waitForDelete: GET each pod every second until it is gone (or replaced: another UID). */
  private async waitGone(io: IO, pods: Dict[], evict: boolean): Promise<void> {
    const deps = this.deps;
    if (!deps) throw new Error('drain: complete() was not called');
    const timeoutMs = this.flags.timeout ? parseDuration(this.flags.timeout, 'timeout') : 0;
    const deadline = timeoutMs > 0 ? deps.now().getTime() + timeoutMs : Infinity;
    const progress = createProgress(io.err, deps.host?.isTTY);
    const { isNotFound } = await import('../apimachinery/errors');
    let pending = [...pods];
    try {
      while (pending.length > 0) {
        const still: Dict[] = [];
        for (const p of pending) {
          const meta = d(p.metadata);
          try {
            const live = await this.client.request<Dict>('GET', resourcePath(resolveType('pods'), s(meta.namespace), s(meta.name)), { signal: this.signal });
            if (d(live.metadata).uid === meta.uid) { still.push(p); continue; }
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
          progress.clear();
          io.out.write(`pod/${s(meta.name)} ${evict ? 'evicted' : 'deleted'}\n`);
        }
        pending = still;
        if (pending.length === 0 || this.signal.aborted) return;
        if (deps.now().getTime() >= deadline) {
          throw new Error(`error when waiting for pod "${s(d(pending[0].metadata).name)}" in namespace "${s(d(pending[0].metadata).namespace)}" to terminate: global timeout reached: ${this.flags.timeout}`);
        }
        progress.update(`waiting for ${pending.length} pod(s) to terminate: ${pending.map((p) => s(d(p.metadata).name)).join(', ')}`);
        await deps.sleep(1000, this.signal);
      }
    } finally {
      progress.clear();
    }
  }
}

const finished = (pod: Dict): boolean => ['Succeeded', 'Failed'].includes(s(d(pod.status).phase));
const okay = (pod: Dict): PodStatus => ({ pod, remove: true, reason: 'okay', message: '' });
const podKey = (pod: Dict): string => `${s(d(pod.metadata).namespace)}/${s(d(pod.metadata).name)}`;

