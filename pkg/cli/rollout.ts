// berthctl rollout status|history|undo|restart|pause|resume for Deployments (kubectl
// rollout/*.go, polymorphichelpers). status reads the Deployment's generation, status counts
// and Progressing condition exactly as kubectl's DeploymentStatusViewer; history and undo
// read the ReplicaSets the Deployment controls.
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { describePodTemplate } from './describe-pod';
import { PrefixWriter } from './describe-writer';
import { parseDuration } from './duration';
import { ObjectPrinter, parseOutput } from './output';
import { createProgress } from './progress';
import { kindName, parseTypeArgs, resourcePath } from './resource';
import { tabbedString } from './tabwriter';
import { UsageError, type CliDeps, type CommandContext, type Connection, type IO, type Verb } from './types';
import { watchEvents } from './watch';

export interface RolloutFlags {
  revision?: number;
  toRevision?: number;
  timeout?: string;
  watch?: boolean;
  output?: string;
  dryRun?: string;
}

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const n = (v: unknown): number => Number(v ?? 0);

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);
const SUBCOMMANDS = ['status', 'history', 'undo', 'restart', 'pause', 'resume'];

/** DeploymentStatusViewer.Status: the message and whether the rollout is done; throws past the progress deadline. */
export const deploymentStatus = (dep: Dict): { message: string; done: boolean } => {
  const meta = d(dep.metadata);
  const spec = d(dep.spec);
  const status = d(dep.status);
  const name = String(meta.name ?? '');
  if (n(meta.generation) > n(status.observedGeneration)) return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
  const progressing = ((status.conditions ?? []) as Dict[]).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new UsageError(`deployment "${name}" exceeded its progress deadline`);
  const wait = (what: string) => ({ message: `Waiting for deployment "${name}" rollout to finish: ${what}...\n`, done: false });
  const replicas = spec.replicas === undefined ? undefined : n(spec.replicas);
  if (replicas !== undefined && n(status.updatedReplicas) < replicas) return wait(`${n(status.updatedReplicas)} out of ${replicas} new replicas have been updated`);
  if (n(status.replicas) > n(status.updatedReplicas)) return wait(`${n(status.replicas) - n(status.updatedReplicas)} old replicas are pending termination`);
  if (n(status.availableReplicas) < n(status.updatedReplicas)) return wait(`${n(status.availableReplicas)} of ${n(status.updatedReplicas)} updated replicas are available`);
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
};

const stripHash = (template: unknown): Dict => {
  const t = structuredClone(d(template));
  const meta = d(t.metadata);
  const labels = d(meta.labels);
  delete labels['pod-template-hash'];
  return t;
};

export class RolloutCommand implements Verb<RolloutFlags> {
  private conn?: Connection;
  private deps?: CliDeps;
  private namespace = 'default';
  private sub = '';
  private info?: ResourceInfo;
  private names: string[] = [];
  private signal: AbortSignal = new AbortController().signal;

  constructor(readonly flags: RolloutFlags) {}

  async complete(ctx: CommandContext<RolloutFlags>): Promise<void> {
    const [sub, ...args] = ctx.args;
    this.sub = sub;
    if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`unknown command "${sub}" for "berthctl rollout"`);
    if (args.length === 0) throw new UsageError('required resource not specified');
    const [target] = parseTypeArgs(args);
    this.info = target.info;
    this.names = target.names;
    if (this.names.length === 0) throw new UsageError('required resource not specified');
    this.conn = await ctx.deps.connect(ctx.globals);
    this.deps = ctx.deps;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    if (this.info?.kind !== 'Deployment') throw new UsageError(`no ${this.sub === 'status' ? 'status viewer' : this.sub === 'history' ? 'history viewer' : this.sub === 'undo' ? 'rollbacker' : 'restarter'} has been implemented for ${this.info?.kind ?? ''}`);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('rollout: complete() was not called');
    return this.conn.client;
  }

  private get prefix(): string { return kindName(this.info as ResourceInfo); }

  async run(io: IO): Promise<void> {
    for (const name of this.names) {
      const dep = await this.client.request<Dict>('GET', resourcePath(this.info as ResourceInfo, this.namespace, name));
      switch (this.sub) {
        case 'status': await this.status(io, name, dep); break;
        case 'history': io.out.write(await this.history(name, dep)); break;
        case 'undo': await this.undo(io, name, dep); break;
        case 'restart': await this.patchSpec(io, name, dep, 'restart'); break;
        default: await this.patchSpec(io, name, dep, this.sub as 'pause' | 'resume');
      }
    }
  }

  private async status(io: IO, name: string, dep: Dict): Promise<void> {
    const first = deploymentStatus(dep);
    if (this.flags.watch === false || first.done) {
      io.out.write(first.message);
      return;
    }
    const timeoutMs = this.flags.timeout ? parseDuration(this.flags.timeout, 'timeout') : 0;
    const deadline = new AbortController();
    const stop = () => deadline.abort();
    this.signal.addEventListener('abort', stop, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(stop, timeoutMs) : undefined;
    const progress = createProgress(io.err, this.deps?.host?.isTTY);
    const path = resourcePath(this.info as ResourceInfo, this.namespace);
    const fieldSelector = `metadata.name=${name}`;
    try {
      for (;;) {
        const list = await this.client.request<{ metadata?: { resourceVersion?: string }; items?: Dict[] }>('GET', path, { query: { fieldSelector, limit: 500, resourceVersion: '0' }, signal: deadline.signal });
        const current = list.items?.[0];
        if (!current) throw new UsageError(`object has been deleted`);
        let s = deploymentStatus(current);
        io.out.write(s.message);
        if (s.done) return;
        for await (const ev of watchEvents<Dict>(this.client, { path, query: { allowWatchBookmarks: true, fieldSelector, resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: 300 + Math.floor(Math.random() * 300) }, signal: deadline.signal })) {
          if (ev.type === 'DELETED') throw new UsageError('object has been deleted');
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          s = deploymentStatus(ev.object);
          progress.clear();
          io.out.write(s.message);
          if (s.done) return;
          progress.update(`rollout of ${this.prefix}/${name} in progress…`);
        }
        if (deadline.signal.aborted) throw new UsageError('timed out waiting for the condition');
      }
    } finally {
      progress.clear();
      if (timer) clearTimeout(timer);
      this.signal.removeEventListener('abort', stop);
    }
  }

  /** The ReplicaSets the deployment controls, by revision (getDeploymentReplicaSets). */
  private async revisions(dep: Dict): Promise<Map<number, Dict>> {
    const { labelSelectorToString } = await import('../apimachinery');
    const selector = labelSelectorToString(d(dep.spec).selector as Parameters<typeof labelSelectorToString>[0]);
    const { resolveType } = await import('./resource');
    const list = await this.client.request<{ items?: Dict[] }>('GET', resourcePath(resolveType('replicasets'), this.namespace), { query: { labelSelector: selector } });
    const uid = d(dep.metadata).uid;
    const out = new Map<number, Dict>();
    for (const rs of list.items ?? []) {
      const meta = d(rs.metadata);
      if (!((meta.ownerReferences ?? []) as Dict[]).some((r) => r.controller === true && r.uid === uid)) continue;
      const rev = Number(d(meta.annotations)[REVISION]);
      if (Number.isInteger(rev)) out.set(rev, rs);
    }
    return out;
  }

  private async history(name: string, dep: Dict): Promise<string> {
    const revs = await this.revisions(dep);
    const header = `${this.prefix}/${name} ${this.flags.revision ? `with revision #${this.flags.revision}` : ''}\n`;
    if (revs.size === 0) return `${header}No rollout history found.\n`;
    if (this.flags.revision) {
      const rs = revs.get(this.flags.revision);
      if (!rs) throw new UsageError('unable to find the specified revision');
      const w = new PrefixWriter();
      // kubectl prints the RS's own template (hash label included) without tabwriter alignment.
      const template = structuredClone(d(d(rs.spec).template));
      const cause = d(d(rs.metadata).annotations)[CHANGE_CAUSE];
      template.metadata = { ...d(template.metadata), annotations: { ...d(d(template.metadata).annotations), ...(cause ? { [CHANGE_CAUSE]: cause } : {}) } };
      describePodTemplate(w, template);
      return `${header}${w.raw()}\n`;
    }
    const rows = [...revs.keys()].sort((a, b) => a - b).map((r) => `${r}\t${String(d(d(revs.get(r)?.metadata).annotations)[CHANGE_CAUSE] ?? '') || '<none>'}\n`);
    return `${header}${tabbedString(`REVISION\tCHANGE-CAUSE\n${rows.join('')}`)}\n`;
  }

  private async undo(io: IO, name: string, dep: Dict): Promise<void> {
    if (d(dep.spec).paused === true) throw new UsageError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    const revs = await this.revisions(dep);
    const sorted = [...revs.keys()].sort((a, b) => b - a);
    let target = this.flags.toRevision ?? 0;
    if (target === 0) {
      if (sorted.length < 2) throw new UsageError(`no rollout history found for deployment "${name}"`);
      target = sorted[1];
    }
    const rs = revs.get(target);
    if (!rs) throw new UsageError(`unable to find specified revision ${target} in history`);
    const { deepEqual } = await import('../apimachinery');
    const template = stripHash(d(rs.spec).template);
    if (deepEqual(template, stripHash(d(dep.spec).template))) {
      io.out.write(`${this.prefix}/${name} skipped rollback (current template already matches revision ${target})\n`);
      return;
    }
    const current = d(d(dep.metadata).annotations);
    const annotations: Record<string, unknown> = {};
    for (const k of SKIP_ANNOTATIONS) if (k in current) annotations[k] = current[k];
    for (const [k, v] of Object.entries(d(d(rs.metadata).annotations))) if (!SKIP_ANNOTATIONS.has(k)) annotations[k] = v;
    const patch = [{ op: 'replace', path: '/spec/template', value: template }, { op: 'replace', path: '/metadata/annotations', value: annotations }];
    await this.client.request('PATCH', resourcePath(this.info as ResourceInfo, this.namespace, name), {
      body: patch, contentType: 'application/json-patch+json', query: { dryRun: this.flags.dryRun === 'server' ? 'All' : undefined },
    });
    io.out.write(`${this.prefix}/${name} rolled back\n`);
  }

  private async patchSpec(io: IO, name: string, dep: Dict, action: 'restart' | 'pause' | 'resume'): Promise<void> {
    const paused = d(dep.spec).paused === true;
    if (action === 'restart' && paused) throw new UsageError(`deployments "${name}" can't restart paused deployment (run rollout resume first)`);
    if (action === 'pause' && paused) { io.out.write(`${this.prefix}/${name} already paused\n`); return; }
    if (action === 'resume' && !paused) { io.out.write(`${this.prefix}/${name} already resumed\n`); return; }
    const now = (this.deps?.now() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = action === 'restart' ? { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now } } } } }
      : { spec: { paused: action === 'pause' ? true : null } };
    const out = await this.client.request<ApiObject>('PATCH', resourcePath(this.info as ResourceInfo, this.namespace, name), {
      body, contentType: 'application/strategic-merge-patch+json',
      query: { fieldManager: 'kubectl-rollout', dryRun: this.flags.dryRun === 'server' ? 'All' : undefined },
    });
    const done = action === 'restart' ? 'restarted' : action === 'pause' ? 'paused' : 'resumed';
    const format = parseOutput(this.flags.output, { allowTable: false });
    if (format.kind === 'table') io.out.write(`${this.prefix}/${name} ${done}\n`);
    else io.out.write(await new ObjectPrinter(format, () => `${this.prefix}/${name}`).print([out], true));
  }
}
