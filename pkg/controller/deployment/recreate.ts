// Recreate (k8s pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero, wait
// until none of their pods is left running, then create (or scale up) the new ReplicaSet.
import type { ApiPod } from '../../../api/core/v1';
import { deploymentComplete } from './conditions';
import { scaleReplicaSetAndRecordEvent, type SyncDeps } from './context';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, syncRolloutStatus } from './sync';
import { actualReplicas, activeReplicaSets, replicasOf, type ApiDeployment, type ApiReplicaSet } from './util';

/** Pods of the deployment's ReplicaSets, by the uid of the ReplicaSet that controls them. */
export type PodMap = Map<string, ApiPod[]>;

/** oldPodsRunning: an old ReplicaSet still reports replicas, or one of its pods has not finished. */
export const oldPodsRunning = (newRS: ApiReplicaSet | undefined, oldRSs: ApiReplicaSet[], podMap: PodMap): boolean => {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
};

export const rolloutRecreate = async (d: ApiDeployment, rsList: ApiReplicaSet[], podMap: PodMap, deps: SyncDeps): Promise<number | undefined> => {
  let rss = await getAllReplicaSetsAndSyncRevision(d, rsList, false, deps);
  let scaledDown = false;
  for (const rs of activeReplicaSets(rss.oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(rs, 0, d, deps)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(rss, d, deps);
  // The new pods must not start while an old one may still run (the point of Recreate).
  if (oldPodsRunning(rss.newRS, rss.oldRSs, podMap)) return syncRolloutStatus(rss, d, deps);
  if (!rss.newRS) rss = await getAllReplicaSetsAndSyncRevision(d, rsList, true, deps);
  if (rss.newRS) await scaleReplicaSetAndRecordEvent(rss.newRS, replicasOf(d), d, deps);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(rss.oldRSs, d, deps);
  return syncRolloutStatus(rss, d, deps);
};
