// Seeded mutations of Kubernetes manifests for the fuzz suite: wrong types, huge strings,
// deep nesting, unicode, missing fields, nulls, arrays for objects, random keys, and patch
// bodies of every type. Every case is built from its own PRNG (seed + case index), so one
// failing case can be rebuilt on its own from the two numbers printed by the suite.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and the same sequence everywhere for a given seed. */
export const rng = (seed: number): Rng => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
};

/** The PRNG seed of case `index` in a run seeded with `seed`. */
export const caseSeed = (seed: number, index: number): number => Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);

const unicodeBits = [
  'ünïcödé', '日本語のテキスト', '🚀🐳☸️', 'e\u0301\u0301\u0301', '\u202eRTL override', 'zero\u200bwidth', '\u0000nul',
  '\ud800', '\udfff lone', '\uffff\ufffe', 'ａｂｃ１２３', 'Ω≈ç√∫', '\t\n\r', '\\"quoted"', '%00%ff', '../../etc/passwd',
  'a'.repeat(64), 'x-'.repeat(200), 'A_B.C', '-leading', 'trailing-', '🙂'.repeat(100),
];
const weirdNumbers = [0, -1, -0, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, 65536, 99999999999];

export const randomString = (r: Rng): string => {
  if (r.chance(0.5)) return r.pick(unicodeBits);
  const n = 1 + r.int(40);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(r.chance(0.7) ? 32 + r.int(95) : r.int(0x2ffff));
  return s;
};

export const randomScalar = (r: Rng): Json => {
  switch (r.int(5)) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return r.pick(weirdNumbers);
    case 3: return r.int(1000);
    default: return randomString(r);
  }
};

export const randomValue = (r: Rng, depth = 0): Json => {
  if (depth > 3 || r.chance(0.5)) return randomScalar(r);
  if (r.chance(0.5)) return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
  const o: JsonObject = {};
  for (let i = r.int(4); i > 0; i--) o[randomString(r)] = randomValue(r, depth + 1);
  return o;
};

/**
 * A placeholder for nested objects or arrays `depth` levels deep: JSON.stringify recurses, so
 * deep values travel as a marker string that `expandDeep` turns into the nested text.
 */
export const deepValue = (r: Rng, depth: number): Json => `\u0000deep:${depth}:${r.chance(0.5) ? 'array' : 'object'}\u0000`;

/** Replaces every deepValue marker in serialized JSON by its nested text. */
export const expandDeep = (json: string): string => json.replace(/"\\u0000deep:(\d+):(array|object)\\u0000"/g, (_m, d: string, kind: string) => {
  const n = Number(d);
  return kind === 'array' ? `${'['.repeat(n)}1${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
});

/** The budget of huge-string bytes left in this run, so the whole run stays bounded. */
export interface Budget { hugeBytes: number }

const hugeString = (r: Rng, budget: Budget): string => {
  const size = Math.min(budget.hugeBytes, r.chance(0.2) ? 1024 * 1024 : 1024 * (1 + r.int(256)));
  budget.hugeBytes -= Math.max(size, 0);
  return r.pick(['a', 'é', '🐳', 'x\n']).repeat(Math.max(1, Math.floor(size / 4)));
};

type Path = Array<string | number>;

/** Paths into `v` (containers and leaves), at most 30 levels deep: deep values are mutated whole. */
export const pathsOf = (v: Json, prefix: Path = [], out: Path[] = []): Path[] => {
  out.push(prefix);
  if (prefix.length >= 30) return out;
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
};

const getAt = (v: Json, path: Path): Json => path.reduce<Json>((cur, k) => (cur as Record<string | number, Json>)[k], v);

const setAt = (root: Json, path: Path, value: Json | undefined): Json | undefined => {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else {
    parent[key] = value;
  }
  return root;
};

const wrongTypeOf = (r: Rng, cur: Json): Json => {
  const choices: Json[] = [randomString(r), r.pick(weirdNumbers), r.chance(0.5), [], {}, [randomScalar(r)], { x: randomScalar(r) }];
  const t = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const others = choices.filter((c) => t(c) !== t(cur));
  return r.pick(others);
};

const mutators: Array<(r: Rng, cur: Json, b: Budget) => Json | undefined> = [
  (r, cur) => wrongTypeOf(r, cur),
  (r, _cur, b) => hugeString(r, b),
  (r) => deepValue(r, r.chance(0.7) ? 20 + r.int(200) : r.chance(0.5) ? 900 + r.int(101) : 1001 + r.int(12_000)),
  (r) => randomString(r),
  () => undefined, // a missing field
  () => null,
  (_r, cur) => (Array.isArray(cur) ? Object.fromEntries(cur.map((v, i) => [String(i), v])) : [cur]), // arrays for objects, and back
  (r, cur) => (cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? { ...cur, [randomString(r)]: randomValue(r) } : randomValue(r)),
  (r) => r.pick(weirdNumbers),
];

/** Applies 1–4 random mutations to a copy of `doc`. */
export const mutate = (r: Rng, doc: Json, budget: Budget): Json => {
  let out = structuredClone(doc);
  for (let n = 1 + r.int(4); n > 0; n--) {
    const paths = pathsOf(out);
    const path = r.chance(0.9) && paths.length > 1 ? paths[1 + r.int(paths.length - 1)] : [];
    const next = setAt(out, path, r.pick(mutators)(r, getAt(out, path), budget));
    out = next === undefined ? {} : next;
  }
  return out;
};

const pointer = (path: Path): string => path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** A JSON patch: real and invented paths, every op (and a few bogus ones), random values. */
export const jsonPatch = (r: Rng, doc: Json, budget: Budget): Json => {
  const paths = pathsOf(doc);
  const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', ''];
  return Array.from({ length: 1 + r.int(4) }, () => {
    const path = r.chance(0.8) ? pointer(r.pick(paths)) : r.pick(['', '/', '/spec/containers/-', '/spec/containers/999', '/~2', '/metadata//x', 'spec', randomString(r)]);
    const op: JsonObject = { op: r.pick(ops), path };
    if (r.chance(0.7)) op.value = r.chance(0.5) ? mutate(r, getAt(doc, r.pick(paths)), budget) : randomValue(r);
    if (r.chance(0.3)) op.from = pointer(r.pick(paths));
    return r.chance(0.1) ? mutate(r, op, budget) : op;
  });
};

const directives = ['$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers', '$setElementOrder/ports'];

/** A merge or strategic merge patch: a mutated fragment, with patch directives for the strategic kind. */
export const mergePatch = (r: Rng, doc: Json, budget: Budget, strategic: boolean): Json => {
  const base = r.chance(0.5) ? mutate(r, doc, budget) : randomValue(r);
  if (!strategic || base === null || typeof base !== 'object' || Array.isArray(base)) return base;
  const paths = pathsOf(base).filter((p) => {
    const v = getAt(base, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  for (let n = r.int(3); n > 0; n--) {
    const target = getAt(base, r.pick(paths)) as JsonObject;
    target[r.pick(directives)] = r.pick<Json>(['delete', 'replace', 'merge', 'bogus', [], ['name'], [{ name: 'x' }], null, randomValue(r)]);
  }
  return base;
};
