// The ClusterRole aggregation controller (k8s pkg/controller/clusterroleaggregation): a ClusterRole
// with an aggregationRule owns its `rules`, which are the union of the rules of every other
// ClusterRole matched by one of its clusterRoleSelectors. This is how admin, edit and view pick up
// the rules of system:aggregate-to-* and of any role a user labels aggregate-to-view. Roles may
// aggregate roles that aggregate (edit into admin), and nobody knows the graph up front, so any
// ClusterRole change enqueues every aggregating ClusterRole, as upstream: the set is small.
import type { ApiObject } from '../../../api/meta/v1';
import type { AggregationRule, PolicyRule } from '../../../api/rbac/v1';
import { isNotFound, selectorFromLabelSelector } from '../../apimachinery';
import {
  createWorkQueue, defineController, realClock, terminal,
  type Clock, type Controller, type ControllerMetrics, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';

/** The name kube-controller-manager's --controllers flag uses. */
export const controllerName = 'clusterrole-aggregation';

export interface ClusterRoleAggregationDeps {
  clusterRoles: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get' | 'list'>;
  clusterRoleClient: Pick<ResourceClient<ApiObject>, 'update'>;
  log: Logger;
  clock?: Clock;
  /** Default 5, as kube-controller-manager starts it. */
  workers?: number;
  metrics?: ControllerMetrics;
}

const ruleFields = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** Semantic equality of two rules: same lists in the same order, an absent list equal to an empty one. */
export const sameRule = (a: PolicyRule, b: PolicyRule): boolean => ruleFields.every((f) => {
  const [x, y] = [a[f] ?? [], b[f] ?? []];
  return x.length === y.length && x.every((v, i) => v === y[i]);
});

const sameRules = (a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean =>
  a.length === b.length && a.every((r, i) => sameRule(r, b[i]));

const aggregationRuleOf = (role: ApiObject): AggregationRule | undefined => role.aggregationRule as AggregationRule | undefined;

/**
 * The rules `role` should hold: for each selector in turn, the roles it matches (not `role`
 * itself), by name, and each of their rules not already taken. Throws on a selector that cannot
 * be parsed (an unknown operator).
 */
export const aggregatedRules = (role: ApiObject, all: readonly ApiObject[]): PolicyRule[] => {
  const out: PolicyRule[] = [];
  for (const sel of aggregationRuleOf(role)?.clusterRoleSelectors ?? []) {
    const selector = selectorFromLabelSelector(sel);
    const matched = all
      .filter((r) => r.metadata.name !== role.metadata.name && selector.matches(r.metadata.labels ?? {}))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    for (const r of matched) {
      for (const rule of (r.rules ?? []) as PolicyRule[]) {
        if (!out.some((have) => sameRule(have, rule))) out.push(rule);
      }
    }
  }
  return out;
};

/**
 * The update `role` needs, or undefined when it does not aggregate or already holds its rules.
 * The update carries the cached resourceVersion: a concurrent change is a Conflict and a retry.
 */
export const planAggregation = (role: ApiObject, all: readonly ApiObject[]): ApiObject | undefined => {
  if (!aggregationRuleOf(role)) return undefined;
  const rules = aggregatedRules(role, all);
  if (sameRules(rules, (role.rules ?? []) as PolicyRule[])) return undefined;
  // The cached object is frozen: build a new one.
  return { ...role, rules: structuredClone(rules) };
};

/** Brings the ClusterRole `name` to the union of the roles it selects; a bad selector is terminal. */
export const reconcileClusterRoleAggregation = async (
  name: string, d: Pick<ClusterRoleAggregationDeps, 'clusterRoles' | 'clusterRoleClient' | 'log'>,
): Promise<ReconcileResult> => {
  const role = d.clusterRoles.get(name);
  if (!role) return;
  let update: ApiObject | undefined;
  try {
    update = planAggregation(role, d.clusterRoles.list());
  } catch (err) {
    throw terminal(err); // fixed only by editing the role, which enqueues it again
  }
  if (!update) return;
  try {
    await d.clusterRoleClient.update('', update);
    d.log.v(2, 'aggregated clusterrole', { name, rules: (update.rules as PolicyRule[]).length });
  } catch (err) {
    if (isNotFound(err)) return; // deleted meanwhile
    throw err;
  }
};

export const newClusterRoleAggregationController = (d: ClusterRoleAggregationDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  const enqueueAggregating = () => {
    for (const r of d.clusterRoles.list()) if (aggregationRuleOf(r) && r.metadata.name) queue.add(r.metadata.name);
  };
  d.clusterRoles.addEventHandler({ add: enqueueAggregating, update: enqueueAggregating, delete: enqueueAggregating });
  return defineController({
    name: controllerName, informer: d.clusterRoles,
    workers: d.workers ?? 5, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileClusterRoleAggregation(key, { ...d, log }),
  });
};
