// Client-side apply's patch for built-in kinds: a three-way strategic merge patch, as
// apimachinery's strategicpatch.CreateThreeWayMergePatch. Two diffs against the manifest
// (`modified`): the deletions since the last apply (`original`: fields dropped become null,
// list items dropped become `$patch: delete`, scalars `$deleteFromPrimitiveList`), and the
// changes and additions needed on the live object (`current`), ignoring what the live object has
// beyond the manifest (defaults, other writers' fields). Lists with the merge strategy are diffed
// item by item on their merge key, so another writer's container survives, and carry a
// `$setElementOrder` when their content or order changes; maps and list items with the retainKeys
// strategy carry `$retainKeys`. The two diffs are then merged into one patch.
import { deepEqual, isJsonObject, threeWayMergePatch, type Json, type JsonObject } from './merge-patch';
import { fieldMeta, lookupPatchMeta, strategies, type PatchMeta } from './patch-meta';

interface DiffOptions {
  ignoreDeletions: boolean;
  ignoreChangesAndAdditions: boolean;
  buildRetainKeys: boolean;
}

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

type JsonKind = 'null' | 'map' | 'list' | 'string' | 'number' | 'boolean';
const kindOf = (v: Json): JsonKind => (v === null ? 'null' : Array.isArray(v) ? 'list' : isJsonObject(v) ? 'map' : typeof v as JsonKind);

/** extractRetainKeysPatchStrategy: whether retainKeys is one of the strategies, and the other one. */
const splitStrategies = (meta: PatchMeta | undefined): { retainKeys: boolean; strategy: string } => {
  const s = strategies(meta);
  return { retainKeys: s.includes('retainKeys'), strategy: s.find((x) => x !== 'retainKeys') ?? '' };
};

/** Go's `fmt.Sprintf("%v")` of a merge key or scalar, by which upstream sorts and matches. */
const keyString = (v: Json | undefined): string => (v === undefined || v === null ? '<nil>' : typeof v === 'object' ? JSON.stringify(v) : String(v));

const hasAdditionalNewField = (original: JsonObject, modified: JsonObject): boolean =>
  Object.entries(original).some(([k, v]) => v !== null && !(k in modified));

export const diffMaps = (original: JsonObject, modified: JsonObject, meta: PatchMeta | undefined, o: DiffOptions): JsonObject => {
  const patch: JsonObject = {};
  const retain: string[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (o.buildRetainKeys && mv !== null) retain.push(key);
    if (!(key in original)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const ov = original[key];
    if (kindOf(ov) !== kindOf(mv)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    if (isJsonObject(ov) && isJsonObject(mv)) diffMapField(key, ov, mv, patch, fieldMeta(meta, key), o);
    else if (Array.isArray(ov) && Array.isArray(mv)) diffListField(key, ov, mv, patch, fieldMeta(meta, key), o);
    else if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) patch[key] = mv;
  }
  if (!o.ignoreDeletions) for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  if (retain.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) patch[RETAIN_KEYS] = retain.sort();
  return patch;
};

const diffMapField = (key: string, ov: JsonObject, mv: JsonObject, patch: JsonObject, meta: PatchMeta | undefined, o: DiffOptions): void => {
  const { retainKeys, strategy } = splitStrategies(meta);
  if (strategy === 'replace') {
    if (!o.ignoreChangesAndAdditions) patch[key] = mv;
    return;
  }
  const sub = diffMaps(ov, mv, meta, { ...o, buildRetainKeys: retainKeys });
  if (Object.keys(sub).length > 0) patch[key] = sub;
};

const diffListField = (key: string, ov: Json[], mv: Json[], patch: JsonObject, meta: PatchMeta | undefined, o: DiffOptions): void => {
  const { retainKeys, strategy } = splitStrategies(meta);
  if (strategy !== 'merge') {
    if (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv)) patch[key] = mv;
    return;
  }
  const { add, del, order } = diffLists(ov, mv, meta, meta?.k ?? '', { ...o, buildRetainKeys: retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_PRIMITIVE}${key}`] = del;
  if (order.length > 0) patch[`${SET_ORDER}${key}`] = order;
};

interface ListDiff { add: Json[]; del: Json[]; order: Json[] }

const diffLists = (ov: Json[], mv: Json[], meta: PatchMeta | undefined, mergeKey: string, o: DiffOptions): ListDiff => {
  if (ov.length === 0) return { add: mv.length === 0 || o.ignoreChangesAndAdditions ? [] : mv, del: [], order: [] };
  if ([...ov, ...mv].every(isJsonObject)) return diffListsOfMaps(ov as JsonObject[], mv as JsonObject[], meta, mergeKey, o);
  return diffListsOfScalars(ov, mv, o);
};

const byKeyString = (mergeKey: string) => (a: JsonObject, b: JsonObject): number => {
  const x = keyString(a[mergeKey]);
  const y = keyString(b[mergeKey]);
  return x < y ? -1 : x > y ? 1 : 0;
};

const diffListsOfMaps = (ov: JsonObject[], mv: JsonObject[], meta: PatchMeta | undefined, mergeKey: string, o: DiffOptions): ListDiff => {
  for (const item of [...ov, ...mv]) {
    if (!(mergeKey in item)) throw new Error(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  const os = [...ov].sort(byKeyString(mergeKey));
  const ms = [...mv].sort(byKeyString(mergeKey));
  const changed: JsonObject[] = [];
  const deleted: JsonObject[] = [];
  let i = 0;
  let j = 0;
  while (i < os.length || j < ms.length) {
    const ok = i < os.length ? keyString(os[i][mergeKey]) : undefined;
    const mk = j < ms.length ? keyString(ms[j][mergeKey]) : undefined;
    if (ok !== undefined && mk !== undefined && ok === mk) {
      const sub = diffMaps(os[i], ms[j], meta, o);
      if (Object.keys(sub).length > 0) changed.push({ ...sub, [mergeKey]: ms[j][mergeKey] });
      i++;
      j++;
    } else if (ok === undefined || (mk !== undefined && ok > mk)) {
      if (!o.ignoreChangesAndAdditions) changed.push(ms[j]);
      j++;
    } else {
      if (!o.ignoreDeletions) deleted.push({ $patch: 'delete', [mergeKey]: os[i][mergeKey] });
      i++;
    }
  }
  const position = (item: JsonObject) => mv.findIndex((m) => deepEqual(m[mergeKey], item[mergeKey]));
  const add = [...changed.sort((a, b) => position(a) - position(b)), ...deleted];
  const orderSame = ov.length === mv.length && mv.every((m, k) => deepEqual(m[mergeKey], ov[k][mergeKey]));
  const wantOrder = (!o.ignoreChangesAndAdditions && (add.length > 0 || !orderSame)) || (!o.ignoreDeletions && add.length > 0);
  return { add, del: [], order: wantOrder ? mv.map((m) => ({ [mergeKey]: m[mergeKey] })) : [] };
};

const diffListsOfScalars = (ov: Json[], mv: Json[], o: DiffOptions): ListDiff => {
  const has = (list: Json[], v: Json) => list.some((x) => keyString(x) === keyString(v));
  const add = o.ignoreChangesAndAdditions ? [] : mv.filter((v, k) => !has(ov, v) && mv.findIndex((x) => keyString(x) === keyString(v)) === k);
  const del = o.ignoreDeletions ? [] : ov.filter((v, k) => !has(mv, v) && ov.findIndex((x) => keyString(x) === keyString(v)) === k)
    .sort((a, b) => (keyString(a) < keyString(b) ? -1 : keyString(a) > keyString(b) ? 1 : 0));
  const wantOrder = (!o.ignoreDeletions && del.length > 0) || (!o.ignoreChangesAndAdditions && !deepEqual(ov, mv));
  return { add, del, order: wantOrder ? mv : [] };
};

/** Merges patch `b` into patch `a` (upstream merges the delta into the deletions). */
export const mergePatches = (a: JsonObject, b: JsonObject, meta: PatchMeta | undefined): JsonObject => {
  const out: JsonObject = { ...a };
  for (const [key, bv] of Object.entries(b)) {
    const av = out[key];
    if (key.startsWith('$')) out[key] = bv;
    else if (isJsonObject(av) && isJsonObject(bv)) out[key] = mergePatches(av, bv, fieldMeta(meta, key));
    else if (Array.isArray(av) && Array.isArray(bv)) out[key] = mergeLists(av, bv, fieldMeta(meta, key));
    else out[key] = bv;
  }
  return out;
};

const mergeLists = (a: Json[], b: Json[], meta: PatchMeta | undefined): Json[] => {
  const { strategy } = splitStrategies(meta);
  if (strategy !== 'merge') return b;
  const mergeKey = meta?.k;
  if (!mergeKey) return [...a, ...b.filter((v) => !a.some((x) => deepEqual(x, v)))];
  const out = [...a];
  for (const item of b) {
    const k = isJsonObject(item) ? out.findIndex((x) => isJsonObject(x) && deepEqual(x[mergeKey], item[mergeKey])) : -1;
    if (k >= 0 && isJsonObject(item)) out[k] = mergePatches(out[k] as JsonObject, item, meta);
    else out.push(item);
  }
  return out;
};

/**
 * The strategic merge patch that takes `current` to `modified`, deleting what `original` (the
 * last-applied configuration, if any) had and `modified` dropped. `{}` means unchanged.
 */
export const threeWayStrategicPatch = (original: JsonObject | undefined, modified: JsonObject, current: JsonObject, meta: PatchMeta): JsonObject => {
  const delta = diffMaps(current, modified, meta, { ignoreDeletions: true, ignoreChangesAndAdditions: false, buildRetainKeys: false });
  const deletions = diffMaps(original ?? {}, modified, meta, { ignoreDeletions: false, ignoreChangesAndAdditions: true, buildRetainKeys: false });
  return mergePatches(deletions, delta, meta);
};

export interface ApplyPatch { patch: JsonObject; contentType: 'application/strategic-merge-patch+json' | 'application/merge-patch+json' }

/**
 * kubectl's patcher: a strategic merge patch for kinds built into the server (their merge keys come
 * from the generated table, loaded here and only here), a JSON merge patch for others (CRDs).
 */
export const createApplyPatch = async (original: JsonObject | undefined, modified: JsonObject, current: JsonObject): Promise<ApplyPatch> => {
  const apiVersion = typeof modified.apiVersion === 'string' ? modified.apiVersion : '';
  const kind = typeof modified.kind === 'string' ? modified.kind : '';
  const meta = await lookupPatchMeta(apiVersion, kind);
  if (meta) return { patch: threeWayStrategicPatch(original, modified, current, meta), contentType: 'application/strategic-merge-patch+json' };
  return { patch: threeWayMergePatch(original, modified, current), contentType: 'application/merge-patch+json' };
};
