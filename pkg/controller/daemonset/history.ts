// A DaemonSet's history (k8s pkg/controller/daemon/update.go constructHistory, cleanupHistory):
// one ControllerRevision per template, named <daemonset>-<hash>, whose data is the template as
// a strategic merge patch that replaces it — what `kubectl rollout history ds` lists and
// `kubectl rollout undo ds` applies. The current template's revision has the highest number (an
// old template coming back gets a new number); of the revisions no pod runs any more, the
// newest revisionHistoryLimit are kept.
import type { ApiControllerRevision, ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiPod } from '../../../api/core/v1';
import { isControlledBy } from '../replicaset/reconcile';
import { ownerReferenceTo, REVISION_HASH_LABEL, templateHash } from './plan';

export interface HistoryPlan {
  create?: ApiControllerRevision;
  /** The current revision re-numbered to be the newest. */
  renumber?: ApiControllerRevision;
  delete: ApiControllerRevision[];
}

/** The revision's data: upstream's getPatch, the template under `$patch: replace`. */
export const revisionData = (ds: ApiDaemonSet): Record<string, unknown> =>
  ({ spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: 'replace' } } });

export const planHistory = (ds: ApiDaemonSet, revisions: ApiControllerRevision[], pods: ApiPod[]): HistoryPlan => {
  const owned = revisions.filter((r) => isControlledBy(r, ds)).sort((a, b) => a.revision - b.revision);
  const hash = templateHash(ds);
  const name = `${ds.metadata.name}-${hash}`;
  const max = owned.reduce((m, r) => Math.max(m, r.revision), 0);
  const current = owned.find((r) => r.metadata.name === name);
  const plan: HistoryPlan = { delete: [] };
  if (!current) {
    plan.create = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name, namespace: ds.metadata.namespace, ownerReferences: [ownerReferenceTo(ds)],
        labels: { ...ds.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
        annotations: ds.metadata.annotations?.['kubernetes.io/change-cause'] ? { 'kubernetes.io/change-cause': ds.metadata.annotations['kubernetes.io/change-cause'] } : undefined,
      },
      data: revisionData(ds), revision: max + 1,
    };
  } else if (current.revision < max) {
    plan.renumber = { ...current, revision: max + 1 };
  }
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  const live = new Set(pods.filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp).map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]));
  const old = owned.filter((r) => r.metadata.name !== name && !live.has(r.metadata.labels?.[REVISION_HASH_LABEL]));
  // As upstream: keep `limit` of the revisions no pod runs, besides the current and live ones.
  const excess = old.length - limit;
  if (excess > 0) plan.delete = old.slice(0, excess);
  return plan;
};
