// metadata.managedFields ⇄ the managers' field sets. A manager is identified, as upstream's
// BuildManagerIdentifier does, by (manager, operation, apiVersion for Update, subresource):
// an applier keeps one entry across versions, an updater one per version.
import type { ManagedFieldsEntry } from '../../../api/meta/v1';
import { FieldSet } from './field-set';
import { PathElementError } from './path';

export type Operation = 'Apply' | 'Update';

export interface ManagerInfo { manager: string; operation: Operation; apiVersion: string; subresource?: string }

export interface ManagedEntry extends ManagerInfo { set: FieldSet; time?: string }

/** The managers of one object, by identifier. */
export type Managed = Map<string, ManagedEntry>;

export const managerIdentifier = (m: ManagerInfo): string => JSON.stringify({
  manager: m.manager || undefined,
  operation: m.operation,
  apiVersion: m.operation === 'Update' ? m.apiVersion : undefined,
  subresource: m.subresource || undefined,
});

/** How conflict messages name a manager: `"kubectl"`, `"x" with subresource "status" using v1`. */
export const printManager = (m: ManagerInfo): string => {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
};

/** Thrown for managedFields that cannot be read; callers fall back to the stored ones. */
export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
  readonly code = 'BERTH_ERR_MANAGED_FIELDS';
}

const decodeEntry = (e: ManagedFieldsEntry, i: number): ManagedEntry => {
  if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
  if (!e.apiVersion) throw new ManagedFieldsError('apiVersion must not be empty');
  if (e.fieldsType !== 'FieldsV1') {
    throw new ManagedFieldsError(e.fieldsType ? `invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
  }
  let set: FieldSet;
  try {
    set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
  } catch (err) {
    if (err instanceof PathElementError) throw new ManagedFieldsError(`error decoding managed fields entry ${i}: ${err.message}`);
    throw err;
  }
  return {
    manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion,
    ...(e.subresource ? { subresource: e.subresource } : {}),
    ...(typeof e.time === 'string' ? { time: e.time } : {}),
    set,
  };
};

/** Reads managedFields; throws ManagedFieldsError when an entry is malformed. */
export const decodeManagedFields = (entries: readonly ManagedFieldsEntry[] | undefined): Managed => {
  const managed: Managed = new Map();
  (entries ?? []).forEach((e, i) => {
    const m = decodeEntry(e, i);
    managed.set(managerIdentifier(m), m);
  });
  return managed;
};

const unix = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

// Upstream's order: operation, time (seconds), manager, apiVersion, subresource.
const order = (a: ManagedEntry, b: ManagedEntry): number => {
  if (a.operation !== b.operation) return a.operation < b.operation ? -1 : 1;
  const ta = unix(a.time);
  const tb = unix(b.time);
  if (ta !== tb) return ta - tb;
  for (const k of ['manager', 'apiVersion', 'subresource'] as const) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** Writes managedFields in upstream's order; undefined when no manager owns anything. */
export const encodeManagedFields = (managed: Managed): ManagedFieldsEntry[] | undefined => {
  const entries = [...managed.values()].filter((m) => !m.set.isEmpty()).sort(order);
  if (entries.length === 0) return undefined;
  return entries.map((m) => ({
    ...(m.manager ? { manager: m.manager } : {}),
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
};
