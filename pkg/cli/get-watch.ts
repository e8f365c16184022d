// get -w / --watch-only (kubectl get.go watch): print the current state, then one row (or
// object) per watch event from the list's resourceVersion, with kubectl's tabwriter that
// remembers column widths. The command ends (exit 0) when the server closes the stream.
import type { ApiObject, Status } from '../../api/meta/v1';
import { asTable, objectsOf, type GetCommand } from './get';
import { ObjectPrinter } from './output';
import { headerCells, rowCells, type Table, type TableRow } from './printer';
import { kindName, resourcePath, TABLE_ACCEPT } from './resource';
import { TabWriter } from './tabwriter';
import { CommandFailed, type IO } from './types';
import { watchEvents } from './watch';

interface RowSink { rows(table: Table, rows: TableRow[]): void; status(s: Status): void }

const tableSink = (cmd: GetCommand, io: IO): RowSink => {
  const writer = new TabWriter({ minwidth: 6, padding: 3, rememberWidths: true });
  let columns: Table | undefined;
  let headerDone = cmd.flags.noHeaders ?? false;
  const opts = cmd.tableOptions();
  return {
    rows(table, rows) {
      if (table.columnDefinitions.length > 0) columns = table;
      if (!columns || rows.length === 0) return;
      const lines = rows.map((r) => rowCells(columns as Table, r, opts));
      if (!headerDone) { lines.unshift(headerCells(columns, opts)); headerDone = true; }
      io.out.write(writer.format(`${lines.map((l) => l.join('\t')).join('\n')}\n`));
    },
    status(s) {
      // kubectl prints an ERROR event's Status through the table printer: STATUS REASON MESSAGE.
      io.out.write(writer.format(`STATUS\tREASON\tMESSAGE\n${s.status ?? 'Failure'}\t${s.reason ?? ''}\t${s.message ?? ''}\n`));
    },
  };
};

/** The resourceVersion of an object or of a Table row's object. */
const rowVersion = (x: unknown): string | undefined => {
  const o = x as { metadata?: { resourceVersion?: string }; object?: { metadata?: { resourceVersion?: string } } } | undefined;
  return o?.metadata?.resourceVersion ?? o?.object?.metadata?.resourceVersion;
};

export const watchTarget = async (cmd: GetCommand, io: IO): Promise<void> => {
  const t = cmd.targets[0];
  const single = t.names.length === 1;
  const isTable = cmd.format.kind === 'table';
  const fetched = isTable ? await cmd.fetch(t, TABLE_ACCEPT, (b) => [asTable(b)]) : await cmd.fetch(t, 'application/json', (b) => objectsOf(b, t.info));
  if (cmd.report(io, fetched.errors) > 0) throw new CommandFailed(fetched.errors.length);
  const sink = isTable ? tableSink(cmd, io) : undefined;
  const printer = new ObjectPrinter(cmd.format, (o) => `${kindName(t.info)}/${o.metadata.name}`, cmd.flags.showManagedFields);
  let lastSeen: string | undefined;
  if (!cmd.flags.watchOnly) {
    if (sink) for (const table of fetched.results as Table[]) sink.rows(table, table.rows);
    else for (const o of fetched.results as ApiObject[]) io.out.write(await printer.print([o], true));
    if (single) lastSeen = rowVersion((fetched.results as Table[])[0]?.rows?.[0] ?? (fetched.results as ApiObject[])[0]);
  }
  const namespace = single ? cmd.namespace : cmd.listNamespace();
  const query = single
    ? { fieldSelector: `metadata.name=${t.names[0]}`, resourceVersion: '0' }
    : { labelSelector: cmd.flags.selector, fieldSelector: cmd.flags.fieldSelector, resourceVersion: fetched.resourceVersion };
  for await (const ev of watchEvents<unknown>(cmd.client, { path: resourcePath(t.info, namespace), query, accept: isTable ? TABLE_ACCEPT : 'application/json', signal: cmd.signal })) {
    if (ev.type === 'BOOKMARK') continue;
    if (ev.type === 'ERROR') {
      if (sink) sink.status(ev.object as Status);
      return;
    }
    if (sink) {
      const table = asTable(ev.object);
      const rows = table.rows.filter((r) => !(single && ev.type === 'ADDED' && lastSeen !== undefined && rowVersion(r) === lastSeen));
      sink.rows(table, rows);
    } else {
      const o = objectsOf(ev.object, t.info)[0];
      if (single && ev.type === 'ADDED' && lastSeen !== undefined && o.metadata.resourceVersion === lastSeen) continue;
      io.out.write(await printer.print([o], true));
    }
  }
};
