// The apiserver's field manager (k8s.io/apiserver fieldmanager): managedFields bookkeeping for
// every write. Update operations record what they changed; Apply merges a configuration with
// conflict detection. Layered as upstream: server-owned metadata is never owned (stripMeta),
// timestamps move when a manager takes fields, objects created before tracking get a
// "before-first-apply" owner, and kubectl's client-side-apply → server-side-apply upgrade is
// eased by the last-applied annotation (lastAppliedManager / lastAppliedUpdater).
import type { TSchema } from '@sinclair/typebox';
import type { ApiObject, ManagedFieldsEntry, StatusCause } from '../../../api/meta/v1';
import { StatusError } from '../errors';
import { deepEqual } from '../patch';
import { FieldSet } from './field-set';
import {
  decodeManagedFields, encodeManagedFields, ManagedFieldsError, printManager, type Managed, type ManagerInfo,
} from './managers';
import { canonicalJson, fieldElement, pathString } from './path';
import { SchemaError } from './schema-node';
import { compare, toFieldSet } from './typed';
import { apply, ApplyConflicts, update, type Conflict, type UpdaterScope } from './updater';

export interface FieldManagerScope {
  /** The kind's schema (list semantics, declared fields). */
  schema: TSchema | undefined;
  apiVersion: string;
  kind: string;
  /** '' for the main resource, else `status`, `scale`, … (recorded on the entries). */
  subresource: string;
  /** Fields the endpoint resets (status on the main resource, spec on status): never owned. */
  resetFields: FieldSet;
  /** RFC 3339 time of this request. */
  now: string;
}

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** kubectl's default server-side apply manager; only it gets the last-applied handling. */
const kubectlManager = 'kubectl';
const beforeFirstApply = 'before-first-apply';

const metadataFields = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields',
  'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
/** Fields only the server sets: nobody owns them (stripMeta). */
const stripSet = FieldSet.of(['f:apiVersion'], ['f:kind'], ['f:metadata'], ...metadataFields.map((f) => ['f:metadata', fieldElement(f)]));

const updaterScope = (scope: FieldManagerScope): UpdaterScope => ({ schema: scope.schema, ignored: scope.resetFields });

const withoutManagedFields = (obj: ApiObject | undefined): ApiObject => {
  if (!obj) return { metadata: {} };
  const { managedFields: _mf, ...metadata } = obj.metadata ?? {};
  void _mf;
  return { ...obj, metadata };
};

const decodeOrEmpty = (entries: ManagedFieldsEntry[] | undefined): Managed => {
  try {
    return decodeManagedFields(entries);
  } catch (err) {
    if (err instanceof ManagedFieldsError) return new Map();
    throw err;
  }
};

/** `[{}]` is upstream's way to clear managedFields. */
const isReset = (entries: ManagedFieldsEntry[] | undefined): boolean =>
  Array.isArray(entries) && entries.length === 1 && Object.values(entries[0] ?? {}).every((v) => v === undefined);

/** The managers a write starts from: the ones the request carries (if valid and not a subresource), else the stored ones. */
const baseManagers = (scope: FieldManagerScope, live: ApiObject | undefined, requested: ManagedFieldsEntry[] | undefined): Managed => {
  if (!scope.subresource && requested && requested.length > 0) {
    try {
      const m = decodeManagedFields(requested);
      if (m.size > 0) return m;
    } catch (err) {
      if (!(err instanceof ManagedFieldsError)) throw err;
    }
  }
  return decodeOrEmpty(live?.metadata.managedFields);
};

const stripped = (managed: Managed, identifier: string): Managed => {
  const m = managed.get(identifier);
  if (m) managed.set(identifier, { ...m, set: m.set.difference(stripSet) });
  return managed;
};

const infoOf = (scope: FieldManagerScope, manager: string, operation: ManagerInfo['operation']): ManagerInfo =>
  ({ manager, operation, apiVersion: scope.apiVersion, ...(scope.subresource ? { subresource: scope.subresource } : {}) });

const recordUpdate = (scope: FieldManagerScope, live: ApiObject, next: ApiObject, managed: Managed, manager: string): Managed => {
  const r = update(updaterScope(scope), live, next, managed, infoOf(scope, manager, 'Update'));
  if (r.took) {
    const m = r.managed.get(r.identifier);
    if (m) r.managed.set(r.identifier, { ...m, time: scope.now });
  }
  return stripped(r.managed, r.identifier);
};

/**
 * managedFields after a create, update or non-apply patch by `manager`: `live` is the stored
 * object (undefined on create), `next` what will be stored, `requested` the managedFields the
 * client sent (a client may rewrite them, as kubectl's csaupgrade does).
 */
export const trackUpdate = (scope: FieldManagerScope, live: ApiObject | undefined, next: ApiObject, manager: string,
  requested: ManagedFieldsEntry[] | undefined): ManagedFieldsEntry[] | undefined => {
  if (!scope.subresource && isReset(requested)) return undefined;
  const managed = baseManagers(scope, live, requested);
  return encodeManagedFields(recordUpdate(scope, withoutManagedFields(live), withoutManagedFields(next), managed, manager));
};

const gvkString = (scope: FieldManagerScope): string =>
  `${scope.apiVersion.includes('/') ? scope.apiVersion : `/${scope.apiVersion}`}, Kind=${scope.kind}`;

/** 409 as upstream's NewApplyConflict: one FieldManagerConflict cause per field. */
export const applyConflictError = (conflicts: Conflict[]): StatusError => {
  const sorted = [...conflicts].sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
  const causes: StatusCause[] = sorted.map((c) => ({
    reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(sorted[0].manager)}: ${pathString(sorted[0].path)}`;
  } else {
    const lines: string[] = [];
    let current = '';
    for (const c of sorted) {
      if (c.identifier !== current) { lines.push(`conflicts with ${printManager(c.manager)}:`); current = c.identifier; }
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Conflict', details: { causes }, code: 409 });
};

const lastAppliedOf = (obj: ApiObject | undefined): string | undefined => {
  const v = obj?.metadata.annotations?.[lastAppliedAnnotation];
  return v ? v : undefined;
};

/**
 * Conflicts kubectl may override when upgrading from client-side apply: fields of the
 * last-applied configuration whose live value still equals it (lastAppliedManager).
 */
const allowedByLastApplied = (scope: FieldManagerScope, live: ApiObject): FieldSet | undefined => {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  const c = compare(last, withoutManagedFields(live), scope.schema);
  return toFieldSet(last, scope.schema).difference(c.modified).difference(c.added).difference(c.removed);
};

/** The last-applied annotation kubectl would have written for `config` (lastAppliedUpdater). */
const buildLastApplied = (config: ApiObject): string => {
  const annotations = { ...(config.metadata.annotations ?? {}) };
  delete annotations[lastAppliedAnnotation];
  const metadata = { ...config.metadata, annotations };
  if (!config.metadata.annotations) delete (metadata as { annotations?: unknown }).annotations;
  return canonicalJson({ ...config, metadata });
};

export interface ApplyOutcome { object: ApiObject; managedFields: ManagedFieldsEntry[] | undefined }

const applyOnce = (scope: FieldManagerScope, live: ApiObject, config: ApiObject, managed: Managed, manager: string, force: boolean) => {
  try {
    return apply(updaterScope(scope), live, config, managed, infoOf(scope, manager, 'Apply'), force);
  } catch (err) {
    if (err instanceof SchemaError) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 400, reason: 'BadRequest', message: `failed to create typed patch object (${gvkString(scope)}): ${err.message}` });
    throw err;
  }
};

/** Applies with kubectl's last-applied allowance: conflicts only on fields it may not take over. */
const applyResolvingConflicts = (scope: FieldManagerScope, live: ApiObject, config: ApiObject, managed: Managed, manager: string, force: boolean) => {
  try {
    return applyOnce(scope, live, config, managed, manager, force);
  } catch (err) {
    if (!(err instanceof ApplyConflicts)) throw err;
    const allowed = manager === kubectlManager ? allowedByLastApplied(scope, live) : undefined;
    const remaining = allowed ? err.conflicts.filter((c) => !allowed.has(c.path)) : err.conflicts;
    if (remaining.length > 0) throw applyConflictError(remaining);
    return applyOnce(scope, live, config, managed, manager, true);
  }
};

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the object is created).
 * Throws a 409 Conflict StatusError (with FieldManagerConflict causes) or a 400 for a
 * configuration the schema cannot key.
 */
export const trackApply = (scope: FieldManagerScope, live: ApiObject | undefined, config: ApiObject, manager: string, force: boolean): ApplyOutcome => {
  let managed = decodeOrEmpty(live?.metadata.managedFields);
  const liveBody = withoutManagedFields(live);
  if (live && managed.size === 0) managed = recordUpdate(scope, withoutManagedFields(undefined), liveBody, managed, beforeFirstApply);
  const r = applyResolvingConflicts(scope, liveBody, config, managed, manager, force);
  let object = r.object;
  if (manager === kubectlManager && lastAppliedOf(object)) {
    object = { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [lastAppliedAnnotation]: buildLastApplied(config) } } };
  }
  const previous = managed.get(r.identifier);
  const entry = r.managed.get(r.identifier);
  const changed = !deepEqual(liveBody, object) || !previous || !previous.set.equals(r.set.difference(stripSet));
  if (entry && changed) r.managed.set(r.identifier, { ...entry, time: scope.now });
  return { object, managedFields: encodeManagedFields(stripped(r.managed, r.identifier)) };
};

