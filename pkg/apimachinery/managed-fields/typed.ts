// The value operations of structured-merge-diff's typed package on plain JSON and our schemas:
// the field set of an object, the comparison of two objects (added/modified/removed fields),
// the merge of an applied configuration into a live object, and the removal of items.
import type { TSchema } from '@sinclair/typebox';
import { deepEqual } from '../patch';
import { unwrap } from '../schema-walk';
import { FieldSet } from './field-set';
import { fieldElement, pathString, type Path, type PathElement } from './path';
import { isDeclaredField, isMap, itemElement, schemaAt, SchemaError, shapeOf, type Shape } from './schema-node';

type ListShape = Extract<Shape, { type: 'list' }>;

/** Indexes list items by path element; the first of duplicates wins (strict: an error). */
const indexItems = (shape: ListShape, list: unknown[], path: Path, strict: boolean): { order: PathElement[]; items: Map<PathElement, unknown> } => {
  const order: PathElement[] = [];
  const items = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const pe = itemElement(shape, item, i, path, strict);
    if (items.has(pe)) {
      if (strict) throw new SchemaError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
      order.push(pe);
      return;
    }
    items.set(pe, item);
    order.push(pe);
  });
  return { order, items };
};

/**
 * Every leaf field and list item `value` mentions (upstream ToFieldSet). `strict` is for applied
 * configurations: items that cannot be keyed and duplicates throw SchemaError.
 */
export const toFieldSet = (value: unknown, schema: TSchema | undefined, strict = false): FieldSet => {
  const set = new FieldSet();
  const walk = (v: unknown, s: TSchema | undefined, path: PathElement[]): void => {
    const shape = shapeOf(s, v);
    if (shape.type === 'leaf') { set.insert(path); return; }
    if (shape.type === 'list') {
      const { order, items } = indexItems(shape, v as unknown[], path, strict);
      for (const pe of new Set(order)) {
        const p = [...path, pe];
        walk(items.get(pe), shape.items, p);
        set.insert(p);
      }
      return;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (child === undefined) continue;
      const p = [...path, fieldElement(k)];
      walk(child, shape.field(k), p);
      if (!shape.declared(k)) set.insert(p);
    }
  };
  if (value !== undefined) walk(value, schema, []);
  return set;
};

export interface Comparison { added: FieldSet; modified: FieldSet; removed: FieldSet }

export const isSame = (c: Comparison): boolean => c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();

const isEmptyContainer = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

/**
 * What changed from `lhs` to `rhs` (upstream Compare). A map or list item that appears or
 * disappears is itself added/removed too (its `.`), except struct and required fields: upstream
 * compares against Go zero values, which have those on both sides.
 */
export const compare = (lhs: unknown, rhs: unknown, schema: TSchema | undefined): Comparison => {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leafRule = (l: unknown, r: unknown, path: Path): void => {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
  };
  const nodeRule = (l: unknown, r: unknown, path: Path, self: boolean): void => {
    if (!self) return;
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  };
  // One path array, pushed and popped: FieldSet.insert copies what it keeps.
  const path: PathElement[] = [];
  const walk = (l: unknown, r: unknown, s: TSchema | undefined, self: boolean): void => {
    const shape = shapeOf(s, l, r);
    if (shape.type === 'leaf' || (isEmptyContainer(l) && isEmptyContainer(r))) { leafRule(l, r, path); return; }
    if (shape.type === 'list') {
      const li = indexItems(shape, Array.isArray(l) ? l : [], path, false);
      const ri = indexItems(shape, Array.isArray(r) ? r : [], path, false);
      for (const pe of li.order.length === 0 ? new Set(ri.order) : new Set([...li.order, ...ri.order])) {
        path.push(pe);
        walk(li.items.get(pe), ri.items.get(pe), shape.items, true);
        path.pop();
      }
    } else {
      const lm = isMap(l) ? l : {};
      const rm = isMap(r) ? r : {};
      const lk = Object.keys(lm);
      const rk = Object.keys(rm);
      const keys = lk.length === 0 ? rk : rk.length === 0 ? lk : new Set([...lk, ...rk]);
      for (const k of keys) {
        if (lm[k] === undefined && rm[k] === undefined) continue;
        const field = shape.field(k);
        path.push(fieldElement(k));
        walk(lm[k], rm[k], field, !isStruct(field) && !isRequired(s, k));
        path.pop();
      }
    }
    nodeRule(l, r, path, self);
  };
  walk(lhs, rhs, schema, false);
  return c;
};

const structs = new WeakMap<TSchema, boolean>();
const requiredSets = new WeakMap<TSchema, ReadonlySet<string>>();

/** A schema with declared properties: a Go struct upstream, present (zero) on both sides. */
const isStruct = (schema: TSchema | undefined): boolean => {
  if (!schema) return false;
  let yes = structs.get(schema);
  if (yes === undefined) {
    const node = unwrap(schema, 'object') as { properties?: Record<string, unknown> } | undefined;
    yes = !!node?.properties && Object.keys(node.properties).length > 0;
    structs.set(schema, yes);
  }
  return yes;
};

/** A required field is never omitted upstream (no omitempty): its zero value is on both sides. */
const isRequired = (schema: TSchema | undefined, key: string): boolean => {
  if (!schema) return false;
  let required = requiredSets.get(schema);
  if (!required) {
    const node = unwrap(schema, 'object') as { required?: unknown } | undefined;
    required = new Set(Array.isArray(node?.required) ? node.required.map(String) : []);
    requiredSets.set(schema, required);
  }
  return required.has(key);
};

/** Restricts a comparison to fields outside `ignored` (upstream FilterFields). */
export const filterComparison = (c: Comparison, ignored: FieldSet): Comparison => ({
  added: c.added.recursiveDifference(ignored),
  modified: c.modified.recursiveDifference(ignored),
  removed: c.removed.recursiveDifference(ignored),
});

/**
 * Items only in lhs keep their place; rhs items come in rhs order, merged with their lhs
 * counterpart (upstream's mergingWalker.visitListItems ordering).
 */
const mergeList = (l: unknown[], r: unknown[], shape: ListShape, path: PathElement[]): unknown[] => {
  const li = indexItems(shape, l, path, false);
  const ri = indexItems(shape, r, path, true);
  const shared = ri.order.filter((pe) => li.items.has(pe));
  const done = new Set<PathElement>();
  const out: unknown[] = [];
  let next = 0;
  const emit = (pe: PathElement): void => {
    out.push(mergeValue(li.items.get(pe), ri.items.get(pe), shape.items, [...path, pe]));
    done.add(pe);
    while (next < shared.length && done.has(shared[next])) next++;
  };
  let a = 0;
  let b = 0;
  while (a < li.order.length || b < ri.order.length) {
    const pe = li.order[a];
    if (a < li.order.length && b < ri.order.length) {
      if (pe === ri.order[b]) { emit(pe); a++; b++; continue; }
      if (ri.items.has(pe) && next < shared.length && shared[next] !== pe) { a++; continue; }
    }
    if (a < li.order.length) {
      if (!ri.items.has(pe)) { out.push(structuredClone(l[a])); a++; continue; }
      if (done.has(pe)) { a++; continue; }
    }
    if (b < ri.order.length) { emit(ri.order[b]); b++; }
  }
  return out;
};

const withoutNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
  return out;
};

const mergeValue = (l: unknown, r: unknown, s: TSchema | undefined, path: PathElement[]): unknown => {
  if (r === undefined) return structuredClone(l);
  const shape = shapeOf(s, l, r);
  if (l === undefined || l === null || shape.type === 'leaf') return withoutNulls(r);
  if (shape.type === 'list') return mergeList(l as unknown[], r as unknown[], shape, path);
  const out: Record<string, unknown> = { ...(l as Record<string, unknown>) };
  for (const [k, rv] of Object.entries(r as Record<string, unknown>)) {
    if (rv === undefined) continue;
    // An applied null clears the field, as decoding it into the typed object does upstream.
    if (rv === null) { delete out[k]; continue; }
    out[k] = mergeValue(out[k], rv, shape.field(k), [...path, fieldElement(k)]);
  }
  return out;
};

/** Merges an applied configuration into the live object: rhs leaves win, lists merge by the schema. */
export const merge = <T>(live: T, config: unknown, schema: TSchema | undefined): T => mergeValue(live, config, schema, []) as T;

/** Removes every member of `set` from `value`: map entries, fields and list items (upstream RemoveItems). */
export const removeItems = <T>(value: T, set: FieldSet, schema: TSchema | undefined): T => {
  const walk = (v: unknown, s: TSchema | undefined, node: FieldSet, path: PathElement[]): unknown => {
    const shape = shapeOf(s, v);
    if (shape.type === 'list') {
      const list = v as unknown[];
      const out: unknown[] = [];
      list.forEach((item, i) => {
        const pe = itemElement(shape, item, i, path, false);
        if (node.members.has(pe)) return;
        const c = node.child(pe);
        out.push(c ? walk(item, shape.items, c, [...path, pe]) : item);
      });
      return out;
    }
    if (shape.type !== 'map') return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      const pe = fieldElement(k);
      if (node.members.has(pe)) continue;
      const c = node.child(pe);
      out[k] = c ? walk(child, shape.field(k), c, [...path, pe]) : child;
    }
    return out;
  };
  return walk(value, schema, set, []) as T;
};

/** Makes every declared struct field that has children a member too (upstream EnsureNamedFieldsAreMembers). */
export const ensureNamedFieldsAreMembers = (set: FieldSet, schema: TSchema | undefined): FieldSet => {
  const out = new FieldSet();
  for (const m of set.members) out.members.add(m);
  for (const [pe, c] of set.children) {
    if (pe.startsWith('f:') && isDeclaredField(schema, pe.slice(2))) out.members.add(pe);
    const sub = ensureNamedFieldsAreMembers(c, schemaAt(schema, pe));
    if (!sub.isEmpty()) out.children.set(pe, sub);
  }
  return out;
};
