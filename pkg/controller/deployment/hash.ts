// The pod-template-hash (k8s controller.ComputeHash + deploymentutil.EqualIgnoreHash). Upstream
// hashes the Go struct with fnv32a and encodes the decimal sum with rand.SafeEncodeString; we hash
// a canonical JSON of the template instead, so our values differ from upstream's but have the same
// shape (up to 10 characters of "bcdfghjklmnpqrstvwxz2456789"). Before hashing or comparing, the
// template is normalised the way Go's zero values make it: `null`, `[]`, `creationTimestamp` and
// empty maps/structs such as `resources: {}` or `labels: {}` are dropped — `kubectl rollout undo`
// sends `creationTimestamp: null` and `resources: {}` from the old ReplicaSet, and the hash must
// find that ReplicaSet again rather than create a third one.
import type { PodTemplateSpec } from '../../../api/core/v1';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Keys whose `{}` means "unset" (Go maps and non-pointer structs); `emptyDir: {}` and the like are kept. */
const EMPTY_MEANS_UNSET = new Set([
  'metadata', 'labels', 'annotations', 'resources', 'limits', 'requests', 'nodeSelector', 'spec',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isEmptyObject = (v: Json): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** Sorted keys, no nulls, no empty arrays, no unset structs: two templates equal as Go values give equal output. */
const normalise = (v: Json, key = ''): Json | undefined => {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => normalise(x) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof v !== 'object') return v;
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(v).sort()) {
    if (key === 'metadata' && k === 'creationTimestamp') continue;
    const n = normalise(v[k], k);
    if (n !== undefined) out[k] = n;
  }
  return EMPTY_MEANS_UNSET.has(key) && isEmptyObject(out) ? undefined : out;
};

/** The template's canonical JSON (keys sorted, Go zero values dropped). */
export const canonicalTemplate = (t: PodTemplateSpec | undefined): string =>
  JSON.stringify(normalise({ metadata: {}, ...(t ?? {}) } as unknown as Json, 'template') ?? {});

/** fnv-1a, 32 bits, over the bytes given. */
export const fnv32a = (bytes: Uint8Array, seed = 0x811c9dc5): number => {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
};

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: every character mapped into an alphabet without vowels or look-alikes. */
export const safeEncodeString = (s: string): string =>
  Array.from(s, (c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');

/** ComputeHash: the template, then collisionCount as 8 little-endian bytes when set. */
export const computeHash = (t: PodTemplateSpec | undefined, collisionCount?: number): string => {
  let h = fnv32a(new TextEncoder().encode(canonicalTemplate(t)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
};

const withoutHashLabel = (t: PodTemplateSpec | undefined): PodTemplateSpec => {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...(t ?? {}), metadata: { ...(t?.metadata ?? {}), labels } };
};

/** EqualIgnoreHash: the templates are equal once the pod-template-hash label is ignored. */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean =>
  canonicalTemplate(withoutHashLabel(a)) === canonicalTemplate(withoutHashLabel(b));
