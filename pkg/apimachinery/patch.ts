// JSON patch (RFC 6902) and JSON merge patch (RFC 7386), as the apiserver applies them to
// `application/json-patch+json` and `application/merge-patch+json` bodies. Inputs are never
// mutated. Malformed patches are 400 BadRequest; patches that do not apply are 422 (upstream
// patcher.applyJSPatch).
import { badRequest, unprocessable } from './errors';

type Json = unknown;
type Container = Record<string, Json> | Json[];

interface Operation { op: string; path: string; from?: string; value?: Json }

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export const deepEqual = (a: Json, b: Json): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
};

const parsePointer = (path: string): string[] => {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path "${path}": must start with "/"`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
};

const decodeOps = (ops: unknown): Operation[] => {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return ops.map((raw, i) => {
    if (!isObject(raw) || typeof raw.op !== 'string') throw badRequest(`json patch: operation ${i} has no "op"`);
    if (typeof raw.path !== 'string') throw badRequest(`json patch: ${raw.op} operation ${i} has no "path"`);
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(raw.op)) throw badRequest(`Unexpected kind: ${raw.op}`);
    if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') throw badRequest(`json patch: ${raw.op} operation ${i} has no "from"`);
    if (['add', 'replace', 'test'].includes(raw.op) && !('value' in raw)) throw badRequest(`json patch: ${raw.op} operation ${i} has no "value"`);
    return raw as unknown as Operation;
  });
};

/** The container holding the last segment of `path`, and that segment. */
const locate = (doc: Json, path: string, op: string): { parent: Container; key: string } => {
  const segs = parsePointer(path);
  const key = segs.pop() as string;
  let cur = doc;
  for (const s of segs) {
    const next = Array.isArray(cur) ? cur[Number(s)] : isObject(cur) ? cur[s] : undefined;
    if (next === undefined || next === null || typeof next !== 'object' || (Array.isArray(cur) && !/^\d+$/.test(s))) {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    }
    cur = next;
  }
  if (cur === null || typeof cur !== 'object') throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return { parent: cur as Container, key };
};

const arrayIndex = (arr: Json[], key: string, op: string, path: string, forInsert: boolean): number => {
  if (forInsert && key === '-') return arr.length;
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || Number(key) > max) throw unprocessable(`${op} operation does not apply: index out of range: "${path}"`);
  return Number(key);
};

const getAt = (doc: Json, path: string, op: string): Json => {
  if (path === '') return doc;
  const { parent, key } = locate(doc, path, op);
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, key, op, path, false)] : parent[key];
  if (v === undefined || (!Array.isArray(parent) && !Object.prototype.hasOwnProperty.call(parent, key))) {
    throw unprocessable(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  }
  return v;
};

/** The value at `path`, or undefined when any segment is missing (for `test`). */
const lookup = (doc: Json, path: string): Json => parsePointer(path).reduce<Json>((cur, s) => {
  if (Array.isArray(cur)) return /^\d+$/.test(s) ? cur[Number(s)] : undefined;
  return isObject(cur) && Object.prototype.hasOwnProperty.call(cur, s) ? cur[s] : undefined;
}, doc);

const removeAt = (doc: Json, path: string, op: string): Json => {
  const { parent, key } = locate(doc, path, op);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, op, path, false), 1)[0];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw unprocessable(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
};

/** Returns the new document (a replaced root is returned, not written). */
const addAt = (doc: Json, path: string, value: Json, op: string): Json => {
  if (path === '') return value;
  const { parent, key } = locate(doc, path, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op, path, true), 0, value);
  else parent[key] = value;
  return doc;
};

const applyOne = (doc: Json, o: Operation): Json => {
  switch (o.op) {
    case 'add': return addAt(doc, o.path, clone(o.value), 'add');
    case 'remove': removeAt(doc, o.path, 'remove'); return doc;
    case 'replace': {
      if (o.path === '') return clone(o.value);
      getAt(doc, o.path, 'replace');
      const { parent, key } = locate(doc, o.path, 'replace');
      if (Array.isArray(parent)) parent[Number(key)] = clone(o.value); else parent[key] = clone(o.value);
      return doc;
    }
    case 'move': {
      if (o.path.startsWith(`${o.from}/`)) throw unprocessable(`move operation does not apply: "${o.from}" is a parent of "${o.path}"`);
      const v = o.from === '' ? doc : removeAt(doc, o.from as string, 'move');
      return addAt(doc, o.path, v, 'move');
    }
    case 'copy': return addAt(doc, o.path, clone(getAt(doc, o.from as string, 'copy')), 'copy');
    default: {
      const cur = lookup(doc, o.path);
      if (!deepEqual(cur, o.value)) throw unprocessable(`testing value ${o.path} failed: test failed`);
      return doc;
    }
  }
};

/** RFC 6902: add, remove, replace, move, copy, test; atomic (the input is untouched on error). */
export const applyJsonPatch = (obj: unknown, ops: unknown): unknown =>
  decodeOps(ops).reduce<Json>((doc, o) => applyOne(doc, o), clone(obj));

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export const applyMergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, Json> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
};
