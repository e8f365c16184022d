// berthctl get: server-side Tables printed like kubectl (get.go), or the objects themselves
// for -o yaml|json|name.
import type { ApiObject, List } from '../../api/meta/v1';
import type { ResourceInfo } from '../../api/resources';
import type { Client } from '../client/types';
import { formatError } from './errors';
import { asList, formatColumns, printJson, sortKeys, tableCells, type Table } from './printer';
import { apiVersionOf, kindName, parseTypeArgs, resourcePath, TABLE_ACCEPT, type TypedNames } from './resource';
import { CommandFailed, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  showLabels?: boolean;
  noHeaders?: boolean;
}

const OUTPUTS = ['', 'wide', 'yaml', 'json', 'name'];

/** What one target (a type, maybe with names) produced: a table or objects, plus errors. */
interface Fetched<T> { info: ResourceInfo; results: T[]; errors: unknown[] }

export class GetCommand implements Verb<GetFlags> {
  private targets: TypedNames[] = [];
  private conn?: Connection;
  private namespace = 'default';

  constructor(readonly flags: GetFlags) {}

  async complete(ctx: CommandContext<GetFlags>): Promise<void> {
    this.targets = parseTypeArgs(ctx.args);
    this.conn = await ctx.deps.connect(ctx.globals);
    this.namespace = ctx.globals.namespace ?? this.conn.namespace;
  }

  validate(): void {
    const output = this.flags.output ?? '';
    if (!OUTPUTS.includes(output)) {
      throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,wide,yaml`);
    }
    const named = this.targets.some((t) => t.names.length > 0);
    if (named && this.flags.selector) throw new UsageError('name cannot be provided when a selector is specified');
    if (named && this.flags.allNamespaces) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  }

  async run(io: IO): Promise<void> {
    const output = this.flags.output ?? '';
    const failures = output === '' || output === 'wide' ? await this.printTables(io) : await this.printObjects(io, output);
    if (failures > 0) throw new CommandFailed(failures);
  }

  private get client(): Client {
    if (!this.conn) throw new Error('get: complete() was not called');
    return this.conn.client;
  }

  private listNamespace(): string { return this.flags.allNamespaces ? '' : this.namespace; }

  private listQuery(): Record<string, string | number | undefined> {
    return { labelSelector: this.flags.selector, fieldSelector: this.flags.fieldSelector, limit: 500 };
  }

  /** GET each name, or the list (following `continue`), with the given Accept. */
  private async fetch<T>(t: TypedNames, accept: string, fromList: (body: unknown) => T[]): Promise<Fetched<T>> {
    const out: Fetched<T> = { info: t.info, results: [], errors: [] };
    if (t.names.length === 0) {
      let cont: string | undefined;
      do {
        const body = await this.client.request<{ metadata?: { continue?: string } }>('GET', resourcePath(t.info, this.listNamespace()),
          { accept, query: { ...this.listQuery(), continue: cont } });
        out.results.push(...fromList(body));
        cont = body.metadata?.continue || undefined;
      } while (cont);
      return out;
    }
    for (const name of t.names) {
      try {
        out.results.push(...fromList(await this.client.request('GET', resourcePath(t.info, this.namespace, name), { accept })));
      } catch (err) {
        out.errors.push(err);
      }
    }
    return out;
  }

  private async printTables(io: IO): Promise<number> {
    let failures = 0;
    let printed = 0;
    const several = this.targets.length > 1;
    for (const t of this.targets) {
      const { results, errors } = await this.fetch(t, TABLE_ACCEPT, (body) => [asTable(body)]);
      failures += this.report(io, errors);
      const rows = results.flatMap((r) => r.rows);
      if (rows.length === 0) continue;
      const table: Table = { ...results[0], rows };
      const cells = tableCells(table, { wide: this.flags.output === 'wide', withNamespace: this.flags.allNamespaces,
        showLabels: this.flags.showLabels, noHeaders: this.flags.noHeaders, kindPrefix: several ? kindName(t.info) : undefined });
      io.out.write(`${printed > 0 ? '\n' : ''}${formatColumns(cells)}`);
      printed++;
    }
    if (printed === 0 && failures === 0) io.err.write(`${this.noResourcesMessage()}\n`);
    return failures;
  }

  private async printObjects(io: IO, output: string): Promise<number> {
    let failures = 0;
    const items: ApiObject[] = [];
    for (const t of this.targets) {
      const { results, errors } = await this.fetch(t, 'application/json', (body) => objectsOf(body, t.info));
      failures += this.report(io, errors);
      items.push(...results);
    }
    if (output === 'name') {
      for (const o of items) io.out.write(`${kindName(this.infoOf(o))}/${o.metadata.name}\n`);
      if (items.length === 0 && failures === 0) io.err.write(`${this.noResourcesMessage()}\n`);
      return failures;
    }
    const single = this.targets.length === 1 && this.targets[0].names.length === 1;
    if (single && items.length === 0) return failures;
    const doc = single ? items[0] : asList(items);
    io.out.write(output === 'json' ? printJson(doc) : await toYamlText(doc));
    return failures;
  }

  private infoOf(o: ApiObject): ResourceInfo {
    return this.targets.find((t) => t.info.kind === o.kind && apiVersionOf(t.info) === o.apiVersion)?.info ?? this.targets[0].info;
  }

  private report(io: IO, errors: unknown[]): number {
    for (const e of errors) io.err.write(`${formatError(e, this.conn?.client.config.server)}\n`);
    return errors.length;
  }

  private noResourcesMessage(): string {
    const clusterOnly = this.targets.every((t) => !t.info.namespaced);
    return this.flags.allNamespaces || clusterOnly ? 'No resources found' : `No resources found in ${this.namespace} namespace.`;
  }
}

const toYamlText = async (doc: unknown): Promise<string> => {
  const { toYaml } = await import('../apimachinery');
  const text = toYaml(sortKeys(doc));
  return text.endsWith('\n') ? text : `${text}\n`;
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
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return d < 365 * 2 ? `${d}d` : `${Math.floor(d / 365)}y`;
};
