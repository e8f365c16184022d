// ReplicaSet adoption and release (k8s controller_ref_manager.go ClaimReplicaSets, as the
// deployment controller's getReplicaSetsForDeployment uses it): a deployment owns the
// ReplicaSets whose controller ownerReference points at it and that its selector still matches;
// orphans it matches are adopted, owned ones it no longer matches are released.
import type { OwnerReference } from '../../../api/meta/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import { isNotFound } from '../../apimachinery/errors';
import { newControllerRef, controllerRef, namespaceIndex, type Informer } from '../../client';
import type { SyncDeps } from './context';
import type { ApiDeployment, ApiReplicaSet } from './util';

export const ownerReferenceTo = (d: ApiDeployment): OwnerReference => newControllerRef(d, 'apps/v1', 'Deployment');

/** A JSON patch guarded by uid and resourceVersion, so that it applies to exactly the ReplicaSet we saw. */
const ownerPatch = (rs: ApiReplicaSet, refs: OwnerReference[]) => [
  { op: 'test', path: '/metadata/uid', value: rs.metadata.uid },
  { op: 'test', path: '/metadata/resourceVersion', value: rs.metadata.resourceVersion },
  refs.length > 0 ? { op: 'add', path: '/metadata/ownerReferences', value: refs } : { op: 'remove', path: '/metadata/ownerReferences' },
];

/** RecheckDeletionTimestamp: adopt only for a deployment that still exists (same uid) and is not being deleted. */
const canAdopt = async (d: ApiDeployment, deps: SyncDeps): Promise<void> => {
  const fresh = await deps.dClient.get(d.metadata.namespace ?? '', d.metadata.name ?? '');
  if (fresh.metadata.uid !== d.metadata.uid) {
    throw new Error(`original Deployment ${d.metadata.namespace}/${d.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`);
  }
  if (fresh.metadata.deletionTimestamp) {
    throw new Error(`${d.metadata.namespace}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
};

/** Patches, treating a ReplicaSet deleted meanwhile as nothing to claim. */
const patchOwners = async (rs: ApiReplicaSet, refs: OwnerReference[], deps: SyncDeps): Promise<ApiReplicaSet | undefined> => {
  try {
    return await deps.rsClient.patch(rs.metadata.namespace ?? '', rs.metadata.name ?? '', 'json', ownerPatch(rs, refs));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

export const claimReplicaSets = async (d: ApiDeployment, replicaSets: Pick<Informer<ApiReplicaSet>, 'byIndex'>, deps: SyncDeps): Promise<ApiReplicaSet[]> => {
  const selector = selectorFromLabelSelector(d.spec?.selector);
  const deleting = !!d.metadata.deletionTimestamp;
  const claimed: ApiReplicaSet[] = [];
  let adoptionChecked = false;
  for (const rs of replicaSets.byIndex(namespaceIndex, d.metadata.namespace ?? '')) {
    const ref = controllerRef(rs);
    const matches = selector.matches(rs.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue; // someone else's
      if (matches) claimed.push(rs);
      else if (!deleting) {
        deps.log.v(2, 'releasing replica set', { deployment: d.metadata.name, replicaSet: rs.metadata.name });
        await patchOwners(rs, (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid), deps);
      }
      continue;
    }
    if (!matches || deleting || rs.metadata.deletionTimestamp) continue;
    if (!adoptionChecked) { await canAdopt(d, deps); adoptionChecked = true; }
    deps.log.v(2, 'adopting replica set', { deployment: d.metadata.name, replicaSet: rs.metadata.name });
    const adopted = await patchOwners(rs, [...(rs.metadata.ownerReferences ?? []), ownerReferenceTo(d)], deps);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
};
