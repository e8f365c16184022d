// Client-side apply's patch: a three-way JSON merge patch (apimachinery
// util/jsonmergepatch.CreateThreeWayJSONMergePatch). Deletions come from the last-applied
// configuration (fields the user removed become null); additions and changes come from
// comparing the new manifest with the live object, so drift on the server is reverted.
//
// One deliberate difference: lists. A JSON merge patch replaces lists whole, and the live
// object carries server defaults inside list items (containers[].imagePullPolicy…), so a
// plain comparison would never say "unchanged". A list is sent when the user changed it
// since the last apply, or when the live list differs from the manifest beyond fields the
// manifest does not set — the effect strategic merge gets from merge keys.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const deepEqual = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
};

/** True when every field `want` sets has the same value in `have` (extra fields in `have` are defaults). */
export const subsetEqual = (want: Json | undefined, have: Json | undefined): boolean => {
  if (Array.isArray(want)) {
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => subsetEqual(w, have[i]));
  }
  if (isJsonObject(want)) {
    return isJsonObject(have) && Object.keys(want).every((k) =>
      (want[k] === null ? have[k] === undefined || have[k] === null : subsetEqual(want[k], have[k])));
  }
  return want === have;
};

const listChanged = (original: Json | undefined, modified: Json[], current: Json | undefined): boolean =>
  (original !== undefined && !deepEqual(original, modified)) || !subsetEqual(modified, current);

const fieldPatch = (original: Json | undefined, modified: Json, current: Json | undefined): Json | undefined => {
  if (modified === null) return current === undefined || current === null ? undefined : null;
  if (isJsonObject(modified)) {
    if (!isJsonObject(current)) return modified;
    const sub = threeWayMergePatch(isJsonObject(original) ? original : undefined, modified, current);
    return Object.keys(sub).length > 0 ? sub : undefined;
  }
  if (Array.isArray(modified)) return listChanged(original, modified, current) ? modified : undefined;
  return modified === current ? undefined : modified;
};

/**
 * The merge patch that turns `current` into `modified`, deleting what `original` (the last
 * applied manifest, if any) had and `modified` dropped. `{}` means unchanged.
 */
export const threeWayMergePatch = (original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject => {
  const patch: JsonObject = {};
  for (const key of Object.keys(original ?? {})) {
    if (!(key in modified) && key in current) patch[key] = null;
  }
  for (const [key, value] of Object.entries(modified)) {
    const p = fieldPatch(original?.[key], value, current[key]);
    if (p !== undefined) patch[key] = p;
  }
  return patch;
};

/** Recursively sorted keys: Go's encoding of unstructured objects, so the annotation matches kubectl's byte for byte. */
const sorted = (v: Json): Json => {
  if (Array.isArray(v)) return v.map(sorted);
  if (!isJsonObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
};

const metadataOf = (obj: JsonObject): JsonObject => (isJsonObject(obj.metadata) ? obj.metadata : {});

/** The annotation's value: the manifest without the annotation itself, `annotations: {}` kept, compact JSON + newline. */
export const lastAppliedConfiguration = (manifest: JsonObject): string => {
  const metadata = metadataOf(manifest);
  const annotations = { ...(isJsonObject(metadata.annotations) ? metadata.annotations : {}) };
  delete annotations[LAST_APPLIED];
  return `${JSON.stringify(sorted({ ...manifest, metadata: { ...metadata, annotations } }))}\n`;
};

/** The manifest as it is sent: with its own last-applied annotation. */
export const withLastApplied = (manifest: JsonObject): JsonObject => {
  const metadata = metadataOf(manifest);
  const annotations = isJsonObject(metadata.annotations) ? metadata.annotations : {};
  return { ...manifest, metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: lastAppliedConfiguration(manifest) } } };
};

/** The last-applied manifest stored on a live object, if it has a readable one. */
export const readLastApplied = (live: JsonObject): JsonObject | undefined => {
  const annotations = metadataOf(live).annotations;
  const text = isJsonObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch (e) {
    // kubectl also treats an unreadable annotation as absent: the apply still converges.
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
};

/** jsonpatch.CreateMergePatch: the RFC 7386 merge patch that turns `original` into `modified`. */
export const createMergePatch = (original: JsonObject, modified: JsonObject): JsonObject => {
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  for (const [key, value] of Object.entries(modified)) {
    const before = original[key];
    if (isJsonObject(value) && isJsonObject(before)) {
      const sub = createMergePatch(before, value);
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (!deepEqual(before, value)) {
      patch[key] = value;
    }
  }
  return patch;
};
