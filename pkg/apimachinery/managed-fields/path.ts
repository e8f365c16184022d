// Path elements of a field set (structured-merge-diff fieldpath), kept in their serialized
// fieldsV1 form so that sets are plain string tries: `f:<field>` for a struct field or map key,
// `k:{"name":"c"}` for an item of a map-keyed list, `v:<json>` for an item of a set list and
// `i:<n>` for an item addressed by position.

/** A path element in its canonical serialized form. */
export type PathElement = string;
export type Path = readonly PathElement[];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, so equal values always serialize alike. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
};

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const keyElement = (fields: Record<string, unknown>): PathElement => `k:${canonicalJson(fields)}`;
export const valueElement = (v: unknown): PathElement => `v:${canonicalJson(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;

/** Thrown for a fieldsV1 key that is not a path element. */
export class PathElementError extends Error {
  override readonly name = 'PathElementError';
  readonly code = 'BERTH_ERR_FIELDS_V1';
}

/** Re-serializes a path element read from a client in canonical form (key order, spacing). */
export const canonicalElement = (s: string): PathElement => {
  const kind = s.slice(0, 2);
  const body = s.slice(2);
  switch (kind) {
    case 'f:': return s;
    case 'i:':
      if (!/^\d+$/.test(body)) throw new PathElementError(`invalid index path element ${JSON.stringify(s)}`);
      return s;
    case 'k:': case 'v:': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body) as unknown;
      } catch (err) {
        throw new PathElementError(`invalid path element ${JSON.stringify(s)}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (kind === 'k:' && !isMap(parsed)) throw new PathElementError(`invalid key path element ${JSON.stringify(s)}`);
      return `${kind}${canonicalJson(parsed)}`;
    }
    default: throw new PathElementError(`unknown path element type in ${JSON.stringify(s)}`);
  }
};

/** The element as upstream prints it in conflict messages: `.name`, `[name="c"]`, `[="v"]`, `[0]`. */
export const elementString = (pe: PathElement): string => {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case 'f:': return `.${body}`;
    case 'k:': {
      const fields = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.keys(fields).sort().map((k) => `${k}=${JSON.stringify(fields[k])}`).join(',')}]`;
    }
    case 'v:': return `[=${body}]`;
    default: return `[${body}]`;
  }
};

export const pathString = (path: Path): string => path.map(elementString).join('');

const rank: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

/** Upstream's order: field names, then keys, then values, then indexes. */
export const compareElements = (a: PathElement, b: PathElement): number => {
  const ra = rank[a.slice(0, 2)] ?? 4;
  const rb = rank[b.slice(0, 2)] ?? 4;
  if (ra !== rb) return ra - rb;
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
};
