// Quota decisions shared by admission and the controller. Admission (k8s apiserver
// plugin/resourcequota/controller.go CheckRequest) charges one new object to every quota that
// matches it, refusing what would go over status.hard; the controller (resource_quota_controller.go
// syncResourceQuota with quota.CalculateUsage) recomputes status.used from a namespace's objects.
import type { ResourceQuota } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { canonicalQuantity, zeroQuantity } from './quantity';
import {
  growth,  addLists, equalLists, fromApi, isZeroList, lessThanOrEqual, mask, negativeNames, prettyPrint, resourceNames, toApi, type ResourceList,
} from './resources';
import { matchesScopes, quotaMatches, type Evaluator } from './evaluator';

/** One quota's verdict on an object: its new status.used, unchanged when it is not concerned, or why not. */
export type Charge = { used: Record<string, string>; changed: boolean } | { refused: string };

/**
 * The per-quota half of CheckRequest, for a quota already known to match: the constraints,
 * the usage stats it must have, then the new used (status.used + the object's usage masked to
 * status.hard) against status.hard.
 */
export const chargeQuota = (quota: ResourceQuota, evaluator: Evaluator, obj: ApiObject, delta: ResourceList): Charge => {
  const name = quota.metadata?.name ?? '';
  const hard = fromApi(quota.status?.hard);
  const hardNames = resourceNames(hard);
  const restricted = evaluator.matchingResources(hardNames);
  const unmet = evaluator.constraints(restricted, obj);
  if (unmet) return { refused: `failed quota: ${name}: ${unmet}` };
  const statusUsed = quota.status?.used ?? {};
  if (restricted.some((r) => !(r in statusUsed))) return { refused: `status unknown for quota: ${name}, resources: ${[...restricted].sort().join(',')}` };
  const used = fromApi(statusUsed);
  const requested = mask(delta, hardNames);
  const next = addLists(used, requested);
  const { allowed, exceeded } = lessThanOrEqual(mask(next, resourceNames(requested)), hard);
  if (!allowed) {
    return {
      refused: `exceeded quota: ${name}, requested: ${prettyPrint(mask(requested, exceeded))}, `
        + `used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`,
    };
  }
  return { used: toApi(next), changed: !equalLists(used, next) };
};

export interface CreateCheck {
  /** The object's usage (what every matching quota is charged). */
  delta: ResourceList;
  /** The quotas that match the object, in the order given. */
  matching: ResourceQuota[];
}

/** The checks of a create or an update whose usage grows by `delta`. */
const checkDelta = (quotas: readonly ResourceQuota[], evaluator: Evaluator, obj: ApiObject, delta: ResourceList): CreateCheck => {
  const matching = quotas.filter((q) => quotaMatches(evaluator, q, obj));
  for (const q of matching) {
    // Constraints and missing stats come before the usage, as upstream orders its refusals.
    const verdict = chargeQuota(q, evaluator, obj, {});
    if ('refused' in verdict) throw new QuotaRefusal(verdict.refused);
  }
  const negative = negativeNames(delta);
  if (negative.length > 0) throw new QuotaRefusal(`quota usage is negative for resource(s): ${negative.join(',')}`);
  if (matching.length === 0 || isZeroList(delta)) return { delta, matching: [] };
  for (const q of matching) {
    const verdict = chargeQuota(q, evaluator, obj, delta);
    if ('refused' in verdict) throw new QuotaRefusal(verdict.refused);
  }
  return { delta, matching };
};

/**
 * CheckRequest for a create against the namespace's quotas (as cached): throws the refusal text
 * of the first quota the object cannot be charged to; otherwise the quotas to charge and how much.
 */
export const checkCreate = (quotas: readonly ResourceQuota[], evaluator: Evaluator, obj: ApiObject, now: Date): CreateCheck =>
  checkDelta(quotas, evaluator, obj, evaluator.usage(obj, now));

/**
 * CheckRequest for an update: only kinds whose evaluator charges updates, and only what the
 * object grows by (a service turning NodePort, a claim asking for more storage).
 */
export const checkUpdate = (quotas: readonly ResourceQuota[], evaluator: Evaluator, obj: ApiObject, old: ApiObject, now: Date): CreateCheck => {
  if (!evaluator.chargesUpdates) return { delta: {}, matching: [] };
  const delta = growth(evaluator.usage(obj, now), evaluator.usage(old, now));
  if (Object.keys(delta).length === 0) return { delta, matching: [] };
  return checkDelta(quotas, evaluator, obj, delta);
};


/** A create the quotas refuse; the text follows `<resource> "<name>" is forbidden: `. */
export class QuotaRefusal extends Error {
  override readonly name = 'QuotaRefusal';
  readonly code = 'BERTH_ERR_QUOTA_REFUSED';
}

/** The evaluators whose usage `quota` needs, each with the names it measures (CalculateUsage). */
export const evaluatorsNeeded = (quota: ResourceQuota, evaluators: readonly Evaluator[]): Array<{ evaluator: Evaluator; names: string[] }> => {
  const hard = resourceNames(quota.spec?.hard);
  return evaluators.map((evaluator) => ({ evaluator, names: evaluator.matchingResources(hard) })).filter((e) => e.names.length > 0);
};

/** CalculateUsageStats: zero for each name, plus the usage of every item the quota's scopes select. */
export const usageStats = (quota: ResourceQuota, evaluator: Evaluator, names: readonly string[], items: readonly ApiObject[], now: Date): ResourceList => {
  let used: ResourceList = Object.fromEntries(names.map((n) => [n, zeroQuantity]));
  for (const item of items) if (matchesScopes(evaluator, quota, item)) used = addLists(used, evaluator.usage(item, now));
  return mask(used, names);
};

/**
 * The status syncResourceQuota writes: hard is spec.hard, used is the previous used overlaid with
 * what was `measured`, limited to the hard names (names not measured keep their old value).
 */
export const desiredStatus = (quota: ResourceQuota, measured: ResourceList): { hard: Record<string, string>; used: Record<string, string> } => {
  const hard = fromApi(quota.spec?.hard);
  const used = mask({ ...fromApi(quota.status?.used), ...measured }, resourceNames(hard));
  return { hard: toApi(hard), used: toApi(used) };
};

/** Whether the stored status differs from `desired` in any value (a first sync always writes). */
export const statusDirty = (quota: ResourceQuota, desired: { hard: Record<string, string>; used: Record<string, string> }): boolean => {
  const status = quota.status;
  if (!status?.hard || !status.used) return true;
  return !equalLists(fromApi(status.hard), fromApi(desired.hard)) || !equalLists(fromApi(status.used), fromApi(desired.used));
};

/** Canonical text of every value of an API ResourceList (how `kubectl get quota` shows hard and used). */
export const canonicalList = (list: Record<string, string | number> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(list ?? {}).map(([k, v]) => [k, canonicalQuantity(v)]));
