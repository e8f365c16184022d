// berthctl label / annotate (kubectl label.go, annotate.go): GET each object, apply the
// KEY=VALUE and KEY- changes with kubectl's --overwrite rules, and send the difference as a
// JSON merge patch with fieldManager kubectl-label / kubectl-annotate.
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { formatError, isConnectionRefused } from './errors';
import { ObjectPrinter, parseOutput, type OutputFormat } from './output';
import { kindName, parseTypeArgs, resourcePath, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface LabelFlags {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  list?: boolean;
  resourceVersion?: string;
  dryRun?: string;
  output?: string;
  filename?: string[];
}

type Kind = 'label' | 'annotate';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_ERROR = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** cmdutil.GetResourcesAndPairs: resources first, then KEY=VALUE / KEY- pairs. */
export const splitResourcesAndPairs = (args: string[], pairType: string): { resources: string[]; pairs: string[] } => {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    const isPair = (a.includes('=') && a[0] !== '=') || (a.endsWith('-') && a !== '-');
    if (isPair) pairs.push(a);
    else if (pairs.length > 0) throw new UsageError(`all resources must be specified before ${pairType} changes: ${a}`);
    else resources.push(a);
  }
  return { resources, pairs };
};

/** parseLabels / parseAnnotations: the values to set and the keys to remove. */
export const parsePairs = (kind: Kind, specs: string[]): { set: Record<string, string>; remove: string[] } => {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const noun = kind === 'label' ? 'label' : 'annotation';
  for (const spec of specs) {
    if (spec.includes('=')) {
      const i = spec.indexOf('=');
      const [key, value] = [spec.slice(0, i), spec.slice(i + 1)];
      if (kind === 'label' && value.includes('=')) throw new UsageError(`invalid label spec: ${spec}`);
      if (kind === 'label' && !LABEL_VALUE.test(value)) throw new UsageError(`invalid label value: "${spec}": ${LABEL_VALUE_ERROR}`);
      if (!key) throw new UsageError(`invalid ${noun} format: ${spec}`);
      set[key] = value;
    } else if (spec.endsWith('-')) {
      remove.push(spec.slice(0, -1));
    } else {
      throw new UsageError(`unknown ${noun} spec: ${spec}`);
    }
  }
  if (remove.some((k) => k in set)) throw new UsageError(`can not both modify and remove ${kind === 'label' ? 'a label' : 'an annotation'} in the same command`);
  return { set, remove };
};

export class LabelCommand implements Verb<LabelFlags> {
  private conn?: Connection;
  private namespace = 'default';
  private targets: TypedNames[] = [];
  private set: Record<string, string> = {};
  private remove: string[] = [];
  private format: OutputFormat = { kind: 'table', wide: false };

  constructor(private readonly kind: Kind, readonly flags: LabelFlags) {}

  private get field(): 'labels' | 'annotations' { return this.kind === 'label' ? 'labels' : 'annotations'; }

  async complete(ctx: CommandContext<LabelFlags>): Promise<void> {
    const { resources, pairs } = splitResourcesAndPairs(ctx.args, this.kind);
    ({ set: this.set, remove: this.remove } = parsePairs(this.kind, pairs));
    if (pairs.length === 0 && !this.flags.list) throw new UsageError(`at least one ${this.kind === 'label' ? 'label' : 'annotation'} update is required`);
    if (resources.length === 0) throw new UsageError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
    this.targets = parseTypeArgs(resources);
    this.format = parseOutput(this.flags.output, { allowTable: false });
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    if (this.flags.all && this.flags.selector) throw new UsageError('cannot set --all and --selector at the same time');
    if (this.targets.some((t) => t.names.length === 0) && !this.flags.all && !this.flags.selector) {
      throw new UsageError(`resource(s) were provided, but no name was specified`);
    }
    const dryRun = this.flags.dryRun ?? 'none';
    if (!['none', 'server', 'client'].includes(dryRun)) throw new UsageError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  }

  private get client(): Client {
    if (!this.conn) throw new Error(`${this.kind}: complete() was not called`);
    return this.conn.client;
  }

  private async objects(): Promise<{ info: ResourceInfo; obj: ApiObject }[]> {
    const out: { info: ResourceInfo; obj: ApiObject }[] = [];
    for (const t of this.targets) {
      if (t.names.length > 0) {
        for (const name of t.names) out.push({ info: t.info, obj: await this.client.request<ApiObject>('GET', resourcePath(t.info, this.namespace, name)) });
        continue;
      }
      const list = await this.client.request<{ items?: ApiObject[] }>('GET', resourcePath(t.info, this.flags.allNamespaces ? '' : this.namespace),
        { query: { labelSelector: this.flags.selector } });
      out.push(...(list.items ?? []).map((obj) => ({ info: t.info, obj })));
    }
    return out;
  }

  async run(io: IO): Promise<void> {
    const objects = await this.objects();
    if (this.flags.resourceVersion && objects.length > 1) throw new UsageError('--resource-version may only be used with a single resource');
    const printer = new ObjectPrinter(this.format, (o) => `${kindName(this.infoOf(o, objects))}/${o.metadata.name}`);
    let failures = 0;
    for (const { info, obj } of objects) {
      try {
        if (this.flags.list) {
          this.list(io, obj, objects.length > 1, info);
          continue;
        }
        const { out, message } = await this.update(io, info, obj);
        if (this.format.kind === 'table') io.out.write(`${kindName(info)}/${obj.metadata.name} ${message}${this.dryRunSuffix()}\n`);
        else io.out.write(await printer.print([out], true));
      } catch (err) {
        if (isConnectionRefused(err)) throw err;
        io.err.write(`${formatError(err, this.client.config.server)}\n`);
        failures++;
      }
    }
    if (failures > 0) throw new CommandFailed(failures);
  }

  private infoOf(o: ApiObject, objects: { info: ResourceInfo; obj: ApiObject }[]): ResourceInfo {
    return (objects.find((x) => x.obj === o || x.obj.metadata.uid === o.metadata.uid) ?? objects[0]).info;
  }

  private dryRunSuffix(): string {
    if (this.flags.dryRun === 'server') return ' (server dry run)';
    return this.flags.dryRun === 'client' ? ' (dry run)' : '';
  }

  private list(io: IO, obj: ApiObject, several: boolean, info: ResourceInfo): void {
    const values = (obj.metadata[this.field] ?? {}) as Record<string, string>;
    if (several) io.out.write(`Listing ${this.field} for ${info.kind}.${info.group}/${obj.metadata.name}:\n`);
    for (const k of Object.keys(values).sort()) io.out.write(`${several ? ' ' : ''}${k}=${values[k]}\n`);
  }

  /** Applies the changes to one object; PATCHes unless --dry-run=client. */
  private async update(io: IO, info: ResourceInfo, obj: ApiObject): Promise<{ out: ApiObject; message: string }> {
    const current = { ...((obj.metadata[this.field] ?? {}) as Record<string, string>) };
    const conflicts = Object.entries(this.set).filter(([k, v]) => k in current && current[k] !== v && !this.flags.overwrite);
    if (conflicts.length > 0) {
      const list = conflicts.map(([k]) => `'${k}' already has a value (${current[k]})`);
      throw new UsageError(this.kind === 'label' ? `${list.join(', ')}, and --overwrite is false` : `--overwrite is false but found the following declared annotation(s): ${list.join(', ')}`);
    }
    const patch: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(this.set)) if (current[k] !== v) patch[k] = v;
    const removed = this.remove.filter((k) => k in current);
    if (this.kind === 'label' && this.flags.dryRun !== 'client') {
      for (const k of this.remove) if (!(k in current)) io.out.write(`label "${k}" not found.\n`);
    }
    for (const k of removed) patch[k] = null;
    const message = this.kind === 'annotate' ? 'annotated' : Object.keys(this.set).some((k) => k in patch) ? 'labeled' : removed.length > 0 ? 'unlabeled' : 'not labeled';
    const meta: Record<string, unknown> = { [this.field]: patch };
    if (this.flags.resourceVersion) meta.resourceVersion = this.flags.resourceVersion;
    if (this.flags.dryRun === 'client') return { out: mergeLocally(obj, this.field, patch), message };
    const out = await this.client.request<ApiObject>('PATCH', resourcePath(info, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), {
      body: { metadata: meta }, contentType: 'application/merge-patch+json',
      query: { fieldManager: this.kind === 'label' ? 'kubectl-label' : 'kubectl-annotate', dryRun: this.flags.dryRun === 'server' ? 'All' : undefined },
    });
    return { out, message };
  }
}

const mergeLocally = (obj: ApiObject, field: 'labels' | 'annotations', patch: Record<string, string | null>): ApiObject => {
  const next = { ...((obj.metadata[field] ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return { ...obj, metadata: { ...obj.metadata, [field]: next } };
};
