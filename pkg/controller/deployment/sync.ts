// Syncing a deployment's ReplicaSets (k8s pkg/controller/deployment/sync.go): which ReplicaSet is
// new (created on demand as <deployment>-<pod-template-hash>), revision bookkeeping, proportional
// scaling when spec.replicas changes mid-rollout, old-revision clean-up, status writes and the
// paused condition.
import { isAlreadyExists } from '../../apimachinery/errors';
import { controllerRef } from '../../client';
import {
  FAILED_RS_CREATE_REASON, FOUND_NEW_RS_REASON, NEW_RS_REASON, PAUSED_DEPLOY_REASON, PROGRESSING, RESUMED_DEPLOY_REASON, TIMED_OUT_REASON,
  calculateStatus, getCondition, hasProgressDeadline, newCondition, rolloutStatus, setCondition, statusEqual, stuckRequeueAfter,
} from './conditions';
import { ownerReferenceTo } from './claim';
import { copy, saveDeployment, scaleReplicaSet, scaleReplicaSetAndRecordEvent, type SyncDeps } from './context';
import { POD_TEMPLATE_HASH_LABEL, computeHash, equalIgnoreHash } from './hash';
import {
  REVISION_ANNOTATION, activeReplicaSets, byRevision, bySizeNewer, bySizeOlder, desiredReplicasAnnotation, findActiveOrLatest,
  findNewReplicaSet, getProportion, isRollingUpdate, isSaturated, maxRevision, maxSurge, newRSNewReplicas, replicasOf,
  setNewReplicaSetAnnotations, specReplicas, type ApiDeployment, type ApiReplicaSet,
} from './util';

export interface ReplicaSets { newRS?: ApiReplicaSet; oldRSs: ApiReplicaSet[] }

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** SetDeploymentRevision: true when the deployment's revision annotation changed. */
const setDeploymentRevision = (d: ApiDeployment, revision: string | undefined): boolean => {
  const a = (d.metadata.annotations ??= {});
  if (revision === undefined || a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
};

/** The existing new ReplicaSet brought up to date: revision, annotations, minReadySeconds. */
const syncExistingNewRS = async (d: ApiDeployment, existing: ApiReplicaSet, newRevision: number, deps: SyncDeps): Promise<ApiReplicaSet> => {
  const rsCopy = copy(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
  if (annotationsUpdated || (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0)) {
    rsCopy.spec = { ...rsCopy.spec, selector: rsCopy.spec?.selector ?? {}, minReadySeconds: d.spec?.minReadySeconds ?? 0 };
    // The deployment's revision follows in the sync this update triggers (as upstream).
    return deps.rsClient.update(rsCopy.metadata.namespace ?? '', rsCopy);
  }
  const annotationsChanged = setDeploymentRevision(d, rsCopy.metadata.annotations?.[REVISION_ANNOTATION]);
  let statusChanged = false;
  // A deployment from before progress tracking: start the clock at the first sight of its new ReplicaSet.
  if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', FOUND_NEW_RS_REASON, `Found new replica set "${rsCopy.metadata.name}"`, deps.clock.now()));
    statusChanged = true;
  }
  if (annotationsChanged || statusChanged) await saveDeployment(d, deps, annotationsChanged);
  return rsCopy;
};

/** The ReplicaSet for the current template, as getNewReplicaSet builds it. */
export const newReplicaSetFor = (d: ApiDeployment, replicas: number): ApiReplicaSet => {
  const hash = computeHash(d.spec?.template, d.status?.collisionCount);
  const template = copy(d.spec?.template ?? {});
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = copy(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: template.metadata.labels,
      ownerReferences: [ownerReferenceTo(d)],
    },
    spec: { replicas, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
};

/** A create that hit an existing name: ours (same template) is fine; anything else is a hash collision. */
const resolveAlreadyExists = async (d: ApiDeployment, name: string, err: unknown, deps: SyncDeps): Promise<ApiReplicaSet> => {
  const rs = await deps.rsClient.get(d.metadata.namespace ?? '', name);
  if (controllerRef(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) return rs;
  // Bump collisionCount so the next hash differs; the error requeues.
  d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
  await saveDeployment(d, deps, false);
  deps.log.v(2, 'found a hash collision for deployment, bumping collisionCount', { deployment: d.metadata.name, replicaSet: name });
  throw err;
};

const createNewRS = async (d: ApiDeployment, oldRSs: ApiReplicaSet[], newRevision: number, deps: SyncDeps): Promise<ApiReplicaSet> => {
  const rs = newReplicaSetFor(d, 0);
  if (rs.spec) rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  let created: ApiReplicaSet;
  let alreadyExists = false;
  try {
    created = await deps.rsClient.create(d.metadata.namespace ?? '', rs);
  } catch (err) {
    if (isAlreadyExists(err)) {
      created = await resolveAlreadyExists(d, rs.metadata.name ?? '', err, deps);
      alreadyExists = true;
    } else {
      const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorMessage(err)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition(PROGRESSING, 'False', FAILED_RS_CREATE_REASON, msg, deps.clock.now()));
        await saveDeployment(d, deps, false).catch((e: unknown) => deps.log.v(2, 'status update failed', { error: e }));
      }
      deps.recorder.event(d, 'Warning', FAILED_RS_CREATE_REASON, msg);
      throw err;
    }
  }
  const replicas = replicasOf(rs);
  if (!alreadyExists && replicas > 0) {
    deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
  }
  const annotationsChanged = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'True', NEW_RS_REASON, `Created new replica set "${created.metadata.name}"`, deps.clock.now()));
  }
  if (annotationsChanged || !alreadyExists) await saveDeployment(d, deps, annotationsChanged);
  return created;
};

/**
 * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when `create` and missing) and
 * every other one the deployment owns, with the new one's revision set to max(old) + 1.
 */
export const getAllReplicaSetsAndSyncRevision = async (d: ApiDeployment, rsList: ApiReplicaSet[], create: boolean, deps: SyncDeps): Promise<ReplicaSets> => {
  const existing = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs.metadata.uid !== existing?.metadata.uid);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) return { newRS: await syncExistingNewRS(d, existing, newRevision, deps), oldRSs };
  if (!create) return { oldRSs };
  return { newRS: await createNewRS(d, oldRSs, newRevision, deps), oldRSs };
};

/** How many replicas each active ReplicaSet gets when the deployment is resized mid-rollout. */
export const proportionalSizes = (d: ApiDeployment, allRSs: ApiReplicaSet[]): Map<ApiReplicaSet, number> => {
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(allRSs);
  const sorted = [...allRSs].sort(toAdd > 0 ? bySizeNewer : bySizeOlder);
  const sizes = new Map<ApiReplicaSet, number>();
  let added = 0;
  for (const rs of sorted) {
    const proportion = toAdd !== 0 ? getProportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, replicasOf(rs) + proportion);
    added += proportion;
  }
  // The rounding leftover goes to the largest ReplicaSet.
  if (toAdd !== 0 && sorted.length > 0) sizes.set(sorted[0], Math.max(0, (sizes.get(sorted[0]) ?? 0) + toAdd - added));
  return sizes;
};

/** scale: a resize goes to the only active ReplicaSet, or proportionally across all of them mid-rollout. */
export const scale = async (d: ApiDeployment, newRS: ApiReplicaSet | undefined, oldRSs: ApiReplicaSet[], deps: SyncDeps): Promise<void> => {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) !== replicasOf(d)) await scaleReplicaSetAndRecordEvent(activeOrLatest, replicasOf(d), d, deps);
    return;
  }
  // The new ReplicaSet is saturated: the old ones go to zero.
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(old, 0, d, deps);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = activeReplicaSets([...oldRSs, ...(newRS ? [newRS] : [])]);
  for (const [rs, size] of proportionalSizes(d, all)) await scaleReplicaSet(rs, size, d, deps);
};

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas than the deployment's now. */
export const isScalingEvent = (d: ApiDeployment, rss: ReplicaSets): boolean =>
  activeReplicaSets([...rss.oldRSs, ...(rss.newRS ? [rss.newRS] : [])])
    .some((rs) => { const desired = desiredReplicasAnnotation(rs); return desired !== undefined && desired !== replicasOf(d); });

/** cleanupDeployment: deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export const cleanupDeployment = async (oldRSs: ApiReplicaSet[], d: ApiDeployment, deps: SyncDeps): Promise<void> => {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (const rs of cleanable.slice(0, Math.max(0, diff))) {
    // Only ReplicaSets with nothing left running, whose controller has seen their last change.
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    deps.log.v(2, 'deleting old replica set', { deployment: d.metadata.name, replicaSet: rs.metadata.name });
    await deps.rsClient.delete(rs.metadata.namespace ?? '', rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid } });
  }
};

const all = (rss: ReplicaSets): ApiReplicaSet[] => [...rss.oldRSs, ...(rss.newRS ? [rss.newRS] : [])];

/** syncDeploymentStatus: counts and Available only, for paused, scaling and deleting deployments. */
export const syncDeploymentStatus = async (rss: ReplicaSets, d: ApiDeployment, deps: SyncDeps): Promise<void> => {
  const status = calculateStatus(all(rss), rss.newRS, d, deps.clock.now());
  if (statusEqual(d.status, status)) return;
  d.status = status;
  await saveDeployment(d, deps, false);
};

/** syncRolloutStatus: counts plus Progressing; returns when to look again for the progress deadline. */
export const syncRolloutStatus = async (rss: ReplicaSets, d: ApiDeployment, deps: SyncDeps): Promise<number | undefined> => {
  const now = deps.clock.now();
  const status = rolloutStatus(all(rss), rss.newRS, d, now);
  if (statusEqual(d.status, status)) return stuckRequeueAfter(d, status, now);
  d.status = status;
  await saveDeployment(d, deps, false);
  return undefined;
};

/** syncStatusOnly: a deployment being deleted only reports. */
export const syncStatusOnly = async (d: ApiDeployment, rsList: ApiReplicaSet[], deps: SyncDeps): Promise<void> =>
  syncDeploymentStatus(await getAllReplicaSetsAndSyncRevision(d, rsList, false, deps), d, deps);

/** sync: a paused deployment or a scaling event: resize, clean up (paused), report. */
export const sync = async (d: ApiDeployment, rsList: ApiReplicaSet[], deps: SyncDeps): Promise<void> => {
  const rss = await getAllReplicaSetsAndSyncRevision(d, rsList, false, deps);
  await scale(d, rss.newRS, rss.oldRSs, deps);
  if (d.spec?.paused) await cleanupDeployment(rss.oldRSs, d, deps);
  // Sizes changed above: report from what the ReplicaSets say now (the next sync corrects counts).
  await syncDeploymentStatus(rss, d, deps);
};

/** checkPausedConditions: Progressing Unknown DeploymentPaused/DeploymentResumed, unless timed out. */
export const checkPausedConditions = async (d: ApiDeployment, deps: SyncDeps): Promise<void> => {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  if (cond?.reason === TIMED_OUT_REASON) return;
  const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
  const now = deps.clock.now();
  if (d.spec?.paused && !pausedCondExists) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', now));
  } else if (!d.spec?.paused && pausedCondExists) {
    setCondition((d.status ??= {}), newCondition(PROGRESSING, 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', now));
  } else {
    return;
  }
  await saveDeployment(d, deps, false);
};
