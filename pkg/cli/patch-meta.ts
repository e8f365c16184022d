// What strategic merge patch needs from a kind's schema, in a compact tree: for each field that
// leads to a list with `x-kubernetes-patch-strategy` (or is one), its merge key and strategies.
// `f` holds the fields of an object or of a list's items; `*` stands for any key of a map.
// The table (patch-meta.generated.ts, made from api/ by patch-meta-gen.ts and kept current by
// its test) is required only by apply and diff: berthctl never loads the full schemas.
import { resourceForKind } from './resource-table';

export interface PatchMeta {
  /** x-kubernetes-patch-merge-key */
  k?: string;
  /** x-kubernetes-patch-strategy: 'merge', 'retainKeys', 'merge,retainKeys', 'replace' */
  s?: string;
  /** Fields of the object, or of the list's items. */
  f?: Record<string, PatchMeta>;
}

/** `apps/v1/Deployment`, `v1/Pod` → the kind's tree. */
export type PatchMetaTable = Record<string, PatchMeta>;

export const patchMetaKey = (apiVersion: string, kind: string): string => `${apiVersion}/${kind}`;

/** The table's entry for ObjectMeta, which every kind shares. */
export const METADATA = '$metadata';

let table: PatchMetaTable | undefined;

/** The kind's patch metadata, or undefined for a kind Berth does not build in (a JSON merge patch then). */
export const lookupPatchMeta = async (apiVersion: string, kind: string): Promise<PatchMeta | undefined> => {
  if (!resourceForKind(apiVersion, kind)) return undefined;
  table ??= (await import('./patch-meta.generated')).patchMetaTable;
  const metadata = table[METADATA];
  return { f: { ...table[patchMetaKey(apiVersion, kind)]?.f, ...(metadata ? { metadata } : {}) } };
};

/** The metadata of `field` under `meta` (a map's `*` when the field is not named). */
export const fieldMeta = (meta: PatchMeta | undefined, field: string): PatchMeta | undefined => meta?.f?.[field] ?? meta?.f?.['*'];

export const strategies = (meta: PatchMeta | undefined): string[] => (meta?.s ?? '').split(',').filter(Boolean);
