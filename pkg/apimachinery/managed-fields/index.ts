// Public API of managed fields: fieldsV1 sets, the structured merge used by server-side apply,
// and the apiserver's field manager (managedFields on every write, apply with conflicts).
export { FieldSet } from './field-set';
export { pathString, elementString, type Path, type PathElement } from './path';
export { toFieldSet, compare, merge, removeItems, type Comparison } from './typed';
export { decodeManagedFields, encodeManagedFields, managerIdentifier, printManager, type Managed, type ManagedEntry, type ManagerInfo } from './managers';
export { ApplyConflicts, apply, update, type Conflict, type UpdaterScope } from './updater';
export { SchemaError } from './schema-node';
export { trackUpdate, trackApply, applyConflictError, lastAppliedAnnotation, type FieldManagerScope, type ApplyOutcome } from './field-manager';
