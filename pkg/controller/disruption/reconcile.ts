// Disruption controller reconcile (k8s pkg/controller/disruption/disruption.go trySync): the pods
// a PodDisruptionBudget selects give expectedPods, currentHealthy and desiredHealthy, and from
// them disruptionsAllowed, which the eviction subresource spends one by one.
import type { ApiPod } from '../../../api/core/v1';
import type { Condition } from '../../../api/meta/v1';
import type { ApiPodDisruptionBudget, PodDisruptionBudgetStatus } from '../../../api/policy/v1';
import { deepEqual, isNotFound, selectorFromLabelSelector } from '../../apimachinery';
import { splitMetaNamespaceKey, type Clock, type Informer, type ReconcileResult, type ResourceClient } from '../../client';
import type { Logger } from '../../log';

/** DeletionTimeout: how long a pod evicted but not yet seen terminating stays out of currentHealthy. */
export const deletionTimeoutMs = 2 * 60 * 1000;

type IntOrString = number | string;

/** intstr.GetScaledValueFromIntOrPercent with roundUp (what the disruption controller uses). */
export const scaledValue = (v: IntOrString, total: number): number => {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  return Math.ceil((Number(m[1]) * total) / 100);
};

const isReady = (pod: ApiPod): boolean =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** disruptedPods still in force: entries of live, non-terminating pods younger than DeletionTimeout. */
export const prunedDisruptedPods = (pods: ApiPod[], disrupted: Record<string, string | null>, now: number): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    const at = disrupted[name];
    if (!at || pod.metadata.deletionTimestamp) continue;
    if (Date.parse(at) + deletionTimeoutMs > now) out[name] = at;
  }
  return out;
};

/** expectedPods and desiredHealthy (getExpectedPodCount); the scale of a percentage is the pod count in the skeleton. */
export const expectedAndDesired = (pdb: ApiPodDisruptionBudget, pods: number): { expected: number; desired: number } => {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const max = scaledValue(spec.maxUnavailable, pods);
    return { expected: pods, desired: Math.max(0, pods - max) };
  }
  if (spec.minAvailable !== undefined) return { expected: pods, desired: scaledValue(spec.minAvailable, pods) };
  return { expected: 0, desired: 0 };
};

const condition = (pdb: ApiPodDisruptionBudget, allowed: number, now: string): Condition => {
  const status = allowed > 0 ? 'True' : 'False';
  const prev = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  return {
    type: 'DisruptionAllowed', status, reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods', message: '',
    observedGeneration: pdb.metadata.generation,
    lastTransitionTime: prev?.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
};

/** The status `pdb` should have given the pods its selector matches (pure). */
export const computeStatus = (pdb: ApiPodDisruptionBudget, pods: ApiPod[], now: Date): PodDisruptionBudgetStatus => {
  const disruptedPods = prunedDisruptedPods(pods, pdb.status?.disruptedPods ?? {}, now.getTime());
  const { expected, desired } = expectedAndDesired(pdb, pods.length);
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isReady(p) && !((p.metadata.name ?? '') in disruptedPods)).length;
  const disruptionsAllowed = expected <= 0 ? 0 : Math.max(0, currentHealthy - desired);
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const others = (pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  return {
    observedGeneration: pdb.metadata.generation, disruptedPods, disruptionsAllowed,
    currentHealthy, desiredHealthy: desired, expectedPods: expected,
    conditions: [...others, condition(pdb, disruptionsAllowed, stamp)],
  };
};

/** The pods of `pdb`'s namespace its selector matches; in policy/v1 an empty selector matches every pod, a missing one none. */
export const podsOf = (pdb: ApiPodDisruptionBudget, pods: ApiPod[]): ApiPod[] => {
  const sel = pdb.spec?.selector;
  if (!sel) return [];
  const selector = selectorFromLabelSelector(sel);
  return pods.filter((p) => p.metadata.namespace === pdb.metadata.namespace && selector.matches(p.metadata.labels ?? {}));
};

/** When the earliest disruptedPods entry expires, so the controller looks again then. */
export const recheckAfterMs = (status: PodDisruptionBudgetStatus, now: number): number | undefined => {
  const times = Object.values(status.disruptedPods ?? {}).map((t) => Date.parse(t ?? '') + deletionTimeoutMs - now).filter((ms) => !Number.isNaN(ms));
  return times.length ? Math.max(1, Math.min(...times)) : undefined;
};

export interface DisruptionDeps {
  pdbs: Pick<Informer<ApiPodDisruptionBudget>, 'get'>;
  pods: Pick<Informer<ApiPod>, 'byIndex'>;
  pdbClient: Pick<ResourceClient<ApiPodDisruptionBudget>, 'updateStatus'>;
  log: Logger;
  clock: Clock;
}

/** Recomputes one PDB's status and writes it when it changed (a conflict requeues the key). */
export const reconcileDisruption = async (key: string, d: DisruptionDeps): Promise<ReconcileResult> => {
  const pdb = d.pdbs.get(key);
  if (!pdb) return undefined;
  const { namespace } = splitMetaNamespaceKey(key);
  const pods = podsOf(pdb, d.pods.byIndex('namespace', namespace));
  const now = d.clock.now();
  const status = computeStatus(pdb, pods, new Date(now));
  const comparable = (s: PodDisruptionBudgetStatus | undefined) => ({ ...s, conditions: s?.conditions?.map((c) => ({ ...c, lastTransitionTime: '' })) });
  if (!deepEqual(comparable(status), comparable(pdb.status))) {
    try {
      await d.pdbClient.updateStatus(namespace, { ...pdb, status });
      d.log.v(2, 'updated disruption budget status', { key, disruptionsAllowed: status.disruptionsAllowed, currentHealthy: status.currentHealthy });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
  const after = recheckAfterMs(status, now);
  return after === undefined ? undefined : { requeueAfterMs: after };
};
