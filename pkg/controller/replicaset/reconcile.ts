// ReplicaSet reconciliation (k8s pkg/controller/replicaset/replica_set.go + replica_set_utils.go).
// planReplicaSet is pure: (ReplicaSet, pods, expectations satisfied, now) → what to create,
// what to delete, and the status to report. reconcileReplicaSet reads the informer caches,
// applies the plan through the API and writes status with a resourceVersion precondition.
// Adoption of matching orphan pods is not done yet: only pods whose controller ownerReference
// points at this ReplicaSet (by uid) count.
import type { ReplicaSet } from '../../../api/apps/v1';
import type { ApiObject, OwnerReference } from '../../../api/meta/v1';
import { isNotFound } from '../../apimachinery/errors';
import {
  newControllerRef, controllerRef, metaNamespaceKey, namespaceIndex, splitMetaNamespaceKey,
  type Clock, type EventRecorder, type Informer, type ReconcileResult, type ResourceClient, type UIDTrackingControllerExpectations,
} from '../../client';
import type { Logger } from '../../log';
import { slowStartBatch } from '../slow-start-batch';

import type { ApiPod } from '../../../api/core/v1';
export type { ApiPod };
import type { ApiReplicaSet } from '../../../api/apps/v1';
export type { ApiReplicaSet };
export type ReplicaSetStatus = NonNullable<ReplicaSet['status']>;

/** At most this many creates or deletes per sync (upstream BurstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetPlan { create: number; delete: ApiPod[]; status: ReplicaSetStatus }

export const isPodActive = (p: ApiPod): boolean =>
  p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

const readyCondition = (p: ApiPod) => p.status?.conditions?.find((c) => c.type === 'Ready');
export const isPodReady = (p: ApiPod): boolean => readyCondition(p)?.status === 'True';

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export const isPodAvailable = (p: ApiPod, minReadySeconds: number, now: number): boolean => {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(readyCondition(p)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
};

export const isControlledBy = (obj: ApiObject, owner: ApiObject): boolean =>
  controllerRef(obj)?.uid !== undefined && controllerRef(obj)?.uid === owner.metadata.uid;

const labelsMatch = (want: Record<string, string> | undefined, have: Record<string, string> | undefined): boolean =>
  Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const restarts = (p: ApiPod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount));
const time = (t: string | null | undefined) => (t ? Date.parse(t) : Number.POSITIVE_INFINITY); // unset sorts as newest

/**
 * Orders pods so that the cheapest to lose come first (controller.ActivePods, without the
 * co-location ranks): unscheduled < scheduled, Pending < Unknown < Running, not ready < ready,
 * ready for less time < longer, more restarts < fewer, newer < older.
 */
export const compareForDeletion = (a: ApiPod, b: ApiPod): number => {
  const checks = [
    Number(!!a.spec?.nodeName) - Number(!!b.spec?.nodeName),
    (phaseRank[a.status?.phase ?? 'Pending'] ?? 0) - (phaseRank[b.status?.phase ?? 'Pending'] ?? 0),
    Number(isPodReady(a)) - Number(isPodReady(b)),
    isPodReady(a) && isPodReady(b) ? time(readyCondition(b)?.lastTransitionTime) - time(readyCondition(a)?.lastTransitionTime) : 0,
    restarts(b) - restarts(a),
    time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp),
  ];
  return checks.find((c) => c !== 0 && !Number.isNaN(c)) ?? (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
};

/** The status upstream's calculateStatus reports, from the active and terminating owned pods. */
const calculateStatus = (rs: ApiReplicaSet, active: ApiPod[], terminating: number, now: number): ReplicaSetStatus => {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const templateLabels = rs.spec?.template?.metadata?.labels;
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => labelsMatch(templateLabels, p.metadata.labels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
    terminatingReplicas: terminating,
    observedGeneration: rs.metadata.generation,
  };
  if (rs.status?.conditions?.length) status.conditions = rs.status.conditions;
  return status;
};

export const planReplicaSet = (rs: ApiReplicaSet, pods: ApiPod[], expectationsSatisfied: boolean, now = 0): ReplicaSetPlan => {
  const owned = pods.filter((p) => isControlledBy(p, rs));
  const active = owned.filter(isPodActive);
  const terminating = owned.filter((p) => p.metadata.deletionTimestamp).length;
  const plan: ReplicaSetPlan = { create: 0, delete: [], status: calculateStatus(rs, active, terminating, now) };
  // A ReplicaSet being deleted, or one whose last writes the cache has not seen yet, only reports status.
  if (!expectationsSatisfied || rs.metadata.deletionTimestamp) return plan;
  const diff = active.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) plan.create = Math.min(-diff, BURST_REPLICAS);
  if (diff > 0) plan.delete = [...active].sort(compareForDeletion).slice(0, Math.min(diff, BURST_REPLICAS));
  return plan;
};

export interface ReplicaSetDeps {
  replicaSets: Pick<Informer<ApiReplicaSet>, 'get'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  rsClient: Pick<ResourceClient<ApiReplicaSet>, 'updateStatus'>;
  expectations: UIDTrackingControllerExpectations;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
}

export const ownerReferenceTo = (rs: ApiReplicaSet): OwnerReference => newControllerRef(rs, 'apps/v1', 'ReplicaSet');

/** The pod the template describes (controller.GetPodFromTemplate); clones, since the cache is frozen. */
export const podFromTemplate = (rs: ApiReplicaSet): ApiPod => {
  const t = structuredClone(rs.spec?.template ?? {});
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`, namespace: rs.metadata.namespace,
      labels: t.metadata?.labels, annotations: t.metadata?.annotations, finalizers: t.metadata?.finalizers,
      ownerReferences: [ownerReferenceTo(rs)],
    },
    spec: t.spec,
  };
};

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

const createPods = async (key: string, rs: ApiReplicaSet, n: number, d: ReplicaSetDeps): Promise<void> => {
  // Expect first: the informer may deliver the new pods before the creates return.
  d.expectations.expectCreations(key, n);
  const { successes, error } = await slowStartBatch(n, 1, async () => {
    try {
      const pod = await d.podClient.create(rs.metadata.namespace ?? '', podFromTemplate(rs));
      d.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      d.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  });
  // Creates that failed or were never attempted will never be observed.
  if (n - successes > 0) d.expectations.lower(key, n - successes, 0);
  if (error !== undefined) throw error;
};

/** Deletes pods by uid precondition; a pod already gone counts as deleted. */
const deletePods = async (rs: ApiObject, pods: ApiPod[], d: ReplicaSetDeps, onFailed: (pod: ApiPod) => void): Promise<void> => {
  const results = await Promise.allSettled(pods.map(async (pod) => {
    try {
      await d.podClient.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
      d.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      onFailed(pod);
      if (isNotFound(err)) return;
      d.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
};

const manageReplicas = async (key: string, rs: ApiReplicaSet, plan: ReplicaSetPlan, d: ReplicaSetDeps): Promise<void> => {
  if (plan.create > 0) {
    if (!rs.spec?.template?.spec) {
      // Unfixable input: say so on the object and do not retry (validation should prevent it).
      d.recorder.event(rs, 'Warning', 'FailedCreate', 'Error creating: spec.template.spec is required');
      return;
    }
    d.log.v(2, 'too few replicas, creating', { replicaSet: key, need: rs.spec?.replicas ?? 1, creating: plan.create });
    await createPods(key, rs, plan.create, d);
  }
  if (plan.delete.length > 0) {
    d.log.v(2, 'too many replicas, deleting', { replicaSet: key, need: rs.spec?.replicas ?? 1, deleting: plan.delete.length });
    d.expectations.expectDeletionsOf(key, plan.delete.map(metaNamespaceKey));
    await deletePods(rs, plan.delete, d, (pod) => d.expectations.deletionObservedOf(key, metaNamespaceKey(pod)));
  }
};

/** Adds or clears the ReplicaFailure condition after a failed or clean manageReplicas. */
const withFailureCondition = (status: ReplicaSetStatus, err: unknown, now: number): ReplicaSetStatus => {
  const others = (status.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const isCreateError = err !== undefined;
  const conditions = isCreateError
    ? [...others, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: errorMessage(err),
      lastTransitionTime: (status.conditions ?? []).find((c) => c.type === 'ReplicaFailure')?.lastTransitionTime ?? new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') }]
    : others;
  const { conditions: _, ...rest } = status;
  return conditions.length ? { ...rest, conditions } : rest;
};

const statusKeys = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'terminatingReplicas', 'observedGeneration'] as const;
const statusEqual = (a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean =>
  !!a && statusKeys.every((k) => (a[k] ?? 0) === (b[k] ?? 0)) && JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? []);

export const reconcileReplicaSet = async (key: string, d: ReplicaSetDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const rs = d.replicaSets.get(key);
  // The pods of a deleted ReplicaSet are the garbage collector's (ownerReferences).
  if (!rs) {
    d.expectations.delete(key);
    return;
  }
  const now = d.clock.now();
  const plan = planReplicaSet(rs, d.pods.byIndex(namespaceIndex, namespace), d.expectations.satisfied(key), now);
  let manageErr: unknown;
  try {
    await manageReplicas(key, rs, plan, d);
  } catch (err) {
    manageErr = err;
  }
  const status = withFailureCondition(plan.status, plan.create > 0 ? manageErr : undefined, now);
  if (!statusEqual(rs.status, status)) {
    // rs still carries the cached resourceVersion: a concurrent change makes this a 409, and the
    // requeue recomputes from the newer object.
    try {
      await d.rsClient.updateStatus(namespace, { ...rs, status });
    } catch (err) {
      // Deleted since the cache saw it: nothing to report; the informer's delete ends the key.
      if (!isNotFound(err)) throw err;
    }
  }
  if (manageErr !== undefined) throw manageErr;
  const minReady = rs.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && status.readyReplicas !== status.availableReplicas) return { requeueAfterMs: minReady * 1000 };
};
