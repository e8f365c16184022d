// The writes a deployment sync makes (k8s deployment_controller.go + sync.go scaleReplicaSet):
// ReplicaSet scale updates with their ScalingReplicaSet events, and the deployment's own
// annotations and status. Objects from the informer cache are frozen: everything written is a copy.

import type { Clock, EventRecorder, ResourceClient } from '../../client';
import type { Logger } from '../../log';
import { maxSurge, replicasAnnotationsNeedUpdate, replicasOf, setReplicasAnnotations, type ApiDeployment, type ApiReplicaSet } from './util';

export interface SyncDeps {
  rsClient: Pick<ResourceClient<ApiReplicaSet>, 'create' | 'update' | 'get' | 'delete' | 'patch'>;
  dClient: Pick<ResourceClient<ApiDeployment>, 'get' | 'update' | 'updateStatus'>;
  recorder: EventRecorder;
  log: Logger;
  clock: Clock;
}

/** A writable copy of a cached object (DeepCopy). */
export const copy = <T>(o: T): T => structuredClone(o);

/**
 * Writes the deployment's annotations (when changed) and status. Upstream does both with one
 * UpdateStatus; our status subresource keeps everything but status, so the revision annotation
 * goes through the main resource first. Each write carries the resourceVersion forward so that
 * the next one in the same sync does not conflict with our own change.
 */
export const saveDeployment = async (d: ApiDeployment, deps: SyncDeps, annotationsChanged: boolean): Promise<void> => {
  const ns = d.metadata.namespace ?? '';
  if (annotationsChanged) {
    const updated = await deps.dClient.update(ns, d);
    d.metadata.resourceVersion = updated.metadata.resourceVersion;
  }
  const updated = await deps.dClient.updateStatus(ns, d);
  d.metadata.resourceVersion = updated.metadata.resourceVersion;
};


/**
 * scaleReplicaSet: sets spec.replicas and the desired/max-replicas annotations in one update,
 * and records "Scaled up|down replica set X from A to B" when the size changed.
 */
export const scaleReplicaSet = async (rs: ApiReplicaSet, newScale: number, d: ApiDeployment, deps: SyncDeps): Promise<{ scaled: boolean; rs: ApiReplicaSet }> => {
  const oldScale = replicasOf(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  const max = replicasOf(d) + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicasOf(d), max)) return { scaled: false, rs };
  const rsCopy = copy(rs);
  rsCopy.spec = { ...rsCopy.spec, replicas: newScale, selector: rsCopy.spec?.selector ?? {} };
  setReplicasAnnotations(rsCopy, replicasOf(d), max);
  const updated = await deps.rsClient.update(rs.metadata.namespace ?? '', rsCopy);
  if (sizeNeedsUpdate) {
    const op = oldScale < newScale ? 'up' : 'down';
    deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    deps.log.v(2, 'scaled replica set', { deployment: d.metadata.name, replicaSet: rs.metadata.name, from: oldScale, to: newScale });
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
};

/** scaleReplicaSetAndRecordEvent: nothing to do when the size is already right. */
export const scaleReplicaSetAndRecordEvent = async (rs: ApiReplicaSet, newScale: number, d: ApiDeployment, deps: SyncDeps): Promise<{ scaled: boolean; rs: ApiReplicaSet }> =>
  (replicasOf(rs) === newScale ? { scaled: false, rs } : scaleReplicaSet(rs, newScale, d, deps));
