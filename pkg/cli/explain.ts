// berthctl explain RESOURCE[.field…] (kubectl explain v2): reads /openapi/v3, finds the
// schema whose x-kubernetes-group-version-kind matches the resource, follows the field path
// and prints kubectl's plaintext template (DESCRIPTION, FIELDS, word-wrapped at 76/78).
import type { Client } from '../client/types';
import { resolveResourceName } from './resource-table';
import { apiVersionOf } from './resource';
import { PlainError, UsageError, type CommandContext, type Connection, type IO, type Verb } from './types';

export interface ExplainFlags { recursive?: boolean; apiVersion?: string }

type Schema = Record<string, unknown>;
type Doc = { components?: { schemas?: Record<string, Schema> } };
const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** mitchellh/go-wordwrap WrapString: break at whitespace so lines stay within `lim` runes. */
export const wordWrap = (s: string, lim: number): string => {
  let out = '';
  let current = 0;
  let word = '';
  let space = '';
  for (const ch of s) {
    if (ch === '\n') {
      if (word === '') {
        if (current + space.length <= lim) out += space;
      } else {
        out += space + word;
      }
      space = '';
      word = '';
      out += ch;
      current = 0;
    } else if (/\s/.test(ch) && ch !== '\u00a0') {
      if (space === '' || word !== '') {
        current += space.length + [...word].length;
        out += space + word;
        space = '';
        word = '';
      }
      space += ch;
    } else {
      word += ch;
      const wl = [...word].length;
      if (current + space.length + wl > lim && wl < lim) {
        out += '\n';
        current = 0;
        space = '';
      }
    }
  }
  if (word === '') {
    if (current + space.length <= lim) out += space;
  } else {
    out += space + word;
  }
  return out;
};

const indent = (n: number, s: string): string => ' '.repeat(n) + s.split('\n').join(`\n${' '.repeat(n)}`);

export class Explainer {
  constructor(private readonly doc: Doc) {}

  resolve(schema: Schema): Schema {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.split('/').pop() ?? '';
    return this.doc.components?.schemas?.[name] ?? schema;
  }

  typeGuess(schema: Schema): string {
    if (isObj(schema.items)) return `[]${this.typeGuess(schema.items)}`;
    if (isObj(schema.additionalProperties)) return `map[string]${this.typeGuess(schema.additionalProperties)}`;
    const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
    if (allOf.length === 1 && !schema.properties && isObj(allOf[0])) return this.typeGuess(allOf[0]);
    if (typeof schema.$ref === 'string') {
      const target = this.doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''];
      if (!target || !target.type || target.type === 'object') return (schema.$ref.split('/').pop() ?? '').split('.').pop() || 'Object';
      return String(target.type);
    }
    return schema.type === 'object' || !schema.type ? 'Object' : String(schema.type);
  }

  description(schema: Schema): string {
    const s = this.resolve(schema);
    let out = typeof s.description === 'string' && s.description ? `${s.description}\n` : '';
    for (const sub of Array.isArray(s.allOf) ? s.allOf : []) if (isObj(sub)) out += this.description(sub);
    if (isObj(s.items)) out += this.description(s.items);
    if (isObj(s.additionalProperties)) out += this.description(s.additionalProperties);
    return out;
  }

  private enumText(schema: Schema, long: boolean, indentAmount: number): string {
    if (!Array.isArray(schema.enum) || schema.enum.length === 0) return '';
    const items = schema.enum.map((e) => (e === '' ? '""' : String(e)));
    if (long) return `ENUM:${items.map((e) => `\n    ${e}`).join('')}`;
    const shown = items.length > 4 ? [...items.slice(0, 4).join(', '), ', ....'].join('') : items.join(', ');
    return `\n${' '.repeat(indentAmount)}enum: ${shown}`;
  }

  fieldList(schema: Schema, level: number, recursive: boolean, seen: Set<string>): string {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : '';
    if (ref && seen.has(ref)) return '';
    const next = new Set(seen);
    if (ref) next.add(ref);
    const s = this.resolve(schema);
    let out = '';
    const props = isObj(s.properties) ? s.properties : {};
    const required = Array.isArray(s.required) ? s.required : [];
    for (const name of Object.keys(props).sort()) {
      const field = props[name] as Schema;
      const pad = level * 2;
      out += `${indent(pad, name)}\t<${this.typeGuess(field)}>${required.includes(name) ? ' -required-' : ''}${this.enumText(field, false, pad)}\n`;
      if (!recursive) out += `${indent(pad + 2, wordWrap(typeof field.description === 'string' && field.description ? field.description : '<no description>', 78 - pad))}\n\n`;
      if (recursive) out += this.fieldList(field, level + 1, recursive, next);
    }
    for (const sub of Array.isArray(s.allOf) ? s.allOf : []) if (isObj(sub)) out += this.fieldList(sub, level, recursive, next);
    if (isObj(s.items)) out += this.fieldList(s.items, level, recursive, next);
    if (isObj(s.additionalProperties)) out += this.fieldList(s.additionalProperties, level, recursive, next);
    return out;
  }

  /** The "output" template: follows `path`, then prints DESCRIPTION and FIELDS. Undefined when the path is missing. */
  output(schema: Schema, path: string[], recursive: boolean): string | undefined {
    const s = this.resolve(schema);
    if (path.length === 0) {
      const fields = this.fieldList(s, 1, recursive, new Set());
      return `DESCRIPTION:\n${indent(4, wordWrap(this.description(s) || '<empty>', 76))}\n${fields ? `FIELDS:\n${fields}` : ''}`;
    }
    const props = isObj(s.properties) ? s.properties : {};
    const sub = props[path[0]];
    if (isObj(sub)) {
      const head = path.length === 1 ? `FIELD: ${path[0]} <${this.typeGuess(sub)}>\n${this.enumText(sub, true, 0)}\n\n` : '';
      const rest = this.output(sub, path.slice(1), recursive);
      return rest === undefined ? undefined : head + rest;
    }
    if (isObj(s.items)) return this.output(s.items, path, recursive);
    if (isObj(s.additionalProperties)) return this.output(s.additionalProperties, path, recursive);
    for (const alt of Array.isArray(s.allOf) ? s.allOf : []) {
      const out = isObj(alt) ? this.output(alt, path, recursive) : undefined;
      if (out) return out;
    }
    return undefined;
  }
}

export class ExplainCommand implements Verb<ExplainFlags> {
  private conn?: Connection;
  private resource = '';
  private path: string[] = [];

  constructor(readonly flags: ExplainFlags) {}

  async complete(ctx: CommandContext<ExplainFlags>): Promise<void> {
    if (ctx.args.length !== 1) throw new UsageError('We accept only this format: explain RESOURCE');
    [this.resource, ...this.path] = ctx.args[0].split('.');
    this.conn = await ctx.deps.connect(ctx.globals);
  }

  validate(): void { /* the resource is resolved in run() */ }

  private get client(): Client {
    if (!this.conn) throw new Error('explain: complete() was not called');
    return this.conn.client;
  }

  async run(io: IO): Promise<void> {
    const info = resolveResourceName(this.resource);
    if (!info) throw new PlainError(`the server doesn't have a resource type "${this.resource}"`);
    const gv = this.flags.apiVersion ?? apiVersionOf(info);
    const index = await this.client.request<{ paths?: Record<string, { serverRelativeURL?: string }> }>('GET', '/openapi/v3');
    const key = gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
    const url = index.paths?.[key]?.serverRelativeURL;
    if (!url) throw new UsageError(`couldn't find resource for "${info.group ? `${info.group}/` : ''}${gv.split('/').pop()}, Kind=${info.kind}"`);
    const [p, q] = url.split('?');
    const doc = await this.client.request<Doc>('GET', p, { query: Object.fromEntries(new URLSearchParams(q ?? '')) });
    const group = info.group;
    const version = gv.split('/').pop() ?? info.version;
    const schemas = doc.components?.schemas ?? {};
    const schema = Object.values(schemas).find((sch) => {
      const gvks = sch['x-kubernetes-group-version-kind'];
      return Array.isArray(gvks) && gvks.some((g: Schema) => g.group === group && g.version === version && g.kind === info.kind);
    });
    if (!schema) throw new UsageError(`GVK map[group:${group} kind:${info.kind} version:${version}] not found in OpenAPI schema`);
    const explainer = new Explainer(doc);
    io.out.write(`${group ? `GROUP:      ${group}\n` : ''}KIND:       ${info.kind}\nVERSION:    ${version}\n\n`);
    const body = explainer.output(schema, this.path, this.flags.recursive ?? false);
    if (body === undefined) throw new UsageError(`field "${this.path[this.path.length - 1]}" does not exist`);
    io.out.write(`${body}\n`);
  }
}
