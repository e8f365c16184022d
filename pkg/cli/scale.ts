// berthctl scale (kubectl scale.go + scale/scale.go): GET the objects, then PATCH their
// scale subresource with `{"spec":{"replicas":N}}`; with --current-replicas or
// --resource-version the Scale is read first and replaced under that precondition.
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { formatError, isConnectionRefused } from './errors';
import { loadManifests } from './manifest';
import { groupResource, kindName, parseTypeArgs, resourceOfObject, resourcePath, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface ScaleFlags {
  replicas?: number;
  currentReplicas?: number;
  resourceVersion?: string;
  filename?: string[];
  selector?: string;
  all?: boolean;
  dryRun?: string;
}

interface Target { info: ResourceInfo; namespace: string; name: string }

interface Scale { apiVersion?: string; kind?: string; metadata: { resourceVersion?: string }; spec?: { replicas?: number }; status?: { replicas?: number } }

export class ScaleCommand implements Verb<ScaleFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private typed: TypedNames[] = [];

  constructor(readonly flags: ScaleFlags) {}

  async complete(ctx: CommandContext<ScaleFlags>): Promise<void> {
    if (this.flags.replicas === undefined) throw new UsageError('required flag(s) "replicas" not set');
    this.typed = ctx.args.length > 0 ? parseTypeArgs(ctx.args) : [];
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    if ((this.flags.replicas ?? -1) < 0) throw new UsageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    if ((this.flags.currentReplicas ?? -1) < -1) throw new UsageError('The --current-replicas must specify an integer of -1 or greater');
    const dryRun = this.flags.dryRun ?? 'none';
    if (!['none', 'server', 'client'].includes(dryRun)) throw new UsageError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('scale: complete() was not called');
    return this.conn.client;
  }

  private async targets(io: IO): Promise<Target[]> {
    if (this.flags.filename?.length) {
      const loaded = await loadManifests(this.flags.filename, { stdin: io.in });
      if (loaded.errors.length) throw new UsageError(loaded.errors[0].replace(/^error: /, ''));
      return loaded.manifests.flatMap((m) => {
        const info = resourceOfObject(String(m.object.apiVersion), String(m.object.kind));
        const meta = m.object.metadata as { name?: string; namespace?: string } | undefined;
        return info ? [{ info, namespace: meta?.namespace ?? this.namespace, name: meta?.name ?? '' }] : [];
      });
    }
    const out: Target[] = [];
    for (const t of this.typed) {
      for (const name of t.names) {
        try {
          await this.client.request('GET', resourcePath(t.info, this.namespace, name));
        } catch (err) {
          const { isNotFound } = await import('../apimachinery/errors');
          if (isNotFound(err)) throw new UsageError(`no objects passed to scale ${groupResource(t.info)} "${name}" not found`);
          throw err;
        }
        out.push({ info: t.info, namespace: this.namespace, name });
      }
      if (t.names.length === 0) {
        const list = await this.client.request<{ items?: ApiObject[] }>('GET', resourcePath(t.info, this.namespace), { query: { labelSelector: this.flags.selector } });
        out.push(...(list.items ?? []).map((o) => ({ info: t.info, namespace: this.namespace, name: o.metadata.name ?? '' })));
      }
    }
    if (out.length === 0) throw new UsageError('no objects passed to scale');
    return out;
  }

  async run(io: IO): Promise<void> {
    const targets = await this.targets(io);
    if (this.flags.resourceVersion && targets.length > 1) throw new UsageError('cannot use --resource-version with multiple resources');
    let failures = 0;
    for (const t of targets) {
      try {
        if (this.flags.dryRun !== 'client') await this.scaleOne(t);
        const suffix = this.flags.dryRun === 'server' ? ' (server dry run)' : this.flags.dryRun === 'client' ? ' (dry run)' : '';
        io.out.write(`${kindName(t.info)}/${t.name} scaled${suffix}\n`);
      } catch (err) {
        if (isConnectionRefused(err)) throw err;
        io.err.write(`${formatError(err, this.client.config.server)}\n`);
        failures++;
      }
    }
    if (failures > 0) throw new CommandFailed(failures);
  }

  private async scaleOne(t: Target): Promise<void> {
    const path = resourcePath(t.info, t.namespace, t.name, 'scale');
    const query = { dryRun: this.flags.dryRun === 'server' ? 'All' : undefined };
    const current = this.flags.currentReplicas ?? -1;
    if (current < 0 && !this.flags.resourceVersion) {
      await this.client.request('PATCH', path, { body: { spec: { replicas: this.flags.replicas } }, contentType: 'application/merge-patch+json', query });
      return;
    }
    const scale = await this.client.request<Scale>('GET', path);
    if (current >= 0 && (scale.spec?.replicas ?? 0) !== current) {
      throw new UsageError(`Expected replicas to be ${current}, was ${scale.spec?.replicas ?? 0}`);
    }
    if (this.flags.resourceVersion && scale.metadata.resourceVersion !== this.flags.resourceVersion) {
      throw new UsageError(`Expected resource version to be ${this.flags.resourceVersion}, was ${scale.metadata.resourceVersion}`);
    }
    await this.client.request('PUT', path, { body: { ...scale, spec: { ...scale.spec, replicas: this.flags.replicas } }, query });
  }
}
