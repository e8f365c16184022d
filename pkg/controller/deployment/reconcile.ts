// syncDeployment (k8s pkg/controller/deployment/deployment_controller.go): claim the ReplicaSets,
// then, in upstream's order: a deployment being deleted only reports status; a paused one or a
// resize only scales; otherwise one step of its strategy (Recreate or RollingUpdate).
import type { ApiPod } from '../../../api/core/v1';
import type { LabelSelector } from '../../../api/meta/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import { controllerRef, namespaceIndex, splitMetaNamespaceKey, type Informer, type ReconcileResult } from '../../client';
import { claimReplicaSets } from './claim';
import { checkPausedConditions, getAllReplicaSetsAndSyncRevision, isScalingEvent, sync, syncStatusOnly } from './sync';
import { copy, saveDeployment, type SyncDeps } from './context';
import { rolloutRecreate, type PodMap } from './recreate';
import { rolloutRolling } from './rolling';
import type { ApiDeployment, ApiReplicaSet } from './util';

export interface DeploymentDeps extends SyncDeps {
  deployments: Pick<Informer<ApiDeployment>, 'get'>;
  replicaSets: Pick<Informer<ApiReplicaSet>, 'byIndex'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
}

/** getPodMapForDeployment: the selected pods, grouped by the uid of the claimed ReplicaSet controlling them. */
export const podMapFor = (d: ApiDeployment, rsList: ApiReplicaSet[], pods: ApiPod[]): PodMap => {
  const selector = selectorFromLabelSelector(d.spec?.selector);
  const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
  for (const pod of pods) {
    if (!selector.matches(pod.metadata.labels ?? {})) continue;
    const ref = controllerRef(pod);
    if (ref) map.get(ref.uid)?.push(pod);
  }
  return map;
};

/** reflect.DeepEqual(selector, &LabelSelector{}) in upstream's syncDeployment. */
const selectsEverything = (sel: LabelSelector | undefined): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** An empty selector would select every pod: warn and only record that the spec was seen. */
const selectingAll = async (d: ApiDeployment, deps: SyncDeps): Promise<void> => {
  deps.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
  if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
    d.status = { ...d.status, observedGeneration: d.metadata.generation };
    await saveDeployment(d, deps, false);
  }
};

export const reconcileDeployment = async (key: string, deps: DeploymentDeps): Promise<ReconcileResult> => {
  const cached = deps.deployments.get(key);
  if (!cached) return; // deleted: its ReplicaSets are the garbage collector's
  const d = copy(cached);
  if (selectsEverything(d.spec?.selector)) return selectingAll(d, deps);
  const rsList = await claimReplicaSets(d, deps.replicaSets, deps);
  if (d.metadata.deletionTimestamp) return syncStatusOnly(d, rsList, deps);
  // Paused or not, the condition says so before anything else.
  await checkPausedConditions(d, deps);
  if (d.spec?.paused) return sync(d, rsList, deps);
  const rss = await getAllReplicaSetsAndSyncRevision(d, rsList, false, deps);
  // Go on with what that call wrote (upstream re-reads the stale list and conflicts with itself).
  const current = [...rss.oldRSs, ...(rss.newRS ? [rss.newRS] : [])];
  if (isScalingEvent(d, rss)) return sync(d, current, deps);
  const after = d.spec?.strategy?.type === 'Recreate'
    ? await rolloutRecreate(d, current, podMapFor(d, current, deps.pods.byIndex(namespaceIndex, splitMetaNamespaceKey(key).namespace)), deps)
    : await rolloutRolling(d, current, deps);
  // A deadline already passed asks for a look now (upstream's AddRateLimited/Add).
  return after === undefined ? undefined : { requeueAfterMs: Math.max(1, after) };
};
