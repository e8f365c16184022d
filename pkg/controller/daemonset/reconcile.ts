// DaemonSet reconciliation: reads the caches, applies planDaemonSet through the API (creates
// under expectations, so a burst is not repeated while the pod cache catches up; deletes by uid
// precondition) and writes status with the cached resourceVersion as precondition.
import type { ApiControllerRevision, ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiNode, ApiPod } from '../../../api/core/v1';
import { isNotFound } from '../../apimachinery/errors';
import {
  metaNamespaceKey, namespaceIndex, splitMetaNamespaceKey,
  type Clock, type EventRecorder, type Informer, type ReconcileResult, type ResourceClient, type UIDTrackingControllerExpectations,
} from '../../client';
import type { Logger } from '../../log';
import { planDaemonSet, podForNode, templateHash, type DaemonSetStatus } from './plan';
import { planHistory } from './history';
import { deleteUnusedRevisions, recordRevision, type RevisionClient } from '../revision-writes';

export interface DaemonSetDeps {
  daemonSets: Pick<Informer<ApiDaemonSet>, 'get'>;
  nodes: Pick<Informer<ApiNode>, 'list'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  dsClient: Pick<ResourceClient<ApiDaemonSet>, 'updateStatus'>;
  revisions: Pick<Informer<ApiControllerRevision>, 'byIndex'>;
  revisionClient: RevisionClient;
  expectations: UIDTrackingControllerExpectations;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

const createPods = async (key: string, ds: ApiDaemonSet, nodes: string[], d: DaemonSetDeps): Promise<void> => {
  d.expectations.expectCreations(key, nodes.length);
  const hash = templateHash(ds);
  const results = await Promise.allSettled(nodes.map(async (node) => {
    try {
      const pod = await d.podClient.create(ds.metadata.namespace ?? '', podForNode(ds, node, hash));
      d.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      d.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  // Creates that failed will never be observed.
  if (failed.length > 0) {
    d.expectations.lower(key, failed.length, 0);
    throw failed[0].reason;
  }
};

const deletePods = async (key: string, ds: ApiDaemonSet, pods: ApiPod[], d: DaemonSetDeps): Promise<void> => {
  d.expectations.expectDeletionsOf(key, pods.map(metaNamespaceKey));
  const results = await Promise.allSettled(pods.map(async (pod) => {
    try {
      await d.podClient.delete(pod.metadata.namespace ?? '', pod.metadata.name ?? '', { preconditions: { uid: pod.metadata.uid } });
      d.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      d.expectations.deletionObservedOf(key, metaNamespaceKey(pod));
      if (isNotFound(err)) return;
      d.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
  }));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
};

/** Records the current template as the newest ControllerRevision and trims the history. */
const syncHistory = async (ds: ApiDaemonSet, pods: ApiPod[], d: DaemonSetDeps): Promise<void> => {
  const ns = ds.metadata.namespace ?? '';
  const plan = planHistory(ds, d.revisions.byIndex(namespaceIndex, ns), pods);
  await recordRevision(d.revisionClient, ns, plan);
  await deleteUnusedRevisions(d.revisionClient, ns, plan);
};

const statusKeys = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled',
  'numberAvailable', 'numberUnavailable', 'observedGeneration'] as const;
const statusEqual = (a: DaemonSetStatus | undefined, b: DaemonSetStatus): boolean => !!a && statusKeys.every((k) => (a[k] ?? 0) === (b[k] ?? 0));

export const reconcileDaemonSet = async (key: string, d: DaemonSetDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const ds = d.daemonSets.get(key);
  // The pods of a deleted DaemonSet are the garbage collector's (ownerReferences).
  if (!ds) {
    d.expectations.delete(key);
    return;
  }
  const now = d.clock.now();
  const pods = d.pods.byIndex(namespaceIndex, namespace);
  if (!ds.metadata.deletionTimestamp) await syncHistory(ds, pods, d);
  const plan = planDaemonSet(ds, d.nodes.list(), pods, d.expectations.satisfied(key), now);
  let manageErr: unknown;
  try {
    if (plan.delete.length > 0) {
      d.log.v(2, 'deleting daemon pods', { daemonSet: key, pods: plan.delete.map((p) => p.metadata.name).join(',') });
      await deletePods(key, ds, plan.delete, d);
    }
    if (plan.create.length > 0 && ds.spec?.template?.spec) {
      d.log.v(2, 'creating daemon pods', { daemonSet: key, nodes: plan.create.join(',') });
      await createPods(key, ds, plan.create, d);
    }
  } catch (err) {
    manageErr = err;
  }
  if (!statusEqual(ds.status, plan.status)) {
    try {
      await d.dsClient.updateStatus(namespace, { ...ds, status: { ...ds.status, ...plan.status } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  if (manageErr !== undefined) throw manageErr;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && plan.status.numberReady !== plan.status.numberAvailable) return { requeueAfterMs: minReady * 1000 };
};
