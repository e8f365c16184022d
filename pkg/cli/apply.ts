// berthctl apply -f: client-side apply as kubectl does it (apply.go, patcher.go): GET; create
// with the last-applied annotation, or send a three-way merge patch; one line per object.
// --server-side sends the manifest as an apply patch instead; --prune then deletes what an
// earlier apply created and these manifests no longer contain (apply-prune.ts).
import { StatusError, isNotFound } from '../apimachinery';
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { formatError, isConnectionRefused } from './errors';
import { loadManifests, type Manifest } from './manifest';
import { isJsonObject, LAST_APPLIED, lastAppliedConfiguration, readLastApplied, withLastApplied, type JsonObject } from './merge-patch';
import { createApplyPatch, type ApplyPatch } from './strategic-patch';
import { ObjectPrinter, parseOutput, type OutputFormat } from './output';
import { createProgress, type Progress } from './progress';
import { kindName, resourceOfObject, resourcePath } from './resource';
import { CommandFailed, UsageError, type CliDeps, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface ApplyFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  prune?: boolean;
  pruneAllowlist?: string[];
  selector?: string;
  all?: boolean;
  output?: string;
}

export const FIELD_MANAGER = 'kubectl-client-side-apply';

type Outcome = 'created' | 'configured' | 'unchanged' | 'serverside-applied';

/** kubectl's `Resource: "/v1, Resource=pods", GroupVersionKind: …\nName: "x", Namespace: "y"`. */
export const describeTarget = (info: ResourceInfo, name: string, namespace: string): string =>
  `Resource: "${info.group}/${info.version}, Resource=${info.plural}", GroupVersionKind: "${info.group}/${info.version}, Kind=${info.kind}"\n` +
  `Name: "${name}", Namespace: "${namespace}"`;

/** A StatusError with kubectl's context in front of the server's message (AddSourceToErr). */
export const withContext = (err: unknown, context: string): unknown => {
  if (!(err instanceof StatusError)) return err;
  return new StatusError({ ...err.status, message: `${context}: ${err.status.message ?? ''}` });
};

const CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

/** One object to apply, resolved against the resource table. */
export interface Target { manifest: JsonObject; info: ResourceInfo; name: string; namespace: string; source: string }

export class ApplyCommand implements Verb<ApplyFlags> {
  conn?: Connection;
  deps?: CliDeps;
  namespace = 'default';
  explicitNamespace?: string;
  format: OutputFormat = { kind: 'table', wide: false };
  /** What this run applied, for --prune (kubectl's VisitedUids / VisitedNamespaces). */
  readonly visitedUids = new Set<string>();
  readonly visitedNamespaces = new Set<string>();

  constructor(readonly flags: ApplyFlags) {}

  async complete(ctx: CommandContext<ApplyFlags>): Promise<void> {
    if (ctx.args.length > 0) throw new UsageError(`Unexpected args: [${ctx.args.join(' ')}]\nSee 'berthctl apply -h' for help and examples`);
    this.format = parseOutput(this.flags.output, { allowTable: false });
    this.conn = await ctx.deps.connect(ctx.globals);
    this.deps = ctx.deps;
    this.explicitNamespace = ctx.globals.namespace;
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    if (!this.flags.filename?.length) throw new UsageError('must specify one of -f and -k');
    const dryRun = this.flags.dryRun ?? 'none';
    if (!['none', 'server', 'client'].includes(dryRun)) {
      throw new UsageError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
    }
    if (this.flags.forceConflicts && !this.flags.serverSide) throw new UsageError('--force-conflicts only works with --server-side');
    if (this.flags.serverSide && this.flags.dryRun === 'client') throw new UsageError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
    if (this.flags.prune && !this.flags.all && !this.flags.selector) throw new UsageError('all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector');
    if (this.flags.all && this.flags.selector) throw new UsageError('cannot set --all and --selector at the same time');
    if (!this.flags.prune && (this.flags.pruneAllowlist?.length ?? 0) > 0) throw new UsageError('--prune-allowlist must be used with --prune');
  }

  /** The IO's stdin serves `-f -`. */
  async run(io: IO): Promise<void> {
    const loaded = await loadManifests(this.flags.filename ?? [], { recursive: this.flags.recursive, stdin: io.in });
    for (const e of loaded.errors) io.err.write(`${e}\n`);
    let failures = loaded.errors.length;
    if (loaded.manifests.length === 0 && failures === 0) throw new UsageError('no objects passed to apply');
    if (this.explicitNamespace) this.visitedNamespaces.add(this.explicitNamespace);
    const printer = new ObjectPrinter(this.format, (o) => `${kindName(resourceOfObject(o.apiVersion ?? '', o.kind ?? '') as ResourceInfo)}/${o.metadata.name}`);
    const progress: Progress = createProgress(io.err, this.deps?.host?.isTTY && loaded.manifests.length > 1);
    const total = loaded.manifests.length;
    for (const [i, m] of loaded.manifests.entries()) {
      progress.update(`applying ${i + 1}/${total}: ${m.source}`);
      try {
        const { prefix, outcome, object } = await this.applyOne(m, io);
        progress.clear();
        if (this.format.kind === 'table') io.out.write(`${prefix} ${outcome}${this.dryRunSuffix()}\n`);
        else if (object) io.out.write(await printer.print([object], total === 1));
      } catch (err) {
        progress.clear();
        if (isConnectionRefused(err)) throw err;
        io.err.write(`${formatError(err, this.conn?.client.config.server)}\n`);
        failures++;
      }
    }
    progress.clear();
    if (this.flags.prune && failures === 0) {
      const { pruneAfterApply } = await import('./apply-prune');
      await pruneAfterApply(this, io);
    }
    if (failures > 0) throw new CommandFailed(failures);
  }

  get client(): Client {
    if (!this.conn) throw new Error('apply: complete() was not called');
    return this.conn.client;
  }

  dryRunSuffix(): string {
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

  /** Resolves a manifest to its resource, name and namespace (kubectl's resource builder). */
  target(m: Manifest): Target {
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
    return { manifest, info, name, namespace, source: m.source };
  }

  private visit(t: Target, obj: ApiObject | JsonObject | undefined): void {
    if (t.info.namespaced) this.visitedNamespaces.add(t.namespace);
    const uid = isJsonObject(obj) && isJsonObject(obj.metadata) ? obj.metadata.uid : undefined;
    if (typeof uid === 'string') this.visitedUids.add(uid);
  }

  private async applyOne(m: Manifest, io: IO): Promise<{ prefix: string; outcome: Outcome; object?: ApiObject }> {
    const t = this.target(m);
    const prefix = `${kindName(t.info)}/${t.name}`;
    if (this.flags.serverSide) {
      const object = await this.serverSideApply(t);
      this.visit(t, object);
      return { prefix, outcome: 'serverside-applied', object };
    }
    const live = await this.getLive(t.info, t.namespace, t.name, t.source);
    if (!live) {
      const object = this.flags.dryRun === 'client' ? withLastApplied(t.manifest) as unknown as ApiObject : await this.create(t);
      this.visit(t, object);
      return { prefix, outcome: 'created', object };
    }
    this.visit(t, live);
    // kubectl computes no patch in a client dry run: an existing object is always "configured".
    if (this.flags.dryRun === 'client') return { prefix, outcome: 'configured', object: live as unknown as ApiObject };
    const lastApplied = readLastApplied(live);
    if (!lastApplied) io.err.write(`Warning: resource ${t.info.plural}/${t.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`);
    const patch = await createApplyPatch(lastApplied, withLastApplied(t.manifest), live);
    if (Object.keys(patch.patch).length === 0) return { prefix, outcome: 'unchanged', object: live as unknown as ApiObject };
    return { prefix, outcome: 'configured', object: await this.patch(t, patch) };
  }

  writeQuery(): Record<string, string | undefined> {
    return { fieldManager: this.flags.fieldManager ?? FIELD_MANAGER, fieldValidation: 'Strict', dryRun: this.flags.dryRun === 'server' ? 'All' : undefined };
  }

  async getLive(info: ResourceInfo, namespace: string, name: string, source: string): Promise<JsonObject | undefined> {
    try {
      const live = await this.client.request<unknown>('GET', resourcePath(info, namespace, name));
      return isJsonObject(live) ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw withContext(err, `error when retrieving current configuration of:\n${describeTarget(info, name, namespace)}\nfrom server for: "${source}"`);
    }
  }

  private async create(t: Target): Promise<ApiObject> {
    try {
      return await this.client.request<ApiObject>('POST', resourcePath(t.info, t.namespace), { body: withLastApplied(t.manifest), query: this.writeQuery() });
    } catch (err) {
      throw withContext(err, `error when creating "${t.source}"`);
    }
  }

  private async patch(t: Target, { patch, contentType }: ApplyPatch): Promise<ApiObject> {
    try {
      return await this.client.request<ApiObject>('PATCH', resourcePath(t.info, t.namespace, t.name),
        { body: patch, contentType, query: this.writeQuery() });
    } catch (err) {
      throw withContext(err, `error when applying patch:\n${JSON.stringify(patch)}\nto:\n${describeTarget(t.info, t.name, t.namespace)}\nfor: "${t.source}"`);
    }
  }

  /** --server-side: the manifest as an apply patch; a stale last-applied annotation is refreshed as kubectl does. */
  private async serverSideApply(t: Target): Promise<ApiObject> {
    const query = { fieldManager: this.flags.fieldManager ?? 'kubectl', fieldValidation: 'Strict', force: this.flags.forceConflicts ? 'true' : 'false',
      dryRun: this.flags.dryRun === 'server' ? 'All' : undefined };
    const path = resourcePath(t.info, t.namespace, t.name);
    let out: ApiObject;
    try {
      out = await this.client.request<ApiObject>('PATCH', path, { body: t.manifest, contentType: 'application/apply-patch+yaml', query });
    } catch (err) {
      const { isConflict } = await import('../apimachinery');
      if (err instanceof StatusError && isConflict(err)) throw new UsageError(`${err.status.message ?? ''}\n${CONFLICT_HELP}`);
      throw err;
    }
    const annotations = out.metadata.annotations ?? {};
    if (LAST_APPLIED in annotations && annotations[LAST_APPLIED] !== lastAppliedConfiguration(t.manifest)) {
      const meta = isJsonObject(t.manifest.metadata) ? t.manifest.metadata : {};
      const body = { apiVersion: t.manifest.apiVersion, kind: t.manifest.kind,
        metadata: { name: meta.name, ...(t.info.namespaced ? { namespace: t.namespace } : {}), annotations: { [LAST_APPLIED]: lastAppliedConfiguration(t.manifest) } } };
      out = await this.client.request<ApiObject>('PATCH', path, { body, contentType: 'application/apply-patch+yaml', query: { ...query, fieldManager: 'kubectl-last-applied' } });
    }
    return out;
  }
}
