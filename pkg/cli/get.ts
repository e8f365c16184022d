// berthctl get: server-side Tables printed like kubectl (get.go), or the objects themselves
// for -o yaml|json|name|jsonpath|custom-columns; -w streams changes (get-watch.ts).
import type { ApiObject, List } from '../../api/meta/v1';
import type { ResourceInfo } from './resource-table';
import type { Client } from '../client/types';
import { formatError } from './errors';
import { ObjectPrinter, parseOutput, type OutputFormat } from './output';
import { formatColumns, tableCells, type Table, type TablePrintOptions } from './printer';
import { apiVersionOf, kindName, parseTypeArgs, resourcePath, TABLE_ACCEPT, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  showLabels?: boolean;
  noHeaders?: boolean;
  labelColumns?: string[];
  sortBy?: string;
  watch?: boolean;
  watchOnly?: boolean;
  showManagedFields?: boolean;
  ignoreNotFound?: boolean;
  chunkSize?: number;
}

/** What one target (a type, maybe with names) produced: a table or objects, plus errors. */
interface Fetched<T> { info: ResourceInfo; results: T[]; errors: unknown[]; resourceVersion?: string }

export class GetCommand implements Verb<GetFlags> {
  targets: TypedNames[] = [];
  conn?: Connection;
  namespace = 'default';
  format: OutputFormat = { kind: 'table', wide: false };
  signal: AbortSignal = new AbortController().signal;

  constructor(readonly flags: GetFlags) {}

  async complete(ctx: CommandContext<GetFlags>): Promise<void> {
    this.targets = parseTypeArgs(ctx.args);
    this.format = parseOutput(this.flags.output, { noHeaders: this.flags.noHeaders });
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
    this.signal = ctx.signal;
  }

  validate(): void {
    const named = this.targets.some((t) => t.names.length > 0);
    if (named && this.flags.selector) throw new UsageError('name cannot be provided when a selector is specified');
    if (named && this.flags.allNamespaces) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
    const watching = this.flags.watch || this.flags.watchOnly;
    if (watching && this.targets.length > 1) throw new UsageError('you may only specify a single resource type');
    if (watching && this.targets[0].names.length > 1) throw new UsageError('watch is only supported on individual resources and resource collections, but 2 resources were found');
  }

  async run(io: IO): Promise<void> {
    if (this.flags.watch || this.flags.watchOnly) {
      const { watchTarget } = await import('./get-watch');
      await watchTarget(this, io);
      return;
    }
    const failures = this.format.kind === 'table' ? await this.printTables(io, this.format.wide) : await this.printObjects(io);
    if (failures > 0) throw new CommandFailed(failures);
  }

  get client(): Client {
    if (!this.conn) throw new Error('get: complete() was not called');
    return this.conn.client;
  }

  listNamespace(): string { return this.flags.allNamespaces ? '' : this.namespace; }

  listQuery(): Record<string, string | number | undefined> {
    const sorted = this.flags.sortBy !== undefined;
    return {
      labelSelector: this.flags.selector, fieldSelector: this.flags.fieldSelector,
      limit: sorted ? undefined : this.flags.chunkSize ?? 500, includeObject: sorted && this.format.kind === 'table' ? 'Object' : undefined,
    };
  }

  /** GET each name, or the list (following `continue`), with the given Accept. */
  async fetch<T>(t: TypedNames, accept: string, fromList: (body: unknown) => T[]): Promise<Fetched<T>> {
    const out: Fetched<T> = { info: t.info, results: [], errors: [] };
    if (t.names.length === 0) {
      let cont: string | undefined;
      do {
        const body = await this.client.request<{ metadata?: { continue?: string; resourceVersion?: string } }>('GET',
          resourcePath(t.info, this.listNamespace()), { accept, query: { ...this.listQuery(), continue: cont }, signal: this.signal });
        out.results.push(...fromList(body));
        out.resourceVersion = body.metadata?.resourceVersion;
        cont = body.metadata?.continue || undefined;
      } while (cont);
      return out;
    }
    for (const name of t.names) {
      try {
        out.results.push(...fromList(await this.client.request('GET', resourcePath(t.info, this.namespace, name), { accept, signal: this.signal })));
      } catch (err) {
        const { isNotFound } = await import('../apimachinery/errors');
        if (!(this.flags.ignoreNotFound && isNotFound(err))) out.errors.push(err);
      }
    }
    return out;
  }

  tableOptions(kindPrefix?: string): TablePrintOptions {
    return {
      wide: this.format.kind === 'table' && this.format.wide, withNamespace: this.flags.allNamespaces, showLabels: this.flags.showLabels,
      labelColumns: this.flags.labelColumns, noHeaders: this.flags.noHeaders, kindPrefix,
    };
  }

  private async printTables(io: IO, wide: boolean): Promise<number> {
    let failures = 0;
    let printed = 0;
    const several = this.targets.length > 1;
    for (const t of this.targets) {
      const { results, errors } = await this.fetch(t, TABLE_ACCEPT, (body) => [asTable(body)]);
      failures += this.report(io, errors);
      let rows = results.flatMap((r) => r.rows);
      if (rows.length === 0) continue;
      if (this.flags.sortBy) rows = await sortRows(rows, this.flags.sortBy);
      const table: Table = { ...results[0], rows };
      const cells = tableCells(table, { ...this.tableOptions(several ? kindName(t.info) : undefined), wide });
      io.out.write(`${printed > 0 ? '\n' : ''}${formatColumns(cells)}`);
      printed++;
    }
    if (printed === 0 && failures === 0 && this.targets.every((t) => t.names.length === 0)) io.err.write(`${this.noResourcesMessage()}\n`);
    return failures;
  }

  private async printObjects(io: IO): Promise<number> {
    let failures = 0;
    let items: ApiObject[] = [];
    for (const t of this.targets) {
      const { results, errors } = await this.fetch(t, 'application/json', (body) => objectsOf(body, t.info));
      failures += this.report(io, errors);
      items.push(...results);
    }
    if (this.flags.sortBy) {
      const { parseQuantity } = await import('../apimachinery');
      const { sortByField } = await import('./sort-by');
      items = sortByField(items, this.flags.sortBy, (o) => o, parseQuantity);
    }
    const single = this.targets.length === 1 && this.targets[0].names.length === 1;
    const printer = new ObjectPrinter(this.format, (o) => `${kindName(this.infoOf(o))}/${o.metadata.name}`, this.flags.showManagedFields);
    io.out.write(await printer.print(items, single));
    const listed = this.targets.every((t) => t.names.length === 0);
    if (items.length === 0 && failures === 0 && listed && ['name', 'custom-columns'].includes(this.format.kind)) {
      io.err.write(`${this.noResourcesMessage()}\n`);
    }
    return failures;
  }

  infoOf(o: ApiObject): ResourceInfo {
    return this.targets.find((t) => t.info.kind === o.kind && apiVersionOf(t.info) === o.apiVersion)?.info ?? this.targets[0].info;
  }

  report(io: IO, errors: unknown[]): number {
    for (const e of errors) io.err.write(`${formatError(e, this.conn?.client.config.server)}\n`);
    return errors.length;
  }

  noResourcesMessage(): string {
    const clusterOnly = this.targets.every((t) => !t.info.namespaced);
    return this.flags.allNamespaces || clusterOnly ? 'No resources found' : `No resources found in ${this.namespace} namespace.`;
  }
}

const sortRows = async (rows: Table['rows'], sortBy: string): Promise<Table['rows']> => {
  const { parseQuantity } = await import('../apimachinery');
  const { sortByField } = await import('./sort-by');
  return sortByField(rows, sortBy, (r) => r.object, parseQuantity);
};

/** The objects of a list or a single object, each with apiVersion and kind filled in. */
export const objectsOf = (body: unknown, info: ResourceInfo): ApiObject[] => {
  const b = body as Partial<List> & ApiObject;
  const items = Array.isArray(b.items) ? b.items : [b];
  return items.map((o) => ({ ...o, apiVersion: o.apiVersion ?? apiVersionOf(info), kind: o.kind ?? info.kind }));
};

/** A Table from the server; a server that ignored the Table Accept gets kubectl's NAME/AGE fallback. */
export const asTable = (body: unknown, now: Date = new Date()): Table => {
  const b = body as Partial<Table> & Partial<List>;
  if (b.kind === 'Table' && Array.isArray(b.columnDefinitions)) return { ...(b as Table), rows: b.rows ?? [] };
  const objects = Array.isArray(b.items) ? b.items : [body as ApiObject];
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', priority: 0 }, { name: 'Age', type: 'string', priority: 0 }],
    rows: objects.map((o) => ({ cells: [o.metadata.name, humanAge(o.metadata.creationTimestamp ?? undefined, now)], object: o })),
  };
};

/** kubectl's duration.HumanDuration, short form (`5s`, `3m2s`, `4h`, `12d`). */
export const humanAge = (timestamp: string | undefined, now: Date): string => {
  if (!timestamp) return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(timestamp));
};

/** apimachinery duration.HumanDuration of a length in milliseconds. */
export const humanDuration = (ms: number): string => {
  const s = Math.trunc(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0 || ms < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
};
