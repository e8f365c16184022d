// Strategic merge patch (apimachinery pkg/util/strategicpatch): like a merge patch, except
// that lists whose schema carries `x-kubernetes-patch-strategy: merge` merge element-wise —
// by `x-kubernetes-patch-merge-key` for lists of objects, as a set for primitive lists.
// Directives: `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<list>`,
// `$deleteFromPrimitiveList/<list>`. Inputs are never mutated.
import type { TSchema } from '@sinclair/typebox';
import { badRequest } from './errors';
import { deepEqual } from './patch';
import { extension, itemsSchema, propertySchema } from './schema-walk';

type Json = unknown;
type JsonMap = Record<string, Json>;

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

const directive = '$patch';
const retainKeys = '$retainKeys';
const setOrderPrefix = '$setElementOrder/';
const deletePrimitivePrefix = '$deleteFromPrimitiveList/';

/** Sentinel for "this key is deleted" from a nested `$patch: delete`. */
const deleted = Symbol('deleted');

const mergeValue = (original: Json, patch: Json, schema: TSchema | undefined): Json | typeof deleted => {
  if (isMap(patch)) return mergeMap(isMap(original) ? original : {}, patch, schema);
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, schema);
  return clone(patch);
};

const mergeMap = (original: JsonMap, patch: JsonMap, schema: TSchema | undefined): JsonMap | typeof deleted => {
  const mode = patch[directive];
  if (mode === 'delete') return deleted;
  if (mode === 'replace') return mergeMap({}, withoutKey(patch, directive), schema);
  if (mode !== undefined && mode !== 'merge') throw badRequest(`unknown patch type: ${String(mode)} found in map: ${JSON.stringify(patch)}`);
  const out = applyRetainKeys(clone(original), patch);
  const orders: [string, Json[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === directive || key === retainKeys) continue;
    if (key.startsWith(setOrderPrefix)) { orders.push([key.slice(setOrderPrefix.length), asList(value, key)]); continue; }
    if (key.startsWith(deletePrimitivePrefix)) { deleteFromPrimitiveList(out, key.slice(deletePrimitivePrefix.length), asList(value, key)); continue; }
    if (value === null) { delete out[key]; continue; }
    const merged = mergeValue(out[key], value, propertySchema(schema, key));
    if (merged === deleted) delete out[key];
    else out[key] = merged;
  }
  for (const [key, order] of orders) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = applyElementOrder(list, order, mergeKeyOf(propertySchema(schema, key)));
  }
  return out;
};

const withoutKey = (m: JsonMap, key: string): JsonMap => {
  const { [key]: _drop, ...rest } = m;
  void _drop;
  return rest;
};

const asList = (v: Json, key: string): Json[] => {
  if (!Array.isArray(v)) throw badRequest(`invalid type for ${key}: expected a list, got ${JSON.stringify(v)}`);
  return v;
};

/** `$retainKeys`: keys of the original that are not listed are cleared before merging. */
const applyRetainKeys = (out: JsonMap, patch: JsonMap): JsonMap => {
  const keep = patch[retainKeys];
  if (keep === undefined) return out;
  const keys = asList(keep, retainKeys);
  for (const k of Object.keys(out)) if (!keys.includes(k)) delete out[k];
  return out;
};

const deleteFromPrimitiveList = (out: JsonMap, key: string, values: Json[]): void => {
  const list = out[key];
  if (Array.isArray(list)) out[key] = list.filter((x) => !values.some((v) => deepEqual(v, x)));
};

const mergeKeyOf = (schema: TSchema | undefined): string | undefined => {
  const k = extension(schema, 'x-kubernetes-patch-merge-key');
  return typeof k === 'string' ? k : undefined;
};

const isMergeStrategy = (schema: TSchema | undefined): boolean => {
  const s = extension(schema, 'x-kubernetes-patch-strategy');
  return typeof s === 'string' && s.split(',').includes('merge');
};

const mergeList = (original: Json[], patch: Json[], schema: TSchema | undefined): Json[] => {
  const items = itemsSchema(schema);
  const replace = patch.some((p) => isMap(p) && p[directive] === 'replace');
  const patchItems = patch.filter((p) => !(isMap(p) && p[directive] === 'replace' && Object.keys(p).length === 1));
  if (replace || !isMergeStrategy(schema)) return patchItems.map((p) => cleanItem(p, items));
  if (!patchItems.some(isMap)) {
    const out = clone(original);
    for (const p of patchItems) if (!out.some((x) => deepEqual(x, p))) out.push(clone(p));
    return out;
  }
  const key = mergeKeyOf(schema);
  if (!key) return patchItems.map((p) => cleanItem(p, items));
  return mergeListByKey(original, patchItems, key, items);
};

const cleanItem = (p: Json, items: TSchema | undefined): Json => {
  const v = mergeValue(undefined, p, items);
  return v === deleted ? {} : v;
};

const mergeListByKey = (original: Json[], patch: Json[], key: string, items: TSchema | undefined): Json[] => {
  const out = clone(original);
  for (const p of patch) {
    if (!isMap(p) || !(key in p)) throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((x) => isMap(x) && deepEqual(x[key], p[key]));
    if (p[directive] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    const merged = mergeMap(idx >= 0 ? (out[idx] as JsonMap) : {}, p, items);
    if (merged === deleted) { if (idx >= 0) out.splice(idx, 1); continue; }
    if (idx >= 0) out[idx] = merged; else out.push(merged);
  }
  return out;
};

/** `$setElementOrder/<list>`: listed elements first, in that order; unlisted ones keep theirs after. */
const applyElementOrder = (list: Json[], order: Json[], key: string | undefined): Json[] => {
  const id = (x: Json): Json => (key && isMap(x) ? x[key] : x);
  const rank = (x: Json) => order.findIndex((o) => deepEqual(id(o), id(x)));
  const listed = list.filter((x) => rank(x) >= 0).sort((a, b) => rank(a) - rank(b));
  return [...listed, ...list.filter((x) => rank(x) < 0)];
};

/** Applies a strategic merge patch; merge keys and strategies come from `schema`. */
export const applyStrategicMergePatch = (original: unknown, patch: unknown, schema: TSchema): unknown => {
  if (!isMap(patch)) throw badRequest(`unable to find api field in struct for the json field: patch must be an object, got ${JSON.stringify(patch)}`);
  const merged = mergeMap(isMap(original) ? original : {}, patch, schema);
  return merged === deleted ? {} : merged;
};
