// `-o custom-columns=NAME:.metadata.name,…` and `-o custom-columns-file=…` (kubectl
// get/customcolumn.go): one JSONPath per column, several results joined by ",", `<none>`
// when a column finds nothing, aligned by kubectl's table tabwriter.
import { findResults, goFloat, JsonPathError, parseJsonPath, type Template } from './jsonpath';
import { TabWriter } from './tabwriter';
import { UsageError } from './types';

export interface Column { header: string; fieldSpec: string }

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/;

/** `.a.b`, `a.b`, `{a.b}` and `{.a.b}` all become `{.a.b}` (RelaxedJSONPathExpression). */
export const relaxedJsonPath = (expr: string): string => {
  if (expr === '') return expr;
  const m = RELAXED.exec(expr);
  if (!m) throw new UsageError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] || m[2]}}`;
};

export const columnsFromSpec = (spec: string): Column[] => {
  if (spec === '') throw new UsageError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new UsageError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), fieldSpec: relaxedJsonPath(part.slice(i + 1)) };
  });
};

/** The custom-columns-file format: a line of headers, a line of field specs. */
export const columnsFromTemplate = (text: string): Column[] => {
  const lines = text.split('\n');
  const headers = (lines[0] ?? '').split(/\s+/).filter(Boolean);
  const specs = (lines[1] ?? '').split(/\s+/).filter(Boolean);
  if (lines.length < 2 || lines[1] === undefined) throw new UsageError('invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.');
  if (headers.length !== specs.length) throw new UsageError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((header, i) => ({ header, fieldSpec: relaxedJsonPath(specs[i]) }));
};

/** Go's fmt.Sprint of a decoded JSON value (unstructured: integers are int64). */
export const goSprint = (v: unknown): string => {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goSprint(o[k])}`).join(' ')}]`;
  }
  return String(v);
};

export class CustomColumnsPrinter {
  private readonly parsed: Template[];
  private headerPrinted = false;
  private readonly writer = new TabWriter({ minwidth: 6, padding: 3, rememberWidths: true });

  constructor(private readonly columns: Column[], private readonly noHeaders = false) {
    this.parsed = columns.map((c) => {
      try {
        return parseJsonPath(c.fieldSpec);
      } catch (err) {
        if (err instanceof JsonPathError) throw new UsageError(err.message);
        throw err;
      }
    });
  }

  /** The cells of one object's row. */
  row(obj: unknown): string[] {
    return this.parsed.map((t) => {
      const values = findResults(t, obj);
      if (values.length === 0 || values[0].length === 0) return '<none>';
      return values.flat().map(goSprint).join(',');
    });
  }

  /** Rows (with the header the first time) for these objects, aligned. */
  print(objects: unknown[]): string {
    const lines: string[][] = [];
    if (!this.noHeaders && !this.headerPrinted) {
      lines.push(this.columns.map((c) => c.header));
      this.headerPrinted = true;
    }
    for (const o of objects) lines.push(this.row(o));
    if (lines.length === 0) return '';
    return this.writer.format(`${lines.map((l) => l.join('\t')).join('\n')}\n`);
  }
}
