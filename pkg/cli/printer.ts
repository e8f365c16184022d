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

/** The header and row cells of one Table, before alignment. */
export const tableCells = (table: Table, opts: TablePrintOptions = {}): string[][] => {
  const cols = visibleColumns(table, opts.wide ?? false);
  const lines: string[][] = [];
  if (!opts.noHeaders) {
    lines.push([...(opts.withNamespace ? ['NAMESPACE'] : []),
      ...cols.map((i) => table.columnDefinitions[i].name.toUpperCase()), ...(opts.showLabels ? ['LABELS'] : [])]);
  }
  for (const row of table.rows) {
    const cells = cols.map((i, n) => {
      const text = formatCell(row.cells[i]);
      return n === 0 && opts.kindPrefix ? `${opts.kindPrefix}/${text}` : text;
    });
    const meta = row.object?.metadata;
    lines.push([...(opts.withNamespace ? [meta?.namespace ?? ''] : []), ...cells,
      ...(opts.showLabels ? [formatLabels(meta?.labels)] : [])]);
  }
  return lines;
};

export const printTable = (table: Table, opts: TablePrintOptions = {}): string => formatColumns(tableCells(table, opts));

/** Sorts object keys recursively, as Go's encoders do for unstructured objects. */
export const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const src = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(src).sort().map((k) => [k, sortKeys(src[k])]));
};

/** -o json: kubectl indents with four spaces and ends with a newline. */
export const printJson = (obj: unknown): string => `${JSON.stringify(sortKeys(obj), null, 4)}\n`;

/** What -o yaml|json prints for several objects (kubectl fills kind/apiVersion on items). */
export const asList = (items: ApiObject[]): Record<string, unknown> =>
  ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });
