// The default RBAC policy (k8s plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go) and its
// reconciliation at start (k8s pkg/registry/rbac/rest/storage_rbac.go, "auto-reconcile" through
// pkg/registry/rbac/reconciliation). Every default ClusterRole and ClusterRoleBinding is labelled
// kubernetes.io/bootstrapping=rbac-defaults and annotated autoupdate "true". At start a missing
// object is created; an existing one gets what it lacks added (rules, aggregation selectors,
// subjects, labels, annotations) and keeps whatever else it has, unless a user annotated it
// autoupdate "false". The rules are upstream's, as its builder stores them (each list sorted).
import { randomUUID } from 'node:crypto';
import type { ApiObject, LabelSelector } from '../../../api/meta/v1';
import type { AggregationRule, PolicyRule, RoleRef, Subject } from '../../../api/rbac/v1';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import type { Logger } from '../../log';
import { objectKey, type Store } from '../../storage';
import { rfc3339 } from '../handlers/respond';
import { strategies } from '../registry';
import { deepEqual } from '../registry/strategy';

export const rbacApiVersion = 'rbac.authorization.k8s.io/v1';
/** rbacv1.AutoUpdateAnnotationKey: "false" protects a default object from reconciliation. */
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
export const bootstrappingLabel = 'kubernetes.io/bootstrapping';
export const bootstrappingValue = 'rbac-defaults';
export const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

const rbacGroup = 'rbac.authorization.k8s.io';
const read = ['get', 'list', 'watch'];
const write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const readWrite = [...read, ...write];
const sorted = (xs: string[]) => [...xs].sort();

/** A resource rule, lists sorted as upstream's PolicyRuleBuilder stores them. */
const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule =>
  ({ apiGroups: sorted(apiGroups), resources: sorted(resources), verbs: sorted(verbs) });
/** A non-resource rule (URL paths, a trailing * matches a prefix). */
const urls = (verbs: string[], paths: string[]): PolicyRule => ({ nonResourceURLs: sorted(paths), verbs: sorted(verbs) });

const clusterRole = (name: string, rules: PolicyRule[], o: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ApiObject => ({
  apiVersion: rbacApiVersion, kind: 'ClusterRole',
  metadata: {
    name,
    labels: { ...o.labels, [bootstrappingLabel]: bootstrappingValue },
    annotations: { [autoUpdateAnnotation]: 'true' },
  },
  ...(o.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [o.aggregateFrom]: 'true' } }] } } : {}),
  rules,
});

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbacGroup, name });

const clusterRoleBinding = (role: string, subjects: Subject[]): ApiObject => ({
  apiVersion: rbacApiVersion, kind: 'ClusterRoleBinding',
  metadata: {
    name: role,
    labels: { [bootstrappingLabel]: bootstrappingValue },
    annotations: { [autoUpdateAnnotation]: 'true' },
  },
  roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
  subjects,
});

/** Upstream's default ClusterRoles that Berth installs (the component and controller roles are left out). */
export const bootstrapClusterRoles = (): ApiObject[] => [
  // Can do anything: bound to system:masters.
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  // Enough to check the server is ready and to discover API versions.
  clusterRole('system:discovery', [urls(['get'], [
    '/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*',
  ])]),
  clusterRole('system:monitoring', [urls(['get'], [
    '/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*',
  ])]),
  // Lets a user learn about themselves (kubectl auth can-i, kubectl auth whoami).
  clusterRole('system:basic-user', [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  // For delegated authentication and authorization (webhooks, kube-rbac-proxy): ask the apiserver.
  clusterRole('system:auth-delegator', [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  // What anyone, even anonymous, may read.
  clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
  // The user-facing roles: their rules are the union of the roles labelled to aggregate into them
  // (the clusterrole-aggregation controller writes them). edit aggregates into admin, view into edit.
  clusterRole('admin', [], { aggregateFrom: aggregateToAdmin }),
  clusterRole('edit', [], { aggregateFrom: aggregateToEdit, labels: { [aggregateToAdmin]: 'true' } }),
  clusterRole('view', [], { aggregateFrom: aggregateToView, labels: { [aggregateToEdit]: 'true' } }),
  clusterRole('system:aggregate-to-admin', [
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    rule(readWrite, [rbacGroup], ['roles', 'rolebindings']),
  ], { labels: { [aggregateToAdmin]: 'true' } }),
  clusterRole('system:aggregate-to-edit', aggregateToEditRules(), { labels: { [aggregateToEdit]: 'true' } }),
  clusterRole('system:aggregate-to-view', aggregateToViewRules(), { labels: { [aggregateToView]: 'true' } }),
];

/** edit: write what view reads, plus the escalating reads (secrets, exec, proxies) view leaves out. */
const aggregateToEditRules = (): PolicyRule[] => [
  rule(read, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(write, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(write, [''], [
    'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy',
    'persistentvolumeclaims', 'configmaps', 'secrets', 'events',
  ]),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(write, ['apps'], [
    'statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback',
    'replicasets', 'replicasets/scale',
  ]),
  rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(write, ['batch'], ['jobs', 'cronjobs']),
  rule(write, ['extensions'], [
    'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale',
    'replicationcontrollers/scale', 'networkpolicies',
  ]),
  rule(write, ['policy'], ['poddisruptionbudgets']),
  rule(write, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
  rule(readWrite, ['coordination.k8s.io'], ['leases']),
];

/** view: read-only access to what does not escalate (no secrets, no exec or proxies). */
const aggregateToViewRules = (): PolicyRule[] => [
  rule(read, [''], [
    'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status',
    'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps',
  ]),
  rule(read, [''], [
    'limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status',
    'replicationcontrollers/status', 'pods/log',
  ]),
  // Reading namespaces in a namespace means reading that one: a hint of which namespaces one may use.
  rule(read, [''], ['namespaces']),
  rule(read, ['discovery.k8s.io'], ['endpointslices']),
  rule(read, ['apps'], [
    'controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status',
    'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale',
  ]),
  rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(read, ['batch'], ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']),
  rule(read, ['extensions'], [
    'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status',
    'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies',
  ]),
  rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

/** Upstream's default ClusterRoleBindings of those roles. */
export const bootstrapClusterRoleBindings = (): ApiObject[] => [
  clusterRoleBinding('cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:monitoring', [group('system:monitoring')]),
  clusterRoleBinding('system:discovery', [group('system:authenticated')]),
  clusterRoleBinding('system:basic-user', [group('system:authenticated')]),
  clusterRoleBinding('system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
];

// ---- coverage (k8s pkg/registry/rbac/validation/policy_comparator.go) ----

/** One verb on one resource (and name), or one verb on one URL: upstream's BreakdownRule. */
const atoms = (r: PolicyRule): PolicyRule[] => {
  const out: PolicyRule[] = [];
  for (const g of r.apiGroups ?? []) {
    for (const res of r.resources ?? []) {
      const names = r.resourceNames?.length ? r.resourceNames.map((n) => [n]) : [undefined];
      for (const resourceNames of names) {
        for (const v of r.verbs) out.push({ apiGroups: [g], resources: [res], ...(resourceNames ? { resourceNames } : {}), verbs: [v] });
      }
    }
  }
  for (const u of r.nonResourceURLs ?? []) for (const v of r.verbs) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
};

/** `owner` allows `atom` (one verb, one group and resource or one URL): upstream's ruleCovers. */
const allows = (owner: PolicyRule, atom: PolicyRule): boolean => {
  const v = atom.verbs[0];
  if (!owner.verbs.includes('*') && !owner.verbs.includes(v)) return false;
  const url = atom.nonResourceURLs?.[0];
  if (url !== undefined) {
    return (owner.nonResourceURLs ?? []).some((p) => p === url || (p.endsWith('*') && url.startsWith(p.replace(/\*+$/, ''))));
  }
  const groups = owner.apiGroups ?? [];
  const g = atom.apiGroups?.[0] ?? '';
  if (!groups.includes('*') && !groups.includes(g)) return false;
  const resources = owner.resources ?? [];
  const res = atom.resources?.[0] ?? '';
  const sub = res.includes('/') ? `*/${res.slice(res.indexOf('/') + 1)}` : undefined;
  if (!resources.includes('*') && !resources.includes(res) && !(sub && resources.includes(sub))) return false;
  const name = atom.resourceNames?.[0];
  const names = owner.resourceNames ?? [];
  return names.length === 0 || (name !== undefined && names.includes(name));
};

/** Whether `owners` together allow everything `rule` allows (upstream's validation.Covers, for one rule). */
export const rulesCover = (owners: readonly PolicyRule[], rule: PolicyRule): boolean =>
  atoms(rule).every((a) => owners.some((o) => allows(o, a)));

// ---- reconciliation (k8s pkg/registry/rbac/reconciliation) ----

/** What reconciling one object needs: an update, or (a binding whose roleRef changed) delete and create. */
export type ReconcilePlan = { action: 'update' | 'recreate'; object: ApiObject };

export const isProtected = (obj: ApiObject): boolean => obj.metadata.annotations?.[autoUpdateAnnotation] === 'false';

/** Labels and annotations of `expected` that `existing` lacks are added; existing values win. */
const mergedMeta = (existing: ApiObject, expected: ApiObject): ApiObject['metadata'] => ({
  ...existing.metadata,
  labels: { ...expected.metadata.labels, ...existing.metadata.labels },
  annotations: { ...expected.metadata.annotations, ...existing.metadata.annotations },
});

const planIfChanged = (existing: ApiObject, object: ApiObject, action: ReconcilePlan['action'] = 'update'): ReconcilePlan | undefined =>
  (action === 'update' && deepEqual(object, existing) ? undefined : { action, object });

/**
 * The existing ClusterRole with what `expected` has and it lacks: each default rule it does not
 * cover is appended whole (upstream appends the uncovered one-verb pieces; the union allows the
 * same), each missing aggregation selector appended. Nothing is removed. Undefined: nothing missing.
 */
export const reconcileClusterRole = (existing: ApiObject, expected: ApiObject): ReconcilePlan | undefined => {
  const rules = (existing.rules ?? []) as PolicyRule[];
  const missing = ((expected.rules ?? []) as PolicyRule[]).filter((r) => !rulesCover(rules, r));
  const object: ApiObject = { ...existing, metadata: mergedMeta(existing, expected) };
  if (missing.length > 0) object.rules = [...rules, ...missing];
  const want = expected.aggregationRule as AggregationRule | undefined;
  if (want) {
    const have = (existing.aggregationRule as AggregationRule | undefined)?.clusterRoleSelectors ?? [];
    const add = (want.clusterRoleSelectors ?? []).filter((s: LabelSelector) => !have.some((h) => deepEqual(h, s)));
    if (add.length > 0 || !existing.aggregationRule) object.aggregationRule = { clusterRoleSelectors: [...have, ...add] };
  }
  return planIfChanged(existing, object);
};

/**
 * The existing ClusterRoleBinding with the default subjects it lacks appended. A different roleRef
 * cannot be updated: the binding is recreated with the default roleRef and the merged subjects.
 */
export const reconcileClusterRoleBinding = (existing: ApiObject, expected: ApiObject): ReconcilePlan | undefined => {
  const subjects = (existing.subjects ?? []) as Subject[];
  const missing = ((expected.subjects ?? []) as Subject[]).filter((s) => !subjects.some((h) => deepEqual(h, s)));
  const object: ApiObject = { ...existing, metadata: mergedMeta(existing, expected) };
  if (missing.length > 0) object.subjects = [...subjects, ...missing];
  const ref = expected.roleRef as RoleRef;
  const cur = (existing.roleRef ?? {}) as Partial<RoleRef>;
  if (cur.apiGroup !== ref.apiGroup || cur.kind !== ref.kind || cur.name !== ref.name) {
    return planIfChanged(existing, { ...object, roleRef: ref }, 'recreate');
  }
  return planIfChanged(existing, object);
};

// ---- at start ----

interface PolicyKind {
  resource: 'clusterroles' | 'clusterrolebindings';
  reconcile: (existing: ApiObject, expected: ApiObject) => ReconcilePlan | undefined;
}
const roles: PolicyKind = { resource: 'clusterroles', reconcile: reconcileClusterRole };
const bindings: PolicyKind = { resource: 'clusterrolebindings', reconcile: reconcileClusterRoleBinding };

type PolicyStore = Pick<Store, 'get' | 'create' | 'guaranteedUpdate' | 'delete'>;

const fresh = (kind: PolicyKind, obj: ApiObject, now: () => Date): ApiObject => {
  const metadata = { ...obj.metadata, uid: randomUUID(), creationTimestamp: rfc3339(now()), generation: 1 };
  delete metadata.resourceVersion;
  delete metadata.managedFields;
  return strategies[kind.resource].prepareForCreate({ ...obj, metadata });
};

const getIfExists = async (store: PolicyStore, key: string): Promise<ApiObject | undefined> => {
  try {
    return await store.get(key);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

/** Creates, completes or leaves alone one default object; logs each write. */
const ensureOne = async (store: PolicyStore, kind: PolicyKind, expected: ApiObject, now: () => Date, log: Logger): Promise<void> => {
  const name = expected.metadata.name ?? '';
  const key = objectKey(kind.resource, undefined, name);
  let existing = await getIfExists(store, key);
  if (!existing) {
    try {
      await store.create(key, fresh(kind, expected, now));
      log.info(`created ${kind.resource}`, { name });
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      existing = await store.get(key); // another apiserver was first: reconcile with its copy
    }
  }
  const plan = kind.reconcile(existing, expected);
  if (!plan) return;
  if (isProtected(existing)) {
    log.warn(`skipped reconcile-protected ${kind.resource} that differs from the default`, { name, annotation: `${autoUpdateAnnotation}=false` });
    return;
  }
  if (plan.action === 'recreate') {
    await store.delete(key, { uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion });
    await store.create(key, fresh(kind, plan.object, now));
    log.info(`recreated ${kind.resource} with the default roleRef`, { name });
    return;
  }
  // Recomputed from the latest copy, so a concurrent edit is completed rather than overwritten.
  let wrote = false;
  await store.guaranteedUpdate(key, (cur) => {
    const next = isProtected(cur) ? undefined : kind.reconcile(cur, expected);
    wrote = next?.action === 'update';
    return next?.action === 'update' ? strategies[kind.resource].prepareForUpdate(next.object, cur) : cur;
  });
  if (wrote) log.info(`reconciled ${kind.resource}`, { name });
};

/**
 * Makes the store hold every default ClusterRole and ClusterRoleBinding, as the apiserver does at
 * start: missing ones are created, existing ones completed, those annotated autoupdate "false"
 * left alone. Idempotent: a second run writes nothing. Errors other than a lost create race are thrown.
 */
export const ensureBootstrapPolicy = async (store: PolicyStore, now: () => Date, log: Logger): Promise<void> => {
  for (const role of bootstrapClusterRoles()) await ensureOne(store, roles, role, now, log);
  for (const binding of bootstrapClusterRoleBindings()) await ensureOne(store, bindings, binding, now, log);
};
