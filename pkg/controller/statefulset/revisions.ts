// A StatefulSet's revisions (k8s stateful_set_control.go getStatefulSetRevisions, truncateHistory),
// on the history shared with the DaemonSet controller. The update revision records the current
// template, named <set>-<hash> where the hash covers the template and status.collisionCount; the
// current revision is the one status.currentRevision names (the update revision at first). Pods
// carry the whole revision name in their controller-revision-hash label.
import type { ApiControllerRevision, ApiStatefulSet } from '../../../api/apps/v1';
import type { ApiPod } from '../../../api/core/v1';
import { ownedRevisions, planRevisions, revisionName, type HistoryPlan } from '../daemonset/history';
import { computeHash } from '../deployment/hash';
import { ownerReferenceTo, revisionOf, type Revisions } from './plan';

export const templateHash = (set: ApiStatefulSet): string => computeHash(set.spec?.template, set.status?.collisionCount ?? 0);

export interface StatefulSetHistory {
  history: HistoryPlan;
  /** Undefined on a hash collision: status.collisionCount must go up first. */
  revisions?: Revisions;
}

export const planStatefulSetHistory = (set: ApiStatefulSet, revisions: ApiControllerRevision[], pods: ApiPod[]): StatefulSetHistory => {
  const hash = templateHash(set);
  const name = revisionName(set, hash);
  const currentName = set.status?.currentRevision;
  const live = new Set([name, ...(currentName ? [currentName] : []), ...pods.map(revisionOf)]);
  const history = planRevisions({
    owner: set, ownerRef: ownerReferenceTo(set), template: set.spec?.template, hash,
    annotations: set.metadata.annotations, revisionHistoryLimit: set.spec?.revisionHistoryLimit,
  }, revisions, live);
  if (history.collision) return { history };
  const owned = ownedRevisions(set, revisions);
  const update = history.create ?? history.renumber ?? owned.find((r) => r.metadata.name === name);
  if (!update) return { history };
  const current = owned.find((r) => r.metadata.name === currentName) ?? update;
  return { history, revisions: { current: current.metadata.name === update.metadata.name ? update : current, update } };
};
