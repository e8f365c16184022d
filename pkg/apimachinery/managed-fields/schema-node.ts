// How structured-merge-diff sees a value, read from our TypeBox schemas: a scalar, an atomic
// leaf (`x-kubernetes-list-type: atomic`, `x-kubernetes-map-type: atomic`), a map (struct
// fields and map keys are both `f:` elements) or a granular list (`map` keyed by
// x-kubernetes-list-map-keys, or `set`). Lists without a list type follow the patch strategy
// (merge + merge key → map, merge alone → set) and are atomic otherwise, as upstream's
// schema conversion does. Values without a schema are "deduced": maps granular, lists atomic.
import type { TSchema } from '@sinclair/typebox';
import { extension, itemsSchema, propertySchema, unwrap } from '../schema-walk';
import { indexElement, keyElement, pathString, valueElement, type Path, type PathElement } from './path';

export type Shape =
  | { type: 'leaf' }
  | { type: 'map'; field(key: string): TSchema | undefined; declared(key: string): boolean }
  | { type: 'list'; items: TSchema | undefined; keys?: string[] };

export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const leaf: Shape = { type: 'leaf' };

type Node = Record<string, unknown>;
const nodeOf = (schema: TSchema | undefined, want: 'object' | 'array'): Node | undefined => {
  const n = unwrap(schema, want);
  return n && typeof n === 'object' ? (n as Node) : undefined;
};

/** True when `key` is a declared property of the struct schema (not a map key). */
export const isDeclaredField = (schema: TSchema | undefined, key: string): boolean => {
  const props = nodeOf(schema, 'object')?.properties;
  return !!props && typeof props === 'object' && Object.prototype.hasOwnProperty.call(props, key);
};

/**
 * Shapes are pure functions of the (immutable) schema and are asked for at every node of every
 * write, so they are computed once per schema node.
 */
const memoBySchema = (compute: (schema: TSchema | undefined) => Shape) => {
  const memo = new WeakMap<TSchema, Shape>();
  let withoutSchema: Shape | undefined;
  return (schema: TSchema | undefined): Shape => {
    if (!schema) return (withoutSchema ??= compute(undefined));
    let shape = memo.get(schema);
    if (!shape) memo.set(schema, (shape = compute(schema)));
    return shape;
  };
};

/** Memoises a per-key answer of one schema node. */
const perKey = <T>(f: (key: string) => T): ((key: string) => T) => {
  const memo = new Map<string, T>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as T;
    const v = f(key);
    memo.set(key, v);
    return v;
  };
};

const listShape = memoBySchema((schema: TSchema | undefined): Shape => {
  if (!nodeOf(schema, 'array')) return leaf;
  const listType = extension(schema, 'x-kubernetes-list-type');
  const mapKeys = extension(schema, 'x-kubernetes-list-map-keys');
  const mergeKey = extension(schema, 'x-kubernetes-patch-merge-key');
  const strategy = extension(schema, 'x-kubernetes-patch-strategy');
  const items = itemsSchema(schema);
  if (listType === 'set') return { type: 'list', items };
  if (listType === 'map') {
    const keys = Array.isArray(mapKeys) ? mapKeys.map(String) : typeof mergeKey === 'string' ? [mergeKey] : [];
    return keys.length > 0 ? { type: 'list', items, keys } : leaf;
  }
  if (listType !== undefined) return leaf;
  const merge = typeof strategy === 'string' && strategy.split(',').includes('merge');
  if (!merge) return leaf;
  return typeof mergeKey === 'string' ? { type: 'list', items, keys: [mergeKey] } : { type: 'list', items };
});

const mapShape = memoBySchema((schema: TSchema | undefined): Shape => {
  const node = nodeOf(schema, 'object');
  if (node?.['x-kubernetes-map-type'] === 'atomic') return leaf;
  // Without a schema every key is free-form: nothing to remember per key.
  if (!schema) return { type: 'map', field: () => undefined, declared: () => false };
  return { type: 'map', field: perKey((k) => propertySchema(schema, k)), declared: perKey((k) => isDeclaredField(schema, k)) };
});

/** The shape of `value` (or of `other` when value is missing) under `schema`. */
export const shapeOf = (schema: TSchema | undefined, value: unknown, other?: unknown): Shape => {
  const v = value === undefined || value === null ? other : value;
  if (Array.isArray(v)) return other !== undefined && other !== null && !Array.isArray(other) ? leaf : listShape(schema);
  if (isMap(v)) return other !== undefined && other !== null && !isMap(other) ? leaf : mapShape(schema);
  return leaf;
};

/** A malformed value for the schema: a list item without its key, a duplicate, … */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly code = 'BERTH_ERR_SCHEMA';
}

// Key fields with an upstream default (`+default="TCP"`) that our schemas may not carry yet.
const keyDefaults: Record<string, unknown> = { protocol: 'TCP' };

const keyValue = (item: Record<string, unknown>, key: string, items: TSchema | undefined): unknown => {
  const v = item[key];
  if (v !== undefined && v !== null) return v;
  const d = (propertySchema(items, key) as Node | undefined)?.default;
  return d !== undefined ? d : keyDefaults[key];
};

/**
 * The path element of a list item. `strict` (applied configurations) rejects items that cannot
 * be keyed; otherwise they fall back to their position, as stored objects must never fail.
 */
export const itemElement = (shape: Extract<Shape, { type: 'list' }>, item: unknown, index: number, path: Path, strict: boolean): PathElement => {
  const fail = (why: string): PathElement => {
    if (strict) throw new SchemaError(`${pathString(path)}: element ${index}: ${why}`);
    return indexElement(index);
  };
  if (!shape.keys) {
    if (isMap(item) || Array.isArray(item)) return fail('set lists may only hold scalars');
    return valueElement(item);
  }
  if (!isMap(item)) return fail('associative list with keys may only hold maps');
  const fields: Record<string, unknown> = {};
  for (const k of shape.keys) {
    const v = keyValue(item, k, shape.items);
    if (v === undefined) return fail(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
    fields[k] = v;
  }
  return keyElement(fields);
};

/** The schema one path element further down. */
export const schemaAt = (schema: TSchema | undefined, pe: PathElement): TSchema | undefined =>
  pe.startsWith('f:') ? propertySchema(schema, pe.slice(2)) : itemsSchema(schema);
