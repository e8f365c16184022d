// structured-merge-diff's Updater on plain JSON: an Update takes the fields it changed from
// every other manager; an Apply merges the configuration, prunes what the applier owned before
// and no longer applies (unless someone else owns it), and conflicts with other managers that
// own a field whose value it changes — unless forced, which moves the ownership.
import type { TSchema } from '@sinclair/typebox';
import { FieldSet } from './field-set';
import { managerIdentifier, type Managed, type ManagerInfo } from './managers';
import type { PathElement } from './path';
import { compare, ensureNamedFieldsAreMembers, filterComparison, isSame, merge, removeItems, toFieldSet, type Comparison } from './typed';

export interface UpdaterScope {
  schema: TSchema | undefined;
  /** Fields this endpoint never changes (reset by the strategy): nobody takes or conflicts on them. */
  ignored: FieldSet;
}

export interface Conflict { manager: ManagerInfo; identifier: string; path: PathElement[] }

/** The fields other managers own with different values (merge.Conflicts). */
export class ApplyConflicts extends Error {
  override readonly name = 'ApplyConflicts';
  readonly code = 'BERTH_ERR_APPLY_CONFLICTS';
  constructor(readonly conflicts: Conflict[]) { super(`${conflicts.length} apply conflict(s)`); }
}

/**
 * Compares live with next and takes the changed fields away from every manager but
 * `workflow`; without `force`, fields changed under another manager are conflicts.
 */
const takeChanged = (scope: UpdaterScope, live: unknown, next: unknown, managed: Managed, workflow: string, force: boolean):
{ managed: Managed; comparison: Comparison } => {
  const comparison = filterComparison(compare(live, next, scope.schema), scope.ignored);
  const changed = comparison.modified.union(comparison.added);
  const conflicts: Conflict[] = [];
  const out: Managed = new Map();
  for (const [id, m] of managed) {
    if (id === workflow) { out.set(id, m); continue; }
    const lost = m.set.intersection(changed);
    if (!lost.isEmpty()) conflicts.push(...lost.paths().map((path) => ({ manager: m, identifier: id, path })));
    const set = m.set.difference(changed).difference(comparison.removed);
    if (!set.isEmpty()) out.set(id, { ...m, set });
  }
  if (!force && conflicts.length > 0) throw new ApplyConflicts(conflicts);
  return { managed: out, comparison };
};

const currentOperation = '{"manager":"current-operation"}';

export interface UpdateResult { managed: Managed; identifier: string; took: boolean }

/** Records an Update by `manager` from `live` to `next` (upstream Updater.Update + managedFieldsUpdater). */
export const update = (scope: UpdaterScope, live: unknown, next: unknown, managed: Managed, manager: ManagerInfo): UpdateResult => {
  const identifier = managerIdentifier(manager);
  const { managed: out, comparison } = takeChanged(scope, live, next, managed, currentOperation, true);
  if (isSame(comparison)) return { managed: out, identifier, took: false };
  const took = comparison.modified.union(comparison.added).difference(comparison.removed).recursiveDifference(scope.ignored);
  if (took.isEmpty()) return { managed: out, identifier, took: false };
  const previous = out.get(identifier);
  out.set(identifier, { ...manager, ...(previous?.time ? { time: previous.time } : {}), set: previous ? took.union(previous.set) : took });
  return { managed: out, identifier, took: true };
};

// Never pruned: an applied configuration may leave out the object's identity.
const protectedFields = FieldSet.of(['f:apiVersion'], ['f:kind'], ['f:metadata'], ['f:metadata', 'f:name'], ['f:metadata', 'f:namespace']);

/** Removes what `lastSet` owned and nobody (the applier's new set included) owns any more. */
const prune = <T>(scope: UpdaterScope, merged: T, managed: Managed, lastSet: FieldSet | undefined): T => {
  if (!lastSet || lastSet.isEmpty()) return merged;
  const s = scope.schema;
  let owned = new FieldSet();
  for (const m of managed.values()) owned = owned.union(m.set);
  const removal = ensureNamedFieldsAreMembers(toFieldSet(merged, s), s)
    .intersection(ensureNamedFieldsAreMembers(lastSet, s))
    .difference(ensureNamedFieldsAreMembers(owned, s))
    .difference(protectedFields);
  return removal.isEmpty() ? merged : removeItems(merged, removal, s);
};

export interface ApplyResult<T> { object: T; managed: Managed; identifier: string; set: FieldSet }

/**
 * Applies `config` for `manager` (upstream Updater.Apply). Throws ApplyConflicts, and
 * SchemaError for a configuration that cannot be keyed (list items without keys, duplicates).
 */
export const apply = <T>(scope: UpdaterScope, live: T, config: unknown, managed: Managed, manager: ManagerInfo, force: boolean): ApplyResult<T> => {
  const identifier = managerIdentifier(manager);
  const set = toFieldSet(config, scope.schema, true).recursiveDifference(scope.ignored);
  const last = managed.get(identifier);
  const withApplier: Managed = new Map(managed);
  withApplier.set(identifier, { ...manager, ...(last?.time ? { time: last.time } : {}), set });
  const object = prune(scope, merge(live, config, scope.schema), withApplier, last?.set);
  const { managed: out } = takeChanged(scope, live, object, withApplier, identifier, force);
  return { object, managed: out, identifier, set };
};
