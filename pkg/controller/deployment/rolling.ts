// RollingUpdate (k8s pkg/controller/deployment/rolling.go): scale the new ReplicaSet up within
// maxSurge, then scale old ones down within maxUnavailable — unhealthy old replicas first — and
// repeat as replicas become available, until the new ReplicaSet holds every replica.
import { deploymentComplete } from './conditions';
import { scaleReplicaSetAndRecordEvent, type SyncDeps } from './context';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, syncRolloutStatus } from './sync';
import {
  activeReplicaSets, availableReplicas, byCreation, maxUnavailable, newRSNewReplicas, replicasOf, specReplicas,
  type ApiDeployment, type ApiReplicaSet,
} from './util';

/** reconcileNewReplicaSet: true when the new ReplicaSet was resized. */
export const reconcileNewReplicaSet = async (allRSs: ApiReplicaSet[], newRS: ApiReplicaSet, d: ApiDeployment, deps: SyncDeps): Promise<boolean> => {
  if (replicasOf(newRS) === replicasOf(d)) return false;
  if (replicasOf(newRS) > replicasOf(d)) return (await scaleReplicaSetAndRecordEvent(newRS, replicasOf(d), d, deps)).scaled;
  return (await scaleReplicaSetAndRecordEvent(newRS, newRSNewReplicas(d, allRSs, newRS), d, deps)).scaled;
};

/**
 * How many old replicas may go now (maxScaledDown): everything above minAvailable, less what the
 * new ReplicaSet has not made available yet — its unavailable pods may never come up, so they
 * must not be counted on.
 */
export const maxScaledDown = (allRSs: ApiReplicaSet[], newRS: ApiReplicaSet, d: ApiDeployment): number => {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  return specReplicas(allRSs) - minAvailable - newRSUnavailable;
};

/** cleanupUnhealthyReplicas: old replicas that are not available go first, oldest ReplicaSet first. */
const cleanupUnhealthyReplicas = async (oldRSs: ApiReplicaSet[], d: ApiDeployment, maxCleanup: number, deps: SyncDeps): Promise<[ApiReplicaSet[], number]> => {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length && total < maxCleanup; i++) {
    const rs = sorted[i];
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
    const count = Math.min(maxCleanup - total, unhealthy);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(rs, replicasOf(rs) - count, d, deps)).rs;
    total += count;
  }
  return [sorted, total];
};

/** scaleDownOldReplicaSetsForRollingUpdate: available old replicas above minAvailable, oldest first. */
const scaleDownOldForRollingUpdate = async (allRSs: ApiReplicaSet[], oldRSs: ApiReplicaSet[], d: ApiDeployment, deps: SyncDeps): Promise<number> => {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = availableReplicas(allRSs);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), toScaleDown - total);
    await scaleReplicaSetAndRecordEvent(rs, replicasOf(rs) - count, d, deps);
    total += count;
  }
  return total;
};

/** reconcileOldReplicaSets: true when some old replica was scaled down. */
export const reconcileOldReplicaSets = async (allRSs: ApiReplicaSet[], oldRSs: ApiReplicaSet[], newRS: ApiReplicaSet, d: ApiDeployment, deps: SyncDeps): Promise<boolean> => {
  if (specReplicas(oldRSs) === 0) return false;
  const limit = maxScaledDown(allRSs, newRS, d);
  if (limit <= 0) return false;
  const [cleaned, cleanedCount] = await cleanupUnhealthyReplicas(oldRSs, d, limit, deps);
  const scaledCount = await scaleDownOldForRollingUpdate([...cleaned, newRS], cleaned, d, deps);
  return cleanedCount + scaledCount > 0;
};

/** rolloutRolling: one step of a rolling update; returns when to look again (progress deadline). */
export const rolloutRolling = async (d: ApiDeployment, rsList: ApiReplicaSet[], deps: SyncDeps): Promise<number | undefined> => {
  const rss = await getAllReplicaSetsAndSyncRevision(d, rsList, true, deps);
  const newRS = rss.newRS;
  if (!newRS) throw new Error('no new replica set after creating it');
  const allRSs = [...rss.oldRSs, newRS];
  if (await reconcileNewReplicaSet(allRSs, newRS, d, deps)) return syncRolloutStatus(rss, d, deps);
  if (await reconcileOldReplicaSets(allRSs, activeReplicaSets(rss.oldRSs), newRS, d, deps)) return syncRolloutStatus(rss, d, deps);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(rss.oldRSs, d, deps);
  return syncRolloutStatus(rss, d, deps);
};
