// -o for every verb that prints objects (get, create, label, scale, apply…): kubectl's
// printer flags (cli-runtime genericclioptions.PrintFlags). Tables are get's business; this
// module prints objects as json, yaml, name, jsonpath and custom-columns.
import fs from 'node:fs';
import type { ApiObject } from '../../api/meta/v1';
import { columnsFromSpec, columnsFromTemplate, CustomColumnsPrinter } from './custom-columns';
import { executeJsonPath, JsonPathError, parseJsonPath, type Template } from './jsonpath';
import { asList, printJson, sortKeys } from './printer';
import { UsageError } from './types';

export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: Template; raw: string }
  | { kind: 'custom-columns'; printer: CustomColumnsPrinter }
  | { kind: 'go-template'; tree: GoTemplate; raw: string };

type GoTemplate = ReturnType<typeof import('./go-template').parseGoTemplate>;
/** go-template.ts only when -o asks for it (start-up of every other get). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const goTemplates = (): typeof import('./go-template') => require('./go-template') as typeof import('./go-template');

const goTemplateOf = (raw: string): OutputFormat => {
  const g = goTemplates();
  try {
    return { kind: 'go-template', tree: g.parseGoTemplate(raw), raw };
  } catch (err) {
    if (err instanceof g.GoTemplateError) throw new UsageError(`error parsing template ${raw}, template: output:1: ${err.message}`);
    throw err;
  }
};

const ALLOWED = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

const jsonPathOf = (raw: string): OutputFormat => {
  try {
    return { kind: 'jsonpath', template: parseJsonPath(raw), raw };
  } catch (err) {
    if (err instanceof JsonPathError) throw new UsageError(`error parsing jsonpath ${raw}, ${err.message}`);
    throw err;
  }
};

/** Parses -o; `allowTable` is false for verbs whose only human output is a message line. */
export const parseOutput = (output: string | undefined, opts: { noHeaders?: boolean; allowTable?: boolean } = {}): OutputFormat => {
  const value = output ?? '';
  const eq = value.indexOf('=');
  const [format, arg] = eq >= 0 ? [value.slice(0, eq), value.slice(eq + 1)] : [value, undefined];
  switch (format) {
    case '': return { kind: 'table', wide: false };
    case 'wide': if (opts.allowTable !== false) return { kind: 'table', wide: true }; break;
    case 'json': return { kind: 'json' };
    case 'yaml': return { kind: 'yaml' };
    case 'name': return { kind: 'name' };
    case 'jsonpath':
      if (arg === undefined || arg === '') throw new UsageError('template format specified but no template given');
      return jsonPathOf(arg);
    case 'jsonpath-file':
      if (!arg) throw new UsageError('template format specified but no template file given');
      return jsonPathOf(fs.readFileSync(arg, 'utf8'));
    case 'go-template': case 'template':
      if (arg === undefined || arg === '') throw new UsageError('template format specified but no template given');
      return goTemplateOf(arg);
    case 'go-template-file': case 'templatefile':
      if (!arg) throw new UsageError('template format specified but no template file given');
      return goTemplateOf(fs.readFileSync(arg, 'utf8'));
    case 'custom-columns':
      return { kind: 'custom-columns', printer: new CustomColumnsPrinter(columnsFromSpec(arg ?? ''), opts.noHeaders) };
    case 'custom-columns-file':
      if (!arg) throw new UsageError('custom-columns-file format specified but no custom columns file given');
      return { kind: 'custom-columns', printer: new CustomColumnsPrinter(columnsFromTemplate(fs.readFileSync(arg, 'utf8'))) };
    default:
      break;
  }
  throw new UsageError(`unable to match a printer suitable for the output format "${value}", allowed formats are: ${ALLOWED}`);
};

/** Plain scalars go-yaml v2 would read as another type; it double-quotes such strings. */
const AMBIGUOUS = /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?)$/;

/**
 * kubectl's YAML (sigs.k8s.io/yaml over go-yaml v2): keys sorted, sequences not indented
 * under their key, strings that would read as another type double-quoted, other strings
 * that need quoting single-quoted, no line folding.
 */
const withoutManagedFields = (o: ApiObject): ApiObject => {
  if (!o.metadata || !('managedFields' in o.metadata)) return o;
  const { managedFields: _hidden, ...metadata } = o.metadata as ApiObject['metadata'] & { managedFields?: unknown };
  return { ...o, metadata } as ApiObject;
};

export const yamlText = async (doc: unknown): Promise<string> => {
  const { dump } = await import('js-yaml');
  const text = dump(sortKeys(doc), { lineWidth: -1, noRefs: true, seqNoIndent: true })
    .replace(/^(\s*(?:- |[^'"\n]*?: )(?:- )*)'([^'\n]*)'$/gm, (line, head: string, inner: string) => (AMBIGUOUS.test(inner) ? `${head}"${inner}"` : line));
  return text.endsWith('\n') ? text : `${text}\n`;
};

/**
 * Prints objects in a non-table format. `single` prints the object itself rather than a
 * List (kubectl: one named object, or one object from -f). `nameOf` gives `kind/name`.
 */
export class ObjectPrinter {
  private printed = 0;

  constructor(private readonly format: OutputFormat, private readonly nameOf: (o: ApiObject) => string, private readonly showManagedFields = false) {}

  async print(objects: ApiObject[], single: boolean): Promise<string> {
    const f = this.format;
    // kubectl hides managedFields in every printer unless --show-managed-fields.
    const items = this.showManagedFields ? objects : objects.map(withoutManagedFields);
    if (f.kind === 'name') return items.map((o) => `${this.nameOf(o)}\n`).join('');
    if (f.kind === 'custom-columns') return f.printer.print(items);
    if (single && items.length === 0) return '';
    const doc = single ? items[0] : asList(items);
    const n = this.printed++;
    switch (f.kind) {
      case 'json': return printJson(doc);
      case 'yaml': return `${n > 0 ? '---\n' : ''}${await yamlText(doc)}`;
      case 'jsonpath':
        try {
          return executeJsonPath(f.template, sortKeys(doc));
        } catch (err) {
          if (err instanceof JsonPathError) throw new UsageError(`error executing jsonpath "${f.raw}": Error executing template: ${err.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${f.raw}\n`);
          throw err;
        }
      case 'go-template': {
        const g = goTemplates();
        try {
          return g.executeGoTemplate(f.tree, sortKeys(doc));
        } catch (err) {
          if (err instanceof g.GoTemplateError) throw new UsageError(`error executing template "${f.raw}": template: output:1: ${err.message}`);
          throw err;
        }
      }
      default:
        throw new Error(`ObjectPrinter: ${f.kind} is printed as a table`);
    }
  }
}
