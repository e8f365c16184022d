// DeleteOptions from a DELETE request (body and query), their validation, and the pure parts of
// upstream's generic registry Delete: preconditions (rest.BeforeDelete), the garbage-collection
// finalizers a propagation policy asks for (deletionFinalizersForGarbageCollection) and the
// "last finalizer removed from a deleting object" rule of updates (ShouldDeleteDuringUpdate).
import type { ApiObject, DeleteOptions, StatusCause } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { badRequest, conflict, invalid } from '../../apimachinery/errors';
import { groupResource, queryString } from './common';

/** metav1.FinalizerOrphanDependents and metav1.FinalizerDeleteDependents. */
export const finalizerOrphan = 'orphan';
export const finalizerForeground = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';
const policies: readonly string[] = ['Foreground', 'Background', 'Orphan'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const parseBool = (s: string, field: string): boolean => {
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw badRequest(`invalid value for ${field}: ${JSON.stringify(s)}`);
};

const parseInt64 = (v: unknown, field: string): number => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw badRequest(`invalid value for ${field}: ${JSON.stringify(v)}`);
  return n;
};

/** Query parameters override the body, as upstream's DeleteOptions decoding does. */
const fromQuery = (opts: DeleteOptions, q: Record<string, unknown>): void => {
  const grace = queryString(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = parseInt64(grace, 'gracePeriodSeconds');
  const policy = queryString(q, 'propagationPolicy');
  if (policy !== undefined) opts.propagationPolicy = policy;
  const orphan = queryString(q, 'orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = parseBool(orphan, 'orphanDependents');
  if (q.dryRun !== undefined) opts.dryRun = (Array.isArray(q.dryRun) ? q.dryRun : [q.dryRun]).map(String);
};

/** DeleteOptions of a DELETE: JSON body (kind optional, kubectl sends none) merged with the query. */
export const deleteOptionsOf = (body: unknown, q: Record<string, unknown>): DeleteOptions => {
  if (body !== undefined && !isObject(body)) throw badRequest('the body of a DELETE must be a DeleteOptions object');
  const opts: DeleteOptions = body ? { ...(body as DeleteOptions) } : {};
  if (opts.kind !== undefined && opts.kind !== 'DeleteOptions') {
    throw badRequest(`a DELETE body must be a DeleteOptions, not ${JSON.stringify(opts.kind)}`);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null) {
    opts.gracePeriodSeconds = parseInt64(opts.gracePeriodSeconds, 'gracePeriodSeconds');
  }
  fromQuery(opts, q);
  validateDeleteOptions(opts);
  // Negative grace periods mean one second on the delete path (rest.BeforeDelete).
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null && opts.gracePeriodSeconds < 0) opts.gracePeriodSeconds = 1;
  return opts;
};

/** validation.ValidateDeleteOptions. */
export const validateDeleteOptions = (opts: DeleteOptions): void => {
  const causes: StatusCause[] = [];
  const policy = opts.propagationPolicy;
  if (opts.orphanDependents !== undefined && opts.orphanDependents !== null && policy !== undefined && policy !== null) {
    causes.push({ reason: 'FieldValueInvalid', field: 'propagationPolicy', message: `Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set` });
  }
  if (policy !== undefined && policy !== null && !policies.includes(policy)) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"` });
  }
  for (const d of opts.dryRun ?? []) {
    if (d !== 'All') causes.push({ reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${JSON.stringify(d)}: supported values: "All"` });
  }
  if (causes.length > 0) throw invalid('DeleteOptions', 'meta.k8s.io', '', causes);
};

export const isDryRunDelete = (opts: DeleteOptions): boolean => (opts.dryRun ?? []).includes('All');

/** The preconditions check of rest.BeforeDelete, with upstream's messages. */
export const checkDeletePreconditions = (info: ResourceInfo, cur: ApiObject, opts: DeleteOptions): void => {
  const pre = opts.preconditions;
  const name = cur.metadata.name ?? '';
  if (pre?.uid && pre.uid !== cur.metadata.uid) {
    throw conflict(groupResource(info), name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${cur.metadata.uid ?? ''}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
    throw conflict(groupResource(info), name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${cur.metadata.resourceVersion ?? ''}). The object might have been modified`);
  }
};

/**
 * shouldOrphanDependents / shouldDeleteDependents: explicit options first (orphanDependents,
 * then propagationPolicy), then a GC finalizer already on the object, then the resource's
 * default (Background — DeleteDependents — for every group-version we serve).
 */
export const effectivePolicy = (obj: ApiObject, opts: DeleteOptions): PropagationPolicy => {
  if (opts.orphanDependents !== undefined && opts.orphanDependents !== null) return opts.orphanDependents ? 'Orphan' : 'Background';
  if (opts.propagationPolicy && policies.includes(opts.propagationPolicy)) return opts.propagationPolicy as PropagationPolicy;
  for (const f of obj.metadata.finalizers ?? []) {
    if (f === finalizerOrphan) return 'Orphan';
    if (f === finalizerForeground) return 'Foreground';
  }
  return 'Background';
};

/** The finalizers the object must carry for `opts` (deletionFinalizersForGarbageCollection). */
export const deletionFinalizers = (obj: ApiObject, opts: DeleteOptions): { changed: boolean; finalizers: string[] } => {
  const current = obj.metadata.finalizers ?? [];
  const policy = effectivePolicy(obj, opts);
  const next = current.filter((f) => f !== finalizerOrphan && f !== finalizerForeground);
  if (policy === 'Orphan') next.push(finalizerOrphan);
  if (policy === 'Foreground') next.push(finalizerForeground);
  const same = next.length === current.length && next.every((f) => current.includes(f));
  return { changed: !same, finalizers: same ? current : next };
};

/**
 * ShouldDeleteDuringUpdate: an update that takes the last finalizer off an object whose
 * deletion already started (and whose grace period is over) completes the deletion.
 * Namespaces also wait for their spec.finalizers.
 */
export const shouldDeleteDuringUpdate = (next: ApiObject, prevHadFinalizers: boolean): boolean => {
  if ((next.metadata.finalizers ?? []).length > 0) return false;
  if (!prevHadFinalizers) return false;
  if (!next.metadata.deletionTimestamp) return false;
  if ((next.metadata.deletionGracePeriodSeconds ?? 0) > 0) return false;
  const specFinalizers = (next as { spec?: { finalizers?: unknown } }).spec?.finalizers;
  return !(next.kind === 'Namespace' && Array.isArray(specFinalizers) && specFinalizers.length > 0);
};
