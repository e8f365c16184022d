// Deployment arithmetic and bookkeeping (k8s pkg/controller/deployment/util/deployment_util.go):
// surge/unavailable from int-or-percent, the replica counts of a set of ReplicaSets, the revision
// and replica annotations, and which ReplicaSet is the new one. Everything here is pure.
import type { ApiDeployment, ApiReplicaSet } from '../../../api/apps/v1';
import { equalIgnoreHash } from './hash';

export type { ApiDeployment, ApiReplicaSet };

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** Upstream's limit on the revision-history annotation (maxRevHistoryLengthInChars). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Deployment annotations never copied to its ReplicaSets (annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, 'deprecated.deployment.rollback.to',
]);

export const replicasOf = (o: ApiDeployment | ApiReplicaSet | undefined): number => o?.spec?.replicas ?? 1;

/** intstr.GetScaledValueFromIntOrPercent: `3` is 3; `25%` of 10 is 3 rounding up, 2 rounding down. */
export const scaledValue = (v: number | string | undefined, total: number, roundUp: boolean): number => {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
};

export const isRollingUpdate = (d: ApiDeployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 would deadlock, so unavailable becomes 1. */
export const resolveFenceposts = (maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): [number, number] => {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  const unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
};

const fenceposts = (d: ApiDeployment): [number, number] => {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', replicasOf(d));
};

export const maxSurge = (d: ApiDeployment): number => (isRollingUpdate(d) ? fenceposts(d)[0] : 0);

export const maxUnavailable = (d: ApiDeployment): number => {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas);
};

/** Sum of spec.replicas (GetReplicaCountForReplicaSets). */
export const specReplicas = (rss: ApiReplicaSet[]): number => rss.reduce((n, rs) => n + replicasOf(rs), 0);
/** Sum of status.replicas (GetActualReplicaCountForReplicaSets). */
export const actualReplicas = (rss: ApiReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: ApiReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: ApiReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

export const activeReplicaSets = (rss: ApiReplicaSet[]): ApiReplicaSet[] => rss.filter((rs) => replicasOf(rs) > 0);

const created = (rs: ApiReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export const byCreation = (a: ApiReplicaSet, b: ApiReplicaSet): number =>
  created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** ReplicaSetsBySizeNewer (scaling up): larger first, newer first on a tie. */
export const bySizeNewer = (a: ApiReplicaSet, b: ApiReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);
/** ReplicaSetsBySizeOlder (scaling down): larger first, older first on a tie. */
export const bySizeOlder = (a: ApiReplicaSet, b: ApiReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);

export const revisionOf = (rs: ApiReplicaSet | ApiDeployment): number => {
  const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
};

/** ReplicaSetsByRevision: lowest revision first, then by creation. */
export const byRevision = (a: ApiReplicaSet, b: ApiReplicaSet): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);

export const maxRevision = (rss: ApiReplicaSet[]): number => Math.max(0, ...rss.map(revisionOf));

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's (hash label ignored). */
export const findNewReplicaSet = (d: ApiDeployment, rss: ApiReplicaSet[]): ApiReplicaSet | undefined =>
  [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));

/** FindActiveOrLatest: the only active ReplicaSet, or the latest if none is active; undefined if several are. */
export const findActiveOrLatest = (newRS: ApiReplicaSet | undefined, oldRSs: ApiReplicaSet[]): ApiReplicaSet | undefined => {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, ...(newRS ? [newRS] : [])]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
};

const intAnnotation = (rs: ApiReplicaSet, key: string): number | undefined => {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
};
export const desiredReplicasAnnotation = (rs: ApiReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const maxReplicasAnnotation = (rs: ApiReplicaSet): number | undefined => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/** IsSaturated: the new ReplicaSet has every desired replica, and all are available. */
export const isSaturated = (d: ApiDeployment, rs: ApiReplicaSet | undefined): boolean =>
  !!rs && replicasOf(rs) === replicasOf(d) && desiredReplicasAnnotation(rs) === replicasOf(d) && (rs.status?.availableReplicas ?? 0) === replicasOf(d);

/** NewRSNewReplicas: how big the new ReplicaSet may be now (RollingUpdate: within the surge; Recreate: all). */
export const newRSNewReplicas = (d: ApiDeployment, allRSs: ApiReplicaSet[], newRS: ApiReplicaSet): number => {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', replicasOf(d), true);
  const current = specReplicas(allRSs);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
};

/** getReplicaSetFraction: this ReplicaSet's share of a proportional scale, as a change in replicas. */
const replicaSetFraction = (rs: ApiReplicaSet, d: ApiDeployment): number => {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Go's float division: a zero annotation gives +Inf (or NaN for 0/0), capped by the caller.
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return Math.round(size) - replicasOf(rs);
};

/** GetProportion: how many replicas `rs` gets of `toAdd`, given `added` already handed out. */
export const getProportion = (rs: ApiReplicaSet | undefined, d: ApiDeployment, toAdd: number, added: number): number => {
  if (!rs || replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  if (Number.isNaN(fraction)) return 0;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
};

/** SetReplicasAnnotations; true when something changed. */
export const setReplicasAnnotations = (rs: ApiReplicaSet, desired: number, max: number): boolean => {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) { a[DESIRED_REPLICAS_ANNOTATION] = String(desired); changed = true; }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) { a[MAX_REPLICAS_ANNOTATION] = String(max); changed = true; }
  return changed;
};

export const replicasAnnotationsNeedUpdate = (rs: ApiReplicaSet, desired: number, max: number): boolean =>
  rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] !== String(max);

/** copyDeploymentAnnotationsToReplicaSet; true when something changed. */
const copyDeploymentAnnotations = (d: ApiDeployment, rs: ApiReplicaSet): boolean => {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
};

/** Appends `old` to a comma list, dropping the oldest entries to stay within the limit. */
const appendRevisionHistory = (history: string | undefined, old: string, limit: number): string | undefined => {
  if (!history) return old;
  const entries = history.split(',');
  let total = history.length + old.length + 1;
  let start = 0;
  while (total > limit && start < entries.length) { total -= entries[start].length + 1; start++; }
  return total <= limit ? [...entries.slice(start), old].join(',') : undefined;
};

/**
 * SetNewReplicaSetAnnotations: the deployment's own annotations, the new revision (the old one goes
 * to revision-history when an old ReplicaSet comes back, as after an undo) and, on a ReplicaSet
 * about to be created, the replica annotations. True when something changed.
 */
export const setNewReplicaSetAnnotations = (d: ApiDeployment, rs: ApiReplicaSet, newRevision: number, exists: boolean,
  limit = MAX_REV_HISTORY_LENGTH_IN_CHARS): boolean => {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const oldRevision = a[REVISION_ANNOTATION];
  const oldInt = oldRevision === undefined ? 0 : Number(oldRevision);
  if (!Number.isInteger(oldInt)) return false;
  if (oldInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = appendRevisionHistory(a[REVISION_HISTORY_ANNOTATION], oldRevision, limit);
      if (history !== undefined) a[REVISION_HISTORY_ANNOTATION] = history;
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
};
