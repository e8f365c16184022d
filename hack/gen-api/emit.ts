// Turns upstream OpenAPI definitions into TypeBox source. Pure: definitions in, source text out.
import { descriptions } from './descriptions';
import { external, modules, type ModuleConfig } from './config';

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  [ext: string]: unknown;
}
export type Definitions = Record<string, Schema>;

const apiPrefix = 'io.k8s.api.';
const listExtensions = ['x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys'];
const mapExtensions = ['x-kubernetes-map-type'];

/** The definition a schema points at (`$ref`, or v3's `allOf: [{$ref}]`). */
export const refOf = (s: Schema): string | undefined => {
  const r = s.$ref ?? s.allOf?.find((a) => a.$ref)?.$ref;
  return r ? r.slice(r.lastIndexOf('/') + 1) : undefined;
};

const refsIn = (s: unknown, out: Set<string>): Set<string> => {
  if (Array.isArray(s)) s.forEach((x) => refsIn(x, out));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.slice(v.lastIndexOf('/') + 1));
      else refsIn(v, out);
    }
  }
  return out;
};

/** Module prefix (`core.v1`) of an upstream definition name, if it is an API type. */
export const moduleOf = (def: string): string | undefined =>
  def.startsWith(apiPrefix) ? def.slice(apiPrefix.length, def.lastIndexOf('.')) : undefined;
const shortName = (def: string): string => def.slice(def.lastIndexOf('.') + 1);

/** Every API definition reachable from the modules' roots, by module prefix, in dependency order. */
export const plan = (defs: Definitions, mods: ModuleConfig[]): Map<string, string[]> => {
  const order = new Map<string, string[]>(mods.map((m) => [m.prefix, []]));
  const done = new Set<string>();
  const visit = (def: string, stack: string[]): void => {
    if (done.has(def) || external[def]) return;
    if (stack.includes(def)) throw new Error(`recursive definition ${[...stack, def].join(' → ')}`);
    const schema = defs[def];
    if (!schema) throw new Error(`definition ${def} is not in the spec`);
    for (const r of refsIn(schema, new Set())) visit(r, [...stack, def]);
    done.add(def);
    const m = moduleOf(def);
    const list = m ? order.get(m) : undefined;
    if (!list) throw new Error(`${def} (needed by ${stack.join(', ')}) belongs to no configured module`);
    list.push(def);
  };
  for (const m of mods) for (const k of [...m.roots, ...(m.extra ?? [])]) visit(`${apiPrefix}${m.prefix}.${k}`, []);
  return order;
};

/** A TypeScript literal in the project's style (single quotes). */
export const lit = (v: unknown): string => {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  return JSON.stringify(v);
};

const optionsOf = (s: Schema, keys: string[], description?: string): string => {
  const entries = keys.filter((k) => s[k] !== undefined).map((k) => `${lit(k)}: ${lit(s[k])}`);
  if (description) entries.unshift(`description: ${lit(description)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '';
};

interface Ctx { module: string; imports: Map<string, Set<string>>; helpers: Set<string> }

const use = (ctx: Ctx, helper: string, args = ''): string => {
  ctx.helpers.add(helper);
  return `${helper}(${args})`;
};

const refExpr = (ctx: Ctx, def: string): string => {
  const ext = external[def];
  if (ext?.helper) return use(ctx, ext.helper);
  const prefix = moduleOf(def);
  const from = ext?.meta ? 'meta/v1' : modules.find((m) => m.prefix === prefix)?.file;
  if (!from) throw new Error(`no mapping for ${def}`);
  const name = ext?.meta ?? shortName(def);
  if (from !== ctx.module) {
    const set = ctx.imports.get(from) ?? new Set<string>();
    set.add(name);
    ctx.imports.set(from, set);
  }
  return name;
};

/** The TypeBox expression of one schema. */
export const expr = (ctx: Ctx, s: Schema, description?: string): string => {
  const ref = refOf(s);
  if (ref) return refExpr(ctx, ref);
  const d = description ? lit(description) : '';
  switch (s.type) {
    case 'string':
      if (s.format === 'byte') return `Type.String({ format: 'byte'${d ? `, description: ${d}` : ''} })`;
      if (s.format === 'date-time') return use(ctx, 'Time', d);
      return use(ctx, 'Str', d);
    case 'integer': return use(ctx, s.format === 'int32' ? 'Int32' : 'Int', d);
    case 'number': return use(ctx, 'Num', d);
    case 'boolean': return use(ctx, 'Bool', d);
    case 'array': {
      const opts = optionsOf(s, listExtensions, description);
      return `Type.Array(${expr(ctx, s.items ?? {})}${opts ? `, ${opts}` : ''})`;
    }
    case 'object': {
      if (s.properties) return objectExpr(ctx, s, undefined, description);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const opts = optionsOf(s, mapExtensions, description);
        return `Type.Record(Type.String(), ${expr(ctx, s.additionalProperties)}${opts ? `, ${opts}` : ''})`;
      }
      return use(ctx, 'AnyJSON', d);
    }
    default:
      return use(ctx, 'AnyJSON', d);
  }
};

const propKey = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k));

// Type meta and metadata first, as in upstream's Go structs; the rest in the spec's order.
const typeMetaFirst = ['apiVersion', 'kind', 'metadata'];
const ordered = (props: Record<string, Schema>): Array<[string, Schema]> => [
  ...typeMetaFirst.filter((k) => props[k]).map((k): [string, Schema] => [k, props[k]]),
  ...Object.entries(props).filter(([k]) => !typeMetaFirst.includes(k)),
];

const objectExpr = (ctx: Ctx, s: Schema, defKey: string | undefined, description?: string): string => {
  const required = new Set(s.required ?? []);
  const lines = ordered(s.properties ?? {}).map(([k, p]) => {
    const e = expr(ctx, p, defKey ? descriptions[`${defKey}.${k}`] : undefined);
    return `  ${propKey(k)}: ${required.has(k) ? e : use(ctx, 'Opt', e)},`;
  });
  const opts = optionsOf(s, mapExtensions, description);
  ctx.helpers.add('Obj');
  return `Obj({\n${lines.join('\n')}\n}${opts ? `, ${opts}` : ''})`;
};

/** Source of one module: imports, one const + type per definition, Api<Kind> aliases, trailer. */
export const emitModule = (defs: Definitions, mod: ModuleConfig, order: string[], source: string): string => {
  const ctx: Ctx = { module: mod.file, imports: new Map(), helpers: new Set() };
  const body: string[] = [];
  for (const def of order) {
    const key = `${mod.prefix}.${shortName(def)}`;
    const s = defs[def];
    const e = s.properties ? objectExpr(ctx, s, key, descriptions[key]) : expr(ctx, s, descriptions[key]);
    body.push(`export const ${shortName(def)} = ${e};`, `export type ${shortName(def)} = Static<typeof ${shortName(def)}>;`, '');
  }
  const apiAliases = mod.roots.map((k) => `export type Api${k} = Stored<${k}>;`);
  const meta = ctx.imports.get('meta/v1') ?? new Set<string>();
  ctx.imports.delete('meta/v1');
  for (const line of mod.trailer ?? []) for (const m of /export \{ (.*) \}/.exec(line)?.[1].split(', ') ?? []) meta.add(m);
  const metaImports = [...meta].sort().join(', ');
  return [
    `// ${mod.title}.`,
    `// Code generated by hack/gen-api from ${source}; DO NOT EDIT.`,
    '// Field names, types, required fields and list/merge metadata are upstream\'s; descriptions are ours',
    '// (hack/gen-api/descriptions.ts).',
    `import { ${body.some((l) => l.includes('Type.')) ? 'Type, ' : ''}type Static } from '@sinclair/typebox';`,
    `import { ${[...ctx.helpers].filter((h) => h !== 'Type').sort().join(', ')} } from '../meta/schema';`,
    ...(metaImports || apiAliases.length ? [`import { ${[metaImports, apiAliases.length ? 'type Stored' : ''].filter(Boolean).join(', ')} } from '../meta/v1';`] : []),
    ...[...ctx.imports].sort().map(([from, names]) => `import { ${[...names].sort().join(', ')} } from '../${from}';`),
    '',
    ...body,
    ...apiAliases,
    ...(mod.trailer ?? []),
    '',
  ].join('\n');
};
