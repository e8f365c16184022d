// A controller's template history (k8s pkg/controller/history, daemon/update.go constructHistory
// and cleanupHistory, statefulset truncateHistory), shared by the DaemonSet and StatefulSet
// controllers: one ControllerRevision per template, named <owner>-<hash>, whose data is the
// template as a strategic merge patch that replaces it — what `kubectl rollout history` lists and
// `kubectl rollout undo` applies. The current template's revision has the highest number (an old
// template coming back gets a new number); of the revisions nothing uses any more, the newest
// revisionHistoryLimit are kept.
import type { ApiControllerRevision, ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiPod, PodTemplateSpec } from '../../../api/core/v1';
import type { ApiObject, OwnerReference } from '../../../api/meta/v1';
import { canonicalTemplate } from '../deployment/hash';
import { isControlledBy } from '../replicaset/reconcile';
import { ownerReferenceTo, REVISION_HASH_LABEL, templateHash } from './plan';

export interface HistoryPlan {
  create?: ApiControllerRevision;
  /** The current revision re-numbered to be the newest. */
  renumber?: ApiControllerRevision;
  delete: ApiControllerRevision[];
  /**
   * A revision of the current name holds another template (a hash collision): the owner must
   * raise status.collisionCount, which changes the hash, before recording its template.
   */
  collision?: true;
}

/** What a history is kept for: the owner and its current template. */
export interface RevisionSource {
  owner: ApiObject;
  ownerRef: OwnerReference;
  template: PodTemplateSpec | undefined;
  /** The hash naming the template's revision (it includes the owner's collisionCount). */
  hash: string;
  annotations?: Record<string, string>;
  revisionHistoryLimit?: number;
}

export const revisionName = (owner: ApiObject, hash: string): string => `${owner.metadata.name}-${hash}`;

/** The revision's data: upstream's getPatch, the template under `$patch: replace`. */
export const revisionData = (owner: { spec?: { template?: PodTemplateSpec } }): Record<string, unknown> =>
  ({ spec: { template: { ...structuredClone(owner.spec?.template ?? {}), $patch: 'replace' } } });

/** The template a revision records (upstream's ApplyRevision, for the template it replaces). */
export const revisionTemplate = (r: ApiControllerRevision): PodTemplateSpec => {
  const data = (r.data ?? {}) as { spec?: { template?: PodTemplateSpec & { $patch?: string } } };
  const template = structuredClone(data.spec?.template ?? {});
  delete template.$patch;
  return template;
};

/** The owner's revisions, oldest first. */
export const ownedRevisions = (owner: ApiObject, revisions: ApiControllerRevision[]): ApiControllerRevision[] =>
  revisions.filter((r) => isControlledBy(r, owner)).sort((a, b) => a.revision - b.revision);

/**
 * Plans the history of `src` given the revisions in its namespace; `live` names the revisions still
 * in use (by pods, or as a StatefulSet's current revision), which are never deleted.
 */
export const planRevisions = (src: RevisionSource, revisions: ApiControllerRevision[], live: ReadonlySet<string>): HistoryPlan => {
  const owned = ownedRevisions(src.owner, revisions);
  const name = revisionName(src.owner, src.hash);
  const max = owned.reduce((m, r) => Math.max(m, r.revision), 0);
  const current = owned.find((r) => r.metadata.name === name);
  const plan: HistoryPlan = { delete: [] };
  if (!current && revisions.some((r) => r.metadata.name === name)) {
    plan.collision = true; // someone else's revision has our name
  } else if (!current) {
    plan.create = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name, namespace: src.owner.metadata.namespace, ownerReferences: [src.ownerRef],
        labels: { ...src.template?.metadata?.labels, [REVISION_HASH_LABEL]: src.hash },
        annotations: src.annotations,
      },
      data: revisionData({ spec: { template: src.template } }), revision: max + 1,
    };
  } else if (canonicalTemplate(revisionTemplate(current)) !== canonicalTemplate(src.template)) {
    plan.collision = true;
  } else if (current.revision < max) {
    plan.renumber = { ...current, revision: max + 1 };
  }
  const limit = src.revisionHistoryLimit ?? 10;
  const old = owned.filter((r) => r.metadata.name !== name && !live.has(r.metadata.name ?? ''));
  // As upstream: keep `limit` of the revisions nothing uses, besides the current and live ones.
  const excess = old.length - limit;
  if (limit >= 0 && excess > 0) plan.delete = old.slice(0, excess);
  return plan;
};

/** The DaemonSet's history: revisions are live while a pod carries their hash. */
export const planHistory = (ds: ApiDaemonSet, revisions: ApiControllerRevision[], pods: ApiPod[]): HistoryPlan => {
  const changeCause = ds.metadata.annotations?.['kubernetes.io/change-cause'];
  const live = new Set(pods.filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp)
    .map((p) => revisionName(ds, p.metadata.labels?.[REVISION_HASH_LABEL] ?? '')));
  const plan = planRevisions({
    owner: ds, ownerRef: ownerReferenceTo(ds), template: ds.spec?.template, hash: templateHash(ds),
    annotations: changeCause ? { 'kubernetes.io/change-cause': changeCause } : undefined, revisionHistoryLimit: ds.spec?.revisionHistoryLimit,
  }, revisions, live);
  // The DaemonSet controller does not act on collisions (a template hash carries collisionCount).
  delete plan.collision;
  return plan;
};
