// What quota knows about one resource (k8s apiserver pkg/quota/v1 Evaluator): which quota
// resource names it accounts, how much one object uses, and whether it falls in a quota's
// scopes. Pure: admission charges one object's usage, the controller sums a namespace's.
import type { ResourceQuota, ScopedResourceSelectorRequirement } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { resourceNames, type ResourceList } from './resources';

export interface Evaluator {
  readonly group: string;
  readonly resource: string;
  /** The names among `names` this evaluator accounts (MatchingResources). */
  matchingResources(names: readonly string[]): string[];
  /** Whether `obj` falls in one scope requirement; kinds without scopes never do (MatchesNoScopeFunc). */
  matchesScope(req: ScopedResourceSelectorRequirement, obj: ApiObject): boolean;
  /** Why `obj` cannot be charged for `required` (pods' cpu/memory must be stated), or undefined. */
  constraints(required: readonly string[], obj: ApiObject): string | undefined;
  /** What `obj` uses; `now` decides whether a deleted pod is past its grace period. */
  usage(obj: ApiObject, now: Date): ResourceList;
  /** Updates are charged their growth too (Handles(Update): services changing type, claims growing). */
  readonly chargesUpdates?: boolean;
}

/** `spec.scopes` as Exists requirements, then `spec.scopeSelector` (getScopeSelectorsFromQuota). */
export const scopeSelectors = (quota: ResourceQuota): ScopedResourceSelectorRequirement[] => [
  ...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
  ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
];

/** Whether every scope of `quota` selects `obj`. */
export const matchesScopes = (evaluator: Evaluator, quota: ResourceQuota, obj: ApiObject): boolean =>
  scopeSelectors(quota).every((req) => evaluator.matchesScope(req, obj));

/**
 * generic.Matches: the quota limits something this evaluator accounts, by its status.hard (a
 * quota the controller has not synced yet limits nothing), and all its scopes select `obj`.
 */
export const quotaMatches = (evaluator: Evaluator, quota: ResourceQuota, obj: ApiObject): boolean =>
  evaluator.matchingResources(resourceNames(quota.status?.hard)).length > 0 && matchesScopes(evaluator, quota, obj);
