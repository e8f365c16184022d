// berthctl delete: by name, by -f manifest, or by -l selector (one DELETE per object, as
// kubectl does — no deletecollection), then by default wait until each object is gone.
import { isNotFound } from '../apimachinery';
import type { DeleteOptions } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { withContext } from './apply';
import { parseDuration } from './duration';
import { formatError, isConnectionRefused } from './errors';
import { waitForDeletion } from './delete-wait';
import { loadManifests } from './manifest';
import { isJsonObject } from './merge-patch';
import { kindName, parseTypeArgs, resourceOfObject, resourcePath, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CliDeps, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface DeleteFlags {
  filename?: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  wait?: boolean;
  gracePeriod?: number;
  now?: boolean;
  force?: boolean;
  ignoreNotFound?: boolean;
  timeout?: string;
  cascade?: string;
  dryRun?: string;
}

interface Target { info: ResourceInfo; namespace: string; name: string; source?: string }

const PROPAGATION: Record<string, string> = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan', true: 'Background', false: 'Orphan' };

export class DeleteCommand implements Verb<DeleteFlags> {
  private conn?: Connection;
  private sleep: CliDeps['sleep'] = async () => {};
  private signal?: AbortSignal;
  private namespace = 'default';
  private typed: TypedNames[] = [];

  constructor(readonly flags: DeleteFlags) {}

  async complete(ctx: CommandContext<DeleteFlags>): Promise<void> {
    this.typed = ctx.args.length > 0 ? parseTypeArgs(ctx.args) : [];
    this.conn = await ctx.deps.connect(ctx.globals);
    this.sleep = ctx.deps.sleep;
    this.signal = ctx.signal;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    const hasFiles = (this.flags.filename?.length ?? 0) > 0;
    if (hasFiles && this.typed.length > 0) throw new UsageError('resource(s) were provided, but -f was also given');
    if (!hasFiles && this.typed.length === 0) throw new UsageError('You must provide one or more resources by argument or filename.');
    const unnamed = this.typed.some((t) => t.names.length === 0);
    if (unnamed && !this.flags.selector && !this.flags.all) throw new UsageError('resource(s) were provided, but no name was specified');
    if (this.flags.cascade && !(this.flags.cascade in PROPAGATION)) {
      throw new UsageError(`invalid cascade value (${this.flags.cascade}). Must be "background", "foreground", or "orphan".`);
    }
    if (this.flags.timeout) parseDuration(this.flags.timeout, 'timeout');
  }

  async run(io: IO): Promise<void> {
    const { targets, failures: loadFailures } = await this.targets(io);
    let failures = loadFailures;
    const deleted: { t: Target; response: unknown }[] = [];
    if (this.isForce()) {
      io.err.write('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
    }
    for (const t of targets) {
      try {
        const response = await this.deleteOne(t);
        io.out.write(`${kindName(t.info)} "${t.name}" ${this.isForce() ? 'force ' : ''}deleted${this.flags.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
        deleted.push({ t, response });
      } catch (err) {
        if (isConnectionRefused(err)) throw err;
        if (this.flags.ignoreNotFound && isNotFound(err)) continue;
        io.err.write(`${formatError(err, this.client.config.server)}\n`);
        failures++;
      }
    }
    if (this.shouldWait()) failures += await this.waitAll(io, deleted);
    if (failures > 0) throw new CommandFailed(failures);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('delete: complete() was not called');
    return this.conn.client;
  }

  /** The grace period kubectl sends: --now is 1, 0 without --force is 1, --force alone is 0, -1 = server default. */
  gracePeriod(): number {
    let grace = this.flags.gracePeriod ?? -1;
    if (this.flags.now) grace = 1;
    if (grace === 0 && !this.flags.force) grace = 1;
    if (this.flags.force && grace < 0) grace = 0;
    return grace;
  }

  private isForce(): boolean { return (this.flags.force ?? false) && this.gracePeriod() === 0; }

  private shouldWait(): boolean { return (this.flags.wait ?? true) && this.flags.dryRun !== 'server' && !this.isForce(); }

  /** kubectl's DELETE body. */
  deleteOptions(): DeleteOptions {
    const body: DeleteOptions = {};
    const grace = this.gracePeriod();
    if (grace >= 0) body.gracePeriodSeconds = grace;
    body.propagationPolicy = PROPAGATION[this.flags.cascade ?? 'background'];
    if (this.flags.dryRun === 'server') body.dryRun = ['All'];
    return body;
  }

  /** The DELETE's response: the terminating object, or the deleted one, or a Status. */
  private async deleteOne(t: Target): Promise<unknown> {
    try {
      return await this.client.request('DELETE', resourcePath(t.info, t.namespace, t.name), { body: this.deleteOptions() });
    } catch (err) {
      throw t.source && !isNotFound(err) ? withContext(err, `error when deleting "${t.source}"`) : err;
    }
  }

  private async targets(io: IO): Promise<{ targets: Target[]; failures: number }> {
    if (this.flags.filename?.length) return this.targetsFromFiles(io);
    const targets: Target[] = [];
    for (const t of this.typed) {
      if (t.names.length > 0) {
        targets.push(...t.names.map((name) => ({ info: t.info, namespace: this.namespace, name })));
        continue;
      }
      const list = await this.client.request<{ items?: { metadata: { name: string; namespace?: string } }[] }>('GET',
        resourcePath(t.info, this.namespace), { query: { labelSelector: this.flags.selector } });
      targets.push(...(list.items ?? []).map((o) => ({ info: t.info, namespace: o.metadata.namespace ?? this.namespace, name: o.metadata.name })));
    }
    if (targets.length === 0 && (this.flags.selector || this.flags.all)) io.out.write('No resources found\n');
    return { targets, failures: 0 };
  }

  private async targetsFromFiles(io: IO): Promise<{ targets: Target[]; failures: number }> {
    const loaded = await loadManifests(this.flags.filename ?? [], { recursive: this.flags.recursive, stdin: io.in });
    for (const e of loaded.errors) io.err.write(`${e}\n`);
    const targets: Target[] = [];
    let failures = loaded.errors.length;
    for (const m of loaded.manifests) {
      const meta = isJsonObject(m.object.metadata) ? m.object.metadata : {};
      const info = resourceOfObject(String(m.object.apiVersion), String(m.object.kind));
      if (!info) {
        io.err.write(`error: resource mapping not found for name: "${String(meta.name ?? '')}" namespace: "${String(meta.namespace ?? '')}" from "${m.source}": no matches for kind "${String(m.object.kind)}" in version "${String(m.object.apiVersion)}"\n`);
        failures++;
        continue;
      }
      const namespace = info.namespaced && typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : this.namespace;
      targets.push({ info, namespace, name: String(meta.name ?? ''), source: m.source });
    }
    return { targets, failures };
  }

  /** Waits for each deleted object to be gone (delete-wait.ts); --timeout bounds the whole wait. */
  private async waitAll(io: IO, deleted: { t: Target; response: unknown }[]): Promise<number> {
    const timeoutMs = this.flags.timeout ? parseDuration(this.flags.timeout, 'timeout') : 0;
    const ac = new AbortController();
    const stop = () => ac.abort();
    this.signal?.addEventListener('abort', stop, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(stop, timeoutMs) : undefined;
    let failures = 0;
    try {
      for (const { t, response } of deleted) {
        if (await waitForDeletion(this.client, t, response, ac.signal, this.sleep)) continue;
        if (this.signal?.aborted) break;
        io.err.write(`error: timed out waiting for the condition on ${t.info.plural}/${t.name}\n`);
        failures++;
      }
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', stop);
    }
    return failures;
  }
}
