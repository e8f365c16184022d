// Deployment status and conditions (k8s deployment/util + sync.go calculateStatus, progress.go
// syncRolloutStatus/requeueStuckDeployment). Pure: the caller passes the clock's now.
import type { DeploymentCondition, DeploymentStatus } from '../../../api/apps/v1';
import {
  actualReplicas, availableReplicas, maxUnavailable, readyReplicas, replicasOf, specReplicas,
  type ApiDeployment, type ApiReplicaSet,
} from './util';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

// Reasons, verbatim from deployment_util.go.
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';
export const NEW_RS_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const RS_UPDATED_REASON = 'ReplicaSetUpdated';
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';

/** metav1.Time: RFC 3339, seconds. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const newCondition = (type: string, status: string, reason: string, message: string, now: number): DeploymentCondition =>
  ({ type, status, lastUpdateTime: rfc3339(now), lastTransitionTime: rfc3339(now), reason, message });

export const getCondition = (s: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined =>
  s?.conditions?.find((c) => c.type === type);

export const removeCondition = (s: DeploymentStatus, type: string): void => {
  s.conditions = (s.conditions ?? []).filter((c) => c.type !== type);
};

/** SetDeploymentCondition: same status and reason is a no-op; same status keeps the transition time. */
export const setCondition = (s: DeploymentStatus, c: DeploymentCondition): void => {
  const current = getCondition(s, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  const next = current && current.status === c.status ? { ...c, lastTransitionTime: current.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
};

export const hasProgressDeadline = (d: ApiDeployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

const statusKeys = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const;

/** calculateStatus: counts from the ReplicaSets, the Available condition from maxUnavailable. */
export const calculateStatus = (allRSs: ApiReplicaSet[], newRS: ApiReplicaSet | undefined, d: ApiDeployment, now: number): DeploymentStatus => {
  const available = availableReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas(newRS ? [newRS] : []),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
    collisionCount: d.status?.collisionCount,
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  // Every counter is omitempty upstream: 0 is not written.
  for (const k of statusKeys) if (!status[k]) delete status[k];
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', now));
  }
  return status;
};

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export const deploymentComplete = (d: ApiDeployment, s: DeploymentStatus): boolean =>
  s.updatedReplicas === replicasOf(d) && s.replicas === replicasOf(d) && s.availableReplicas === replicasOf(d)
  && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than last time. */
export const deploymentProgressing = (d: ApiDeployment, s: DeploymentStatus): boolean => {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
};

/** DeploymentTimedOut: no progress for progressDeadlineSeconds since the Progressing condition's last update. */
export const deploymentTimedOut = (d: ApiDeployment, s: DeploymentStatus, now: number): boolean => {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c || c.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (c.reason === TIMED_OUT_REASON) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
};

const rsOrDeployment = (d: ApiDeployment, newRS: ApiReplicaSet | undefined) =>
  (newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`);

/** The ReplicaFailure condition of the new ReplicaSet, else of any other (getReplicaFailures). */
const replicaFailure = (allRSs: ApiReplicaSet[], newRS: ApiReplicaSet | undefined): DeploymentCondition | undefined => {
  for (const rs of newRS ? [newRS, ...allRSs] : allRSs) {
    const c = rs.status?.conditions?.find((x) => x.type === REPLICA_FAILURE && x.status === 'True');
    if (c) return { type: REPLICA_FAILURE, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
};

/** syncRolloutStatus without the write: the status with Progressing and ReplicaFailure brought up to date. */
export const rolloutStatus = (allRSs: ApiReplicaSet[], newRS: ApiReplicaSet | undefined, d: ApiDeployment, now: number): DeploymentStatus => {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const complete = s.replicas === s.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : 'Deployment has successfully progressed.';
      setCondition(s, newCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const c = newCondition(PROGRESSING, 'True', RS_UPDATED_REASON, `${rsOrDeployment(d, newRS)} is progressing.`, now);
      // Progress moves lastUpdateTime (the deadline's start) but not the transition time.
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(s, PROGRESSING);
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition(PROGRESSING, 'False', TIMED_OUT_REASON, `${rsOrDeployment(d, newRS)} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(s, failure);
  else removeCondition(s, REPLICA_FAILURE);
  return s;
};

/** requeueStuckDeployment: when to look again so that a stalled rollout times out on time (ms, or undefined). */
export const stuckRequeueAfter = (d: ApiDeployment, s: DeploymentStatus, now: number): number | undefined => {
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current || deploymentComplete(d, s) || current.reason === TIMED_OUT_REASON) return undefined;
  const after = Date.parse(current.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now;
  if (!Number.isFinite(after)) return undefined;
  return after < 1000 ? 0 : after + 1000;
};

const conditionKeys = ['type', 'status', 'reason', 'message', 'lastUpdateTime', 'lastTransitionTime'] as const;
const conditionsEqual = (a: DeploymentCondition[], b: DeploymentCondition[]): boolean =>
  a.length === b.length && a.every((c, i) => conditionKeys.every((k) => (c[k] ?? '') === (b[i][k] ?? '')));

/** reflect.DeepEqual on statuses, with absent and 0 the same (omitempty) and key order ignored. */
export const statusEqual = (a: DeploymentStatus | undefined, b: DeploymentStatus): boolean =>
  statusKeys.every((k) => (a?.[k] ?? 0) === (b[k] ?? 0)) && conditionsEqual(a?.conditions ?? [], b.conditions ?? []);
