// StatefulSet reconciliation (k8s stateful_set.go sync, stateful_set_control.go UpdateStatefulSet,
// stateful_pod_control.go): reads the caches, records the template's ControllerRevision, applies
// planStatefulSet through the API — a pod's claims before the pod, creates and deletes under
// expectations so a step is not repeated while the pod cache catches up — writes status with the
// cached resourceVersion as precondition, and trims the history.
import type { ApiControllerRevision, ApiStatefulSet } from '../../../api/apps/v1';
import type { ApiPersistentVolumeClaim, ApiPod } from '../../../api/core/v1';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import {
  metaNamespaceKey, namespaceIndex, splitMetaNamespaceKey,
  type Clock, type EventRecorder, type Informer, type ReconcileResult, type ResourceClient, type UIDTrackingControllerExpectations,
} from '../../client';
import type { Logger } from '../../log';
import { slowStartBatch } from '../slow-start-batch';
import { deleteUnusedRevisions, recordRevision, type RevisionClient } from '../revision-writes';
import { claimsFor, ordinalOf, planStatefulSet, podsOf, type StatefulSetStatus } from './plan';
import { planStatefulSetHistory } from './revisions';

export interface StatefulSetDeps {
  statefulSets: Pick<Informer<ApiStatefulSet>, 'get'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
  claims: Pick<Informer<ApiPersistentVolumeClaim>, 'get'>;
  revisions: Pick<Informer<ApiControllerRevision>, 'byIndex'>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  claimClient: Pick<ResourceClient<ApiPersistentVolumeClaim>, 'create'>;
  stsClient: Pick<ResourceClient<ApiStatefulSet>, 'updateStatus'>;
  revisionClient: RevisionClient;
  expectations: UIDTrackingControllerExpectations;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** recordPodEvent: `SuccessfulCreate` "create Pod web-0 in StatefulSet web successful", or Failed… with the error. */
const recordPodEvent = (d: StatefulSetDeps, verb: 'create' | 'delete', set: ApiStatefulSet, pod: ApiPod, err?: unknown): void => {
  const title = verb === 'create' ? 'Create' : 'Delete';
  if (err === undefined) d.recorder.event(set, 'Normal', `Successful${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  else d.recorder.event(set, 'Warning', `Failed${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
};

/** createPersistentVolumeClaims: the pod's missing claims; a claim being deleted blocks the pod. */
const createClaims = async (set: ApiStatefulSet, pod: ApiPod, d: StatefulSetDeps): Promise<void> => {
  const ns = set.metadata.namespace ?? '';
  for (const claim of claimsFor(set, ordinalOf(pod))) {
    const name = claim.metadata.name ?? '';
    const cached = d.claims.get(`${ns}/${name}`);
    if (cached?.metadata.deletionTimestamp) throw new Error(`pvc ${name} is being deleted`);
    if (cached) continue;
    try {
      await d.claimClient.create(ns, claim);
      d.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    } catch (err) {
      if (isAlreadyExists(err)) continue; // created by an earlier sync the cache has not shown yet
      d.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
      throw new Error(`failed to create PVC ${name}: ${errorMessage(err)}`, { cause: err });
    }
  }
};

const createPod = async (key: string, set: ApiStatefulSet, pod: ApiPod, d: StatefulSetDeps): Promise<void> => {
  try {
    await createClaims(set, pod, d);
    await d.podClient.create(set.metadata.namespace ?? '', pod);
  } catch (err) {
    d.expectations.lower(key, 1, 0); // a create that failed is never observed
    if (!isAlreadyExists(err)) recordPodEvent(d, 'create', set, pod, err);
    throw err;
  }
  recordPodEvent(d, 'create', set, pod);
};

const deletePod = async (key: string, set: ApiStatefulSet, pod: ApiPod, d: StatefulSetDeps): Promise<void> => {
  try {
    await d.podClient.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
  } catch (err) {
    d.expectations.deletionObservedOf(key, metaNamespaceKey(pod));
    if (isNotFound(err)) return;
    recordPodEvent(d, 'delete', set, pod, err);
    throw err;
  }
  recordPodEvent(d, 'delete', set, pod);
};

/** Runs `fn` on each item, a slow-start batch at a time (upstream's runForAll in Parallel mode). */
const forAll = async <T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const { error } = await slowStartBatch(items.length, 1, () => fn(items[next++]));
  if (error !== undefined) throw error;
};

const statusKeys = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas',
  'currentRevision', 'updateRevision', 'collisionCount'] as const;
/** inconsistentStatus, inverted. */
const statusEqual = (a: StatefulSetStatus | undefined, b: StatefulSetStatus): boolean =>
  !!a && statusKeys.every((k) => (a[k] ?? 0) === (b[k] ?? 0));

const writeStatus = async (set: ApiStatefulSet, status: StatefulSetStatus, d: StatefulSetDeps): Promise<void> => {
  if (statusEqual(set.status, status)) return;
  try {
    await d.stsClient.updateStatus(set.metadata.namespace ?? '', { ...set, status: { ...set.status, ...status } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
};

export const reconcileStatefulSet = async (key: string, d: StatefulSetDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const set = d.statefulSets.get(key);
  // The pods of a deleted StatefulSet are the garbage collector's (ownerReferences).
  if (!set) {
    d.expectations.delete(key);
    return;
  }
  const pods = d.pods.byIndex(namespaceIndex, namespace);
  const history = planStatefulSetHistory(set, d.revisions.byIndex(namespaceIndex, namespace), podsOf(set, pods));
  if (history.history.collision) {
    // A new collisionCount changes the hash; the status update brings the set back here.
    await writeStatus(set, { ...set.status, replicas: set.status?.replicas ?? 0, collisionCount: (set.status?.collisionCount ?? 0) + 1 }, d);
    return;
  }
  if (set.metadata.deletionTimestamp && (history.history.create || history.history.renumber)) return;
  await recordRevision(d.revisionClient, namespace, history.history);
  if (!history.revisions) return;

  const now = d.clock.now();
  const plan = planStatefulSet(set, pods, history.revisions, d.expectations.satisfied(key), now);
  let manageErr: unknown;
  try {
    for (const pod of plan.failed) d.log.v(2, 'recreating failed pod', { statefulSet: key, pod: pod.metadata.name });
    if (plan.delete.length > 0) {
      d.log.v(2, 'deleting pods', { statefulSet: key, pods: plan.delete.map((p) => p.metadata.name).join(',') });
      d.expectations.expectDeletionsOf(key, plan.delete.map(metaNamespaceKey));
      await forAll(plan.delete, (pod) => deletePod(key, set, pod, d));
    }
    await forAll(plan.pending, (pod) => createClaims(set, pod, d));
    if (plan.create.length > 0) {
      d.log.v(2, 'creating pods', { statefulSet: key, pods: plan.create.map((p) => p.metadata.name).join(',') });
      d.expectations.expectCreations(key, plan.create.length);
      let next = 0;
      const { successes, error } = await slowStartBatch(plan.create.length, 1, () => createPod(key, set, plan.create[next++], d));
      // Creates never attempted are never observed either.
      d.expectations.lower(key, plan.create.length - next, 0);
      if (error !== undefined) throw error;
      d.log.v(4, 'created pods', { statefulSet: key, count: successes });
    }
  } catch (err) {
    manageErr = err;
  }
  await writeStatus(set, plan.status, d);
  await deleteUnusedRevisions(d.revisionClient, namespace, history.history);
  if (manageErr !== undefined) throw manageErr;
  const minReady = set.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && plan.status.availableReplicas !== plan.status.readyReplicas) return { requeueAfterMs: minReady * 1000 };
};
