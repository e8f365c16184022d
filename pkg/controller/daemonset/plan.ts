// DaemonSet planning (k8s pkg/controller/daemon: daemon_controller.go podsShouldBeOnNode,
// update.go rollingUpdate, util.go). Pure: (DaemonSet, nodes, its pods, now) → the pods to create
// (by node), the pods to delete and the status to report. One pod per eligible node; a node is
// eligible when it matches the template's nodeSelector and the pod tolerates its NoSchedule and
// NoExecute taints (with the tolerations every daemon pod gets, as upstream adds them).
import { newControllerRef } from '../../client';
import type { ApiDaemonSet, DaemonSet } from '../../../api/apps/v1';
import type { ApiNode, ApiPod, PodTemplateSpec, Toleration } from '../../../api/core/v1';
import type { OwnerReference } from '../../../api/meta/v1';
import { toleratesTaint } from '../../scheduler/plugins/tolerations';
import { computeHash } from '../deployment/hash';
import { compareForDeletion, isControlledBy, isPodAvailable, isPodReady } from '../replicaset/reconcile';

export type DaemonSetStatus = NonNullable<DaemonSet['status']>;

/** The label carrying the hash of the template a daemon pod was made from (upstream's). */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** AddOrUpdateDaemonPodTolerations: daemon pods stay through node conditions and cordons. */
export const daemonTolerations = (hostNetwork: boolean): Toleration[] => [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ...(hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
];

/** The template's tolerations plus the daemon ones it does not already have. */
const withDaemonTolerations = (template: PodTemplateSpec | undefined): Toleration[] => {
  const own = template?.spec?.tolerations ?? [];
  const extra = daemonTolerations(!!template?.spec?.hostNetwork)
    .filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect && o.operator === t.operator));
  return [...own, ...extra];
};

/** Whether a daemon pod belongs on `node` (nodeSelector, and NoSchedule/NoExecute taints tolerated). */
export const shouldRunOn = (ds: ApiDaemonSet, node: ApiNode): boolean => {
  const selector = ds.spec?.template?.spec?.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)) return false;
  const tolerations = withDaemonTolerations(ds.spec?.template);
  return (node.spec?.taints ?? [])
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((taint) => tolerations.some((t) => toleratesTaint(t, taint)));
};

export const templateHash = (ds: ApiDaemonSet): string => computeHash(ds.spec?.template, ds.status?.collisionCount);

export const ownerReferenceTo = (ds: ApiDaemonSet): OwnerReference => newControllerRef(ds, 'apps/v1', 'DaemonSet');

/**
 * The daemon pod for `node`, bound to it directly (spec.nodeName), as upstream did before 1.12:
 * our scheduler has no node-affinity plugin to honour upstream's per-node affinity term.
 */
export const podForNode = (ds: ApiDaemonSet, nodeName: string, hash: string): ApiPod => {
  const t = structuredClone(ds.spec?.template ?? {});
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`, namespace: ds.metadata.namespace,
      labels: { ...t.metadata?.labels, [REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      annotations: t.metadata?.annotations, finalizers: t.metadata?.finalizers, ownerReferences: [ownerReferenceTo(ds)],
    },
    spec: { ...(t.spec ?? { containers: [] }), nodeName, tolerations: withDaemonTolerations(ds.spec?.template) },
  };
};

export interface DaemonSetPlan {
  /** Nodes that need a daemon pod. */
  create: string[];
  delete: ApiPod[];
  status: DaemonSetStatus;
}

const isUpdated = (pod: ApiPod, hash: string) => pod.metadata.labels?.[REVISION_HASH_LABEL] === hash;

/** maxUnavailable of the rolling update, an absolute count of `desired` (at least 1 when rounding a percentage down to 0). */
const maxUnavailableOf = (ds: ApiDaemonSet, desired: number): number => {
  const v = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  return Number.isFinite(pct) ? Math.max(1, Math.floor((pct * desired) / 100)) : 1;
};

export const planDaemonSet = (ds: ApiDaemonSet, nodes: ApiNode[], pods: ApiPod[], expectationsSatisfied: boolean, now: number): DaemonSetPlan => {
  const owned = pods.filter((p) => isControlledBy(p, ds) && !p.metadata.deletionTimestamp);
  const hash = templateHash(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const byNode = new Map<string, ApiPod[]>();
  for (const p of owned) {
    const n = p.spec?.nodeName ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const plan: DaemonSetPlan = { create: [], delete: [], status: {} as DaemonSetStatus };
  const eligible = nodes.filter((n) => shouldRunOn(ds, n));
  const eligibleNames = new Set(eligible.map((n) => n.metadata.name ?? ''));
  // One healthy pod per eligible node; failed pods go (and come back at the next sync).
  const kept: ApiPod[] = [];
  for (const node of eligible) {
    const here = (byNode.get(node.metadata.name ?? '') ?? []);
    const failed = here.filter((p) => p.status?.phase === 'Failed');
    const running = here.filter((p) => p.status?.phase !== 'Failed');
    plan.delete.push(...failed);
    if (running.length === 0) {
      if (failed.length === 0) plan.create.push(node.metadata.name ?? '');
      continue;
    }
    // Extras on a node: keep the oldest (the reverse of the deletion order), delete the rest.
    const sorted = [...running].sort(compareForDeletion);
    kept.push(sorted[sorted.length - 1]);
    plan.delete.push(...sorted.slice(0, -1));
  }
  const misscheduled = owned.filter((p) => !eligibleNames.has(p.spec?.nodeName ?? ''));
  plan.delete.push(...misscheduled);

  // RollingUpdate: replace old pods, at most maxUnavailable unavailable at a time (unavailable
  // old pods go first, they cost nothing); OnDelete: only deleted pods get the new template.
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const old = kept.filter((p) => !isUpdated(p, hash));
    const unavailable = eligible.length - kept.filter((p) => isPodAvailable(p, minReady, now)).length;
    const oldUnavailable = old.filter((p) => !isPodAvailable(p, minReady, now));
    const oldAvailable = old.filter((p) => isPodAvailable(p, minReady, now));
    const budget = Math.max(0, maxUnavailableOf(ds, eligible.length) - unavailable);
    plan.delete.push(...oldUnavailable, ...oldAvailable.slice(0, budget));
  }

  plan.status = {
    desiredNumberScheduled: eligible.length,
    currentNumberScheduled: eligible.filter((n) => (byNode.get(n.metadata.name ?? '') ?? []).length > 0).length,
    numberMisscheduled: new Set(misscheduled.map((p) => p.spec?.nodeName ?? '')).size,
    numberReady: kept.filter(isPodReady).length,
    updatedNumberScheduled: kept.filter((p) => isUpdated(p, hash)).length,
    numberAvailable: kept.filter((p) => isPodAvailable(p, minReady, now)).length,
    numberUnavailable: eligible.length - kept.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: ds.metadata.generation,
    ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
  };
  // A DaemonSet being deleted, or whose last writes the cache has not seen, only reports status.
  if (!expectationsSatisfied || ds.metadata.deletionTimestamp) return { create: [], delete: [], status: plan.status };
  return plan;
};
