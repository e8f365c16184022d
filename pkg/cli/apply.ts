// berthctl apply -f: client-side apply as kubectl does it (apply.go, patcher.go): GET; create
// with the last-applied annotation, or send a three-way merge patch; one line per object.
import { StatusError, isNotFound } from '../apimachinery';
import type { ResourceInfo } from '../../api/resources';
import type { Client } from '../client/types';
import { formatError, isConnectionRefused } from './errors';
import { loadManifests, type Manifest } from './manifest';
import { isJsonObject, readLastApplied, threeWayMergePatch, withLastApplied, type JsonObject } from './merge-patch';
import { kindName, resourceOfObject, resourcePath } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface ApplyFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string;
}

export const FIELD_MANAGER = 'kubectl-client-side-apply';

type Outcome = 'created' | 'configured' | 'unchanged';

/** kubectl's `Resource: "/v1, Resource=pods", GroupVersionKind: …\nName: "x", Namespace: "y"`. */
export const describeTarget = (info: ResourceInfo, name: string, namespace: string): string =>
  `Resource: "${info.group}/${info.version}, Resource=${info.plural}", GroupVersionKind: "${info.group}/${info.version}, Kind=${info.kind}"\n` +
  `Name: "${name}", Namespace: "${namespace}"`;

/** A StatusError with kubectl's context in front of the server's message (AddSourceToErr). */
export const withContext = (err: unknown, context: string): unknown => {
  if (!(err instanceof StatusError)) return err;
  return new StatusError({ ...err.status, message: `${context}: ${err.status.message ?? ''}` });
};

export class ApplyCommand implements Verb<ApplyFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private explicitNamespace?: string;

  constructor(readonly flags: ApplyFlags) {}

  async complete(ctx: CommandContext<ApplyFlags>): Promise<void> {
    if (ctx.args.length > 0) throw new UsageError(`Unexpected args: [${ctx.args.join(' ')}]\nSee 'berthctl apply -h' for help and examples`);
    this.conn = await ctx.deps.connect(ctx.globals);
    this.explicitNamespace = ctx.globals.namespace;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    if (!this.flags.filename?.length) throw new UsageError('must specify one of -f and -k');
    const dryRun = this.flags.dryRun ?? 'none';
    if (!['none', 'server', 'client'].includes(dryRun)) {
      throw new UsageError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
    }
  }

  /** The IO's stdin serves `-f -`. */
  async run(io: IO): Promise<void> {
    const loaded = await loadManifests(this.flags.filename ?? [], { recursive: this.flags.recursive, stdin: io.in });
    for (const e of loaded.errors) io.err.write(`${e}\n`);
    let failures = loaded.errors.length;
    if (loaded.manifests.length === 0 && failures === 0) throw new UsageError('no objects passed to apply');
    for (const m of loaded.manifests) {
      try {
        const { prefix, outcome } = await this.applyOne(m);
        io.out.write(`${prefix} ${outcome}${this.dryRunSuffix()}\n`);
      } catch (err) {
        if (isConnectionRefused(err)) throw err;
        io.err.write(`${formatError(err, this.conn?.client.config.server)}\n`);
        failures++;
      }
    }
    if (failures > 0) throw new CommandFailed(failures);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('apply: complete() was not called');
    return this.conn.client;
  }

  private dryRunSuffix(): string {
    if (this.flags.dryRun === 'server') return ' (server dry run)';
    return this.flags.dryRun === 'client' ? ' (dry run)' : '';
  }

  private namespaceFor(m: Manifest, info: ResourceInfo): string {
    if (!info.namespaced) return '';
    const meta = isJsonObject(m.object.metadata) ? m.object.metadata : {};
    const own = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : undefined;
    if (own && this.explicitNamespace && own !== this.explicitNamespace) {
      throw new UsageError(`the namespace from the provided object "${own}" does not match the namespace "${this.explicitNamespace}". You must pass '--namespace=${own}' to perform this operation.`);
    }
    return own ?? this.namespace;
  }

  private async applyOne(m: Manifest): Promise<{ prefix: string; outcome: Outcome }> {
    const apiVersion = String(m.object.apiVersion);
    const kind = String(m.object.kind);
    const meta = isJsonObject(m.object.metadata) ? m.object.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const info = resourceOfObject(apiVersion, kind);
    if (!info) {
      throw new UsageError(`resource mapping not found for name: "${name}" namespace: "${String(meta.namespace ?? '')}" from "${m.source}": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`);
    }
    if (!name) throw new UsageError(`error when retrieving current configuration of:\n${describeTarget(info, name, '')}\nfrom server for: "${m.source}": resource name may not be empty`);
    const namespace = this.namespaceFor(m, info);
    const manifest: JsonObject = info.namespaced ? { ...m.object, metadata: { ...meta, namespace } } : m.object;
    const prefix = `${kindName(info)}/${name}`;
    const live = await this.getLive(info, namespace, name, m.source);
    if (!live) {
      if (this.flags.dryRun !== 'client') await this.create(info, namespace, manifest, m.source);
      return { prefix, outcome: 'created' };
    }
    const patch = threeWayMergePatch(readLastApplied(live), withLastApplied(manifest), live);
    if (Object.keys(patch).length === 0) return { prefix, outcome: 'unchanged' };
    if (this.flags.dryRun !== 'client') await this.patch(info, namespace, name, patch, m.source);
    return { prefix, outcome: 'configured' };
  }

  private writeQuery(): Record<string, string | undefined> {
    return { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict', dryRun: this.flags.dryRun === 'server' ? 'All' : undefined };
  }

  private async getLive(info: ResourceInfo, namespace: string, name: string, source: string): Promise<JsonObject | undefined> {
    try {
      const live = await this.client.request<unknown>('GET', resourcePath(info, namespace, name));
      return isJsonObject(live) ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw withContext(err, `error when retrieving current configuration of:\n${describeTarget(info, name, namespace)}\nfrom server for: "${source}"`);
    }
  }

  private async create(info: ResourceInfo, namespace: string, manifest: JsonObject, source: string): Promise<void> {
    try {
      await this.client.request('POST', resourcePath(info, namespace), { body: withLastApplied(manifest), query: this.writeQuery() });
    } catch (err) {
      throw withContext(err, `error when creating "${source}"`);
    }
  }

  private async patch(info: ResourceInfo, namespace: string, name: string, patch: JsonObject, source: string): Promise<void> {
    try {
      await this.client.request('PATCH', resourcePath(info, namespace, name),
        { body: patch, contentType: 'application/merge-patch+json', query: this.writeQuery() });
    } catch (err) {
      throw withContext(err, `error when applying patch:\n${JSON.stringify(patch)}\nto:\n${describeTarget(info, name, namespace)}\nfor: "${source}"`);
    }
  }
}
