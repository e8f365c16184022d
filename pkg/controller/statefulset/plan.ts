// StatefulSet planning (k8s pkg/controller/statefulset: stateful_set_control.go updateStatefulSet,
// processReplica, processCondemned, updateStatefulSetAfterInvariantEstablished; stateful_set_utils.go).
// Pure: (StatefulSet, its pods, its current and update revisions, now) → the pods to create, the
// pods to delete, the pending pods whose claims must exist, and the status to report.
//
// Pods are named <set>-<ordinal>. OrderedReady (the default) moves one pod at a time: it creates
// the lowest missing ordinal only once every lower one is Running, Ready and available, deletes
// the highest condemned ordinal only once every pod below it is, and waits for terminating pods.
// Parallel creates and deletes everything at once. A RollingUpdate deletes, from the highest
// ordinal down to the partition, pods not at the update revision, at most maxUnavailable
// unavailable at a time; the replacement is created at the update revision on a later sync.
import type { ApiControllerRevision, ApiStatefulSet, StatefulSet } from '../../../api/apps/v1';
import type { ApiPersistentVolumeClaim, ApiPod, PodTemplateSpec, Volume } from '../../../api/core/v1';
import type { OwnerReference } from '../../../api/meta/v1';
import { newControllerRef } from '../../client';
import { REVISION_HASH_LABEL } from '../daemonset/plan';
import { revisionTemplate } from '../daemonset/history';
import { isControlledBy, isPodAvailable, isPodReady } from '../replicaset/reconcile';

export type StatefulSetStatus = NonNullable<StatefulSet['status']>;

export { REVISION_HASH_LABEL };
/** apps/v1 StatefulSetPodNameLabel and PodIndexLabel. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export const ownerReferenceTo = (set: ApiStatefulSet): OwnerReference => newControllerRef(set, 'apps/v1', 'StatefulSet');

const podNamePattern = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: `web-2` → { parent: 'web', ordinal: 2 }; no ordinal → -1. */
export const parentAndOrdinal = (pod: ApiPod): { parent: string; ordinal: number } => {
  const m = podNamePattern.exec(pod.metadata.name ?? '');
  const ordinal = m ? Number(m[2]) : -1;
  return m && Number.isSafeInteger(ordinal) && ordinal <= 0x7fffffff ? { parent: m[1], ordinal } : { parent: '', ordinal: -1 };
};
export const ordinalOf = (pod: ApiPod): number => parentAndOrdinal(pod).ordinal;
export const startOrdinal = (set: ApiStatefulSet): number => set.spec?.ordinals?.start ?? 0;
export const replicasOf = (set: ApiStatefulSet): number => set.spec?.replicas ?? 1;
export const podName = (set: ApiStatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const revisionOf = (pod: ApiPod): string => pod.metadata.labels?.[REVISION_HASH_LABEL] ?? '';

/** getPersistentVolumeClaimName: <template>-<set>-<ordinal>. */
export const claimName = (set: ApiStatefulSet, template: { metadata?: { name?: string } }, ordinal: number): string =>
  `${template.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`;

const isTerminating = (pod: ApiPod) => !!pod.metadata.deletionTimestamp;
export const isRunningAndReady = (pod: ApiPod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
const isRunningAndAvailable = (pod: ApiPod, minReady: number, now: number) => isRunningAndReady(pod) && isPodAvailable(pod, minReady, now);
/** isUnavailable: not yet created, terminating, not running and ready, or not ready for minReadySeconds. */
const isUnavailable = (pod: ApiPod | undefined, minReady: number, now: number) =>
  !pod || isTerminating(pod) || !isRunningAndAvailable(pod, minReady, now);

/**
 * The claims of the pod with `ordinal` (getPersistentVolumeClaims): each template, renamed, with the
 * selector's labels; owned by the StatefulSet only when its retention policy deletes claims with it
 * (upstream's updateClaimOwnerRefForSetAndPod for a pod in range).
 */
export const claimsFor = (set: ApiStatefulSet, ordinal: number): ApiPersistentVolumeClaim[] =>
  (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const claim = structuredClone(t);
    const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    return {
      ...claim, apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: {
        ...claim.metadata, name: claimName(set, t, ordinal), namespace: set.metadata.namespace,
        labels: { ...claim.metadata?.labels, ...set.spec?.selector?.matchLabels },
        ...(deleteWithSet ? { ownerReferences: [ownerReferenceTo(set)] } : {}),
      },
    };
  });

/**
 * newStatefulSetPod: the template's pod with its identity (name, hostname, subdomain, the pod-name
 * and pod-index labels), the revision label, and a volume per claim template in place of any
 * template volume of the same name.
 */
export const newStatefulSetPod = (set: ApiStatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): ApiPod => {
  const t = structuredClone(template);
  const name = podName(set, ordinal);
  const claims = set.spec?.volumeClaimTemplates ?? [];
  const claimVolumes: Volume[] = claims.map((c) => ({ name: c.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } }));
  const volumes = [...claimVolumes, ...(t.spec?.volumes ?? []).filter((v) => !claims.some((c) => c.metadata?.name === v.name))];
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: set.metadata.namespace,
      labels: { ...t.metadata?.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_HASH_LABEL]: revision },
      annotations: t.metadata?.annotations, finalizers: t.metadata?.finalizers, ownerReferences: [ownerReferenceTo(set)],
    },
    spec: {
      ...(t.spec ?? { containers: [] }), hostname: name,
      ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
    },
  };
};

export interface Revisions { current: ApiControllerRevision; update: ApiControllerRevision }

/**
 * newVersionedStatefulSetPod: under RollingUpdate, ordinals below the partition are recreated at
 * the current revision, the others at the update revision.
 */
const versionedPod = (set: ApiStatefulSet, revisions: Revisions, ordinal: number): ApiPod => {
  const us = set.spec?.updateStrategy;
  const rolling = (us?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const below = us?.rollingUpdate
    ? ordinal < startOrdinal(set) + (us.rollingUpdate.partition ?? 0)
    : rolling && ordinal < startOrdinal(set) + (set.status?.currentReplicas ?? 0);
  const r = below ? revisions.current : revisions.update;
  return newStatefulSetPod(set, revisionTemplate(r), ordinal, r.metadata.name ?? '');
};

/** The set's pods: controlled by it and named after it (getPodsForStatefulSet, isMemberOf). */
export const podsOf = (set: ApiStatefulSet, pods: ApiPod[]): ApiPod[] =>
  pods.filter((p) => isControlledBy(p, set) && parentAndOrdinal(p).parent === set.metadata.name);

/** updateStatus + completeRollingUpdate, from the pods the cache shows. */
export const statusFor = (set: ApiStatefulSet, pods: ApiPod[], revisions: Revisions, now: number): StatefulSetStatus => {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const live = pods.filter((p) => !isTerminating(p));
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter((p) => isRunningAndAvailable(p, minReady, now)).length,
    currentReplicas: live.filter((p) => revisionOf(p) === revisions.current.metadata.name).length,
    updatedReplicas: live.filter((p) => revisionOf(p) === revisions.update.metadata.name).length,
    currentRevision: revisions.current.metadata.name,
    updateRevision: revisions.update.metadata.name,
    collisionCount: set.status?.collisionCount ?? 0,
    ...(set.status?.conditions ? { conditions: set.status.conditions } : {}),
  };
  const want = replicasOf(set);
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentRevision = status.updateRevision;
    status.currentReplicas = status.updatedReplicas;
  }
  return status;
};

export interface StatefulSetPlan {
  /** Pods to create, lowest ordinal first; their claims are created first. */
  create: ApiPod[];
  /** Pods to delete: failed ones (also in `failed`), condemned ones, and ones replaced by an update. */
  delete: ApiPod[];
  failed: ApiPod[];
  /** Pending pods whose missing claims are created (upstream's createMissingPersistentVolumeClaims). */
  pending: ApiPod[];
  status: StatefulSetStatus;
}

/** maxUnavailable of the rolling update as a count of `replicas`, at least 1 (getStatefulSetMaxUnavailable). */
const maxUnavailableOf = (set: ApiStatefulSet, replicas: number): number => {
  const v = set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  const n = typeof v === 'number' ? v : Math.floor((Number(v.replace('%', '')) * replicas) / 100);
  return Number.isFinite(n) ? Math.max(1, n) : 1;
};

export const planStatefulSet = (set: ApiStatefulSet, allPods: ApiPod[], revisions: Revisions, expectationsSatisfied: boolean, now: number): StatefulSetPlan => {
  const pods = podsOf(set, allPods);
  const plan: StatefulSetPlan = { create: [], delete: [], failed: [], pending: [], status: statusFor(set, pods, revisions, now) };
  // A StatefulSet being deleted, or whose last writes the cache has not seen, only reports status.
  if (set.metadata.deletionTimestamp || !expectationsSatisfied) return plan;

  const start = startOrdinal(set);
  const count = replicasOf(set);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const slots: Array<ApiPod | undefined> = Array.from({ length: count }, () => undefined);
  const condemned: ApiPod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(p);
    if (ord >= start && ord < start + count) slots[ord - start] = p;
    else if (ord >= 0) condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a)); // highest first
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel';

  // The replicas, lowest ordinal first; in order, each must be available before the next moves.
  for (const [i, pod] of slots.entries()) {
    if (pod && (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
      // Deleted, and recreated under the same name once it is gone.
      if (!isTerminating(pod)) { plan.delete.push(pod); plan.failed.push(pod); }
      if (monotonic) return plan;
      continue;
    }
    if (!pod) {
      plan.create.push(versionedPod(set, revisions, start + i));
      if (monotonic) return plan;
      continue;
    }
    if (pod.status?.phase === 'Pending') plan.pending.push(pod);
    if (monotonic && isUnavailable(pod, minReady, now)) return plan;
  }

  // Scale down, highest ordinal first; in order, only the first unavailable pod may go early.
  const firstUnavailable = slots.find((p) => isUnavailable(p, minReady, now)) ?? [...condemned].reverse().find((p) => isUnavailable(p, minReady, now));
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return plan;
      continue;
    }
    if (monotonic && pod !== firstUnavailable && !isRunningAndAvailable(pod, minReady, now)) return plan;
    plan.delete.push(pod);
    if (monotonic) return plan;
  }

  if (set.spec?.updateStrategy?.type === 'OnDelete') return plan;
  // RollingUpdate: replace pods from the highest ordinal down to the partition.
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const budget = maxUnavailableOf(set, count) - slots.filter((p) => isUnavailable(p, minReady, now)).length;
  let deleted = 0;
  for (let i = slots.length - 1; i >= partition && deleted < budget; i--) {
    const pod = slots[i];
    if (pod && revisionOf(pod) !== revisions.update.metadata.name && !isTerminating(pod) && !plan.delete.includes(pod)) {
      plan.delete.push(pod);
      deleted++;
    }
  }
  return plan;
};
