// Prints server-side Tables like kubectl's tablePrinter (cli-runtime printers/tableprinter.go)
// through a tabwriter with kubectl's settings (minwidth 6, padding 3, pad with spaces).
import type { ApiObject } from '../../api/meta/v1';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };
}

/** meta.k8s.io/v1 Table, as the apiserver answers a Table Accept. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata?: { resourceVersion?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface TablePrintOptions {
  /** -o wide: also the columns with priority != 0. */
  wide?: boolean;
  /** -A: a NAMESPACE column first, from row.object.metadata.namespace. */
  withNamespace?: boolean;
  showLabels?: boolean;
  /** -L key: one column per label key, headed by the key's last path segment upper-cased. */
  labelColumns?: string[];
  noHeaders?: boolean;
  /** Set when several kinds are printed: `pod`, `replicaset.apps` prefixes the first cell. */
  kindPrefix?: string;
}

const MIN_WIDTH = 6;
const PADDING = 3;

const runeLength = (s: string): number => [...s].length;

/** Go's tabwriter with kubectl's settings: every cell but the last of a line is padded. */
export const formatColumns = (lines: string[][]): string => {
  const widths: number[] = [];
  for (const cells of lines) {
    cells.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? MIN_WIDTH, runeLength(c) + PADDING); });
  }
  return lines.map((cells) => cells.map((c, i) =>
    (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - runeLength(c)))).join('') + '\n').join('');
};

/** A cell as kubectl prints it: strings cut at the first line break, `<nil>` for null. */
export const formatCell = (cell: unknown): string => {
  if (typeof cell === 'string') {
    const cut = cell.search(/[\f\n\r]/);
    return cut >= 0 ? `${cell.slice(0, cut)}...` : cell;
  }
  if (cell === null || cell === undefined) return '<nil>';
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
};

/** `app=web,tier=db`, keys sorted (labels.FormatLabels); `<none>` when empty. */
export const formatLabels = (labels: Record<string, string> | undefined): string => {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels?.[k]}`).join(',');
};

const visibleColumns = (table: Table, wide: boolean): number[] =>
  table.columnDefinitions.flatMap((c, i) => (c.priority === 0 || wide ? [i] : []));

/** `-L app.kubernetes.io/name` is headed NAME (tableprinter formatLabelHeaders). */
const labelHeader = (key: string): string => (key.split('/').pop() ?? key).toUpperCase();

/** The header cells of a Table as kubectl decorates it (namespace, -L columns, labels). */
export const headerCells = (table: Table, opts: TablePrintOptions = {}): string[] => [
  ...(opts.withNamespace ? ['NAMESPACE'] : []),
  ...visibleColumns(table, opts.wide ?? false).map((i) => table.columnDefinitions[i].name.toUpperCase()),
  ...(opts.labelColumns ?? []).map(labelHeader),
  ...(opts.showLabels ? ['LABELS'] : []),
];

/** The cells of one row, decorated like the header. */
export const rowCells = (table: Table, row: TableRow, opts: TablePrintOptions = {}): string[] => {
  const cells = visibleColumns(table, opts.wide ?? false).map((i, n) => {
    const text = formatCell(row.cells[i]);
    return n === 0 && opts.kindPrefix ? `${opts.kindPrefix}/${text}` : text;
  });
  const meta = row.object?.metadata;
  return [...(opts.withNamespace ? [meta?.namespace ?? ''] : []), ...cells,
    ...(opts.labelColumns ?? []).map((k) => meta?.labels?.[k] ?? ''),
    ...(opts.showLabels ? [meta ? formatLabels(meta.labels) : ''] : [])];
};

/** The header and row cells of one Table, before alignment. */
export const tableCells = (table: Table, opts: TablePrintOptions = {}): string[][] => [
  ...(opts.noHeaders ? [] : [headerCells(table, opts)]),
  ...table.rows.map((row) => rowCells(table, row, opts)),
];

export const printTable = (table: Table, opts: TablePrintOptions = {}): string => formatColumns(tableCells(table, opts));

/** Sorts object keys recursively, as Go's encoders do for unstructured objects. */
export const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(src).sort().map((k) => [k, sortKeys(src[k])]));
};

/** -o json: kubectl indents with four spaces, escapes <, > and & as Go's encoder does, and ends with a newline. */
export const printJson = (obj: unknown): string => `${JSON.stringify(sortKeys(obj), null, 4)
  .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;

/** What -o yaml|json prints for several objects (kubectl fills kind/apiVersion on items). */
export const asList = (items: ApiObject[]): Record<string, unknown> =>
  ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });
