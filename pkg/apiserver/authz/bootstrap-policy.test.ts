import type { ApiObject } from '../../../api/meta/v1';
import type { PolicyRule, Subject } from '../../../api/rbac/v1';
import { ClusterRole, ClusterRoleBinding } from '../../../api/rbac/v1';
import { createValidator } from '../../apimachinery';
import { createLogger, silentLogger } from '../../log';
import { createFakeStore, objectKey, resourcePrefix } from '../../storage';
import { strategies } from '../registry';
import {
  autoUpdateAnnotation, bootstrapClusterRoleBindings, bootstrapClusterRoles, ensureBootstrapPolicy,
  reconcileClusterRole, reconcileClusterRoleBinding, rulesCover,
} from './bootstrap-policy';

const now = () => new Date('2025-01-01T00:00:00Z');
const roleKey = (name: string) => objectKey('clusterroles', undefined, name);
const bindingKey = (name: string) => objectKey('clusterrolebindings', undefined, name);
const names = (objs: ApiObject[]) => objs.map((o) => o.metadata.name).sort();
const rulesOf = (obj: ApiObject) => (obj.rules ?? []) as PolicyRule[];
const defaultRole = (name: string) => {
  const role = bootstrapClusterRoles().find((r) => r.metadata.name === name);
  if (!role) throw new Error(`no default role ${name}`);
  return role;
};
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

const seeded = async () => {
  const store = createFakeStore();
  await ensureBootstrapPolicy(store, now, silentLogger());
  return store;
};

describe('the default policy', () => {
  test('names upstream\'s roles and bindings', () => {
    expect(names(bootstrapClusterRoles())).toEqual([
      'admin', 'cluster-admin', 'edit', 'system:aggregate-to-admin', 'system:aggregate-to-edit', 'system:aggregate-to-view',
      'system:auth-delegator', 'system:basic-user', 'system:discovery', 'system:monitoring', 'system:public-info-viewer', 'view',
    ]);
    expect(names(bootstrapClusterRoleBindings())).toEqual([
      'cluster-admin', 'system:basic-user', 'system:discovery', 'system:monitoring', 'system:public-info-viewer',
    ]);
  });

  test('passes the schema and the strategy\'s validation', () => {
    const validRole = createValidator(ClusterRole);
    const validBinding = createValidator(ClusterRoleBinding);
    for (const r of bootstrapClusterRoles()) {
      expect({ name: r.metadata.name, causes: [...validRole(r).causes, ...strategies.clusterroles.validate(r)] }).toEqual({ name: r.metadata.name, causes: [] });
    }
    for (const b of bootstrapClusterRoleBindings()) {
      expect({ name: b.metadata.name, causes: [...validBinding(b).causes, ...strategies.clusterrolebindings.validate(b)] }).toEqual({ name: b.metadata.name, causes: [] });
    }
  });

  test('every object is labelled rbac-defaults and annotated autoupdate', () => {
    for (const o of [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()]) {
      expect(o.metadata.labels?.['kubernetes.io/bootstrapping']).toBe('rbac-defaults');
      expect(o.metadata.annotations?.[autoUpdateAnnotation]).toBe('true');
    }
  });

  test.each([
    { name: 'cluster-admin', rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
    {
      name: 'system:aggregate-to-admin', rules: [
        { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
        {
          apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'],
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        },
      ],
    },
    {
      name: 'system:public-info-viewer',
      rules: [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }],
    },
  ])('$name has upstream\'s rules, lists sorted', ({ name, rules }) => {
    expect(rulesOf(defaultRole(name))).toEqual(rules);
  });

  test.each([
    { name: 'admin', selects: 'rbac.authorization.k8s.io/aggregate-to-admin', label: undefined },
    { name: 'edit', selects: 'rbac.authorization.k8s.io/aggregate-to-edit', label: 'rbac.authorization.k8s.io/aggregate-to-admin' },
    { name: 'view', selects: 'rbac.authorization.k8s.io/aggregate-to-view', label: 'rbac.authorization.k8s.io/aggregate-to-edit' },
  ])('$name aggregates, with no rules of its own', ({ name, selects, label }) => {
    const role = defaultRole(name);
    expect(role.aggregationRule).toEqual({ clusterRoleSelectors: [{ matchLabels: { [selects]: 'true' } }] });
    expect(role.rules).toEqual([]);
    if (label) expect(role.metadata.labels?.[label]).toBe('true');
  });
});

describe('rulesCover', () => {
  const pods = (verbs: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({ apiGroups: [''], resources: ['pods'], verbs, ...extra });
  test.each([
    { name: 'the same rule', owners: [pods(['get', 'list'])], rule: pods(['list', 'get']), want: true },
    { name: 'a verb missing', owners: [pods(['get'])], rule: pods(['get', 'list']), want: false },
    { name: 'split across two owners', owners: [pods(['get']), pods(['list'])], rule: pods(['get', 'list']), want: true },
    { name: 'wildcards', owners: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], rule: pods(['delete']), want: true },
    { name: '*/subresource', owners: [{ apiGroups: [''], resources: ['*/status'], verbs: ['get'] }], rule: { apiGroups: [''], resources: ['pods/status'], verbs: ['get'] }, want: true },
    { name: 'a resource does not cover its subresource', owners: [pods(['get'])], rule: { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }, want: false },
    { name: 'named owner, unnamed rule', owners: [pods(['get'], { resourceNames: ['a'] })], rule: pods(['get']), want: false },
    { name: 'unnamed owner, named rule', owners: [pods(['get'])], rule: pods(['get'], { resourceNames: ['a'] }), want: true },
    { name: 'URL prefix', owners: [{ nonResourceURLs: ['/healthz/*'], verbs: ['get'] }], rule: { nonResourceURLs: ['/healthz/etcd'], verbs: ['get'] }, want: true },
    { name: 'URL prefix is not the bare path', owners: [{ nonResourceURLs: ['/healthz/*'], verbs: ['get'] }], rule: { nonResourceURLs: ['/healthz'], verbs: ['get'] }, want: false },
    { name: 'another group', owners: [pods(['get'])], rule: { apiGroups: ['apps'], resources: ['pods'], verbs: ['get'] }, want: false },
  ])('$name → $want', ({ owners, rule, want }) => {
    expect(rulesCover(owners, rule)).toBe(want);
  });
});

describe('reconcileClusterRole / reconcileClusterRoleBinding', () => {
  test('an identical role needs nothing', () => {
    const role = { ...defaultRole('system:basic-user'), metadata: { ...defaultRole('system:basic-user').metadata, resourceVersion: '5' } };
    expect(reconcileClusterRole(role, defaultRole('system:basic-user'))).toBeUndefined();
  });

  test('extra rules, labels and annotations are kept; existing values win', () => {
    const expected = defaultRole('system:basic-user');
    const extra: PolicyRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
    const existing: ApiObject = {
      ...expected,
      metadata: { ...expected.metadata, labels: { team: 'x', 'kubernetes.io/bootstrapping': 'mine' }, annotations: { note: 'y' } },
      rules: [...rulesOf(expected), extra],
    };
    const plan = reconcileClusterRole(existing, expected);
    expect(plan?.action).toBe('update');
    expect(plan?.object.rules).toEqual(existing.rules);
    expect(plan?.object.metadata.labels).toEqual({ team: 'x', 'kubernetes.io/bootstrapping': 'mine' });
    expect(plan?.object.metadata.annotations).toEqual({ note: 'y', [autoUpdateAnnotation]: 'true' });
  });

  test('a missing aggregation selector is added', () => {
    const expected = defaultRole('view');
    const other = { matchLabels: { mine: 'true' } };
    const plan = reconcileClusterRole({ ...expected, aggregationRule: { clusterRoleSelectors: [other] } }, expected);
    expect(plan?.object.aggregationRule).toEqual({ clusterRoleSelectors: [other, { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
  });

  test('a binding with a missing subject gets it appended, the others kept', () => {
    const expected = bootstrapClusterRoleBindings().find((b) => b.metadata.name === 'system:public-info-viewer') as ApiObject;
    const mine = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };
    const plan = reconcileClusterRoleBinding({ ...expected, subjects: [mine, group('system:unauthenticated')] }, expected);
    expect(plan).toEqual({ action: 'update', object: expect.objectContaining({ subjects: [mine, group('system:unauthenticated'), group('system:authenticated')] }) });
  });

  test('a binding to another role is recreated', () => {
    const expected = bootstrapClusterRoleBindings().find((b) => b.metadata.name === 'cluster-admin') as ApiObject;
    const plan = reconcileClusterRoleBinding({ ...expected, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }, expected);
    expect(plan?.action).toBe('recreate');
    expect(plan?.object.roleRef).toEqual(expected.roleRef);
  });
});

describe('ensureBootstrapPolicy', () => {
  test('creates every default role and binding', async () => {
    const store = await seeded();
    const roles = (await store.list(resourcePrefix('clusterroles'))).items;
    const bindings = (await store.list(resourcePrefix('clusterrolebindings'))).items;
    expect(names(roles)).toEqual(names(bootstrapClusterRoles()));
    expect(names(bindings)).toEqual(names(bootstrapClusterRoleBindings()));
    const admin = await store.get(roleKey('cluster-admin'));
    expect(admin.metadata.uid).toEqual(expect.any(String));
    expect(admin.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect((await store.get(bindingKey('cluster-admin'))).subjects).toEqual([group('system:masters')]);
  });

  test('a second run writes nothing', async () => {
    const store = await seeded();
    const rev = await store.currentRevision();
    const lines: string[] = [];
    await ensureBootstrapPolicy(store, now, createLogger('t', { write: (l) => lines.push(l) }));
    expect(await store.currentRevision()).toBe(rev);
    expect(lines).toEqual([]);
  });

  test('a trimmed role with autoupdate "true" gets its rules back, keeping what was added', async () => {
    const store = await seeded();
    const extra: PolicyRule = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] };
    const kept = rulesOf(defaultRole('system:aggregate-to-view'))[0];
    await store.guaranteedUpdate(roleKey('system:aggregate-to-view'), (cur) => ({ ...cur, rules: [kept, extra] }));
    await ensureBootstrapPolicy(store, now, silentLogger());
    const rules = rulesOf(await store.get(roleKey('system:aggregate-to-view')));
    expect(rules).toEqual([kept, extra, ...rulesOf(defaultRole('system:aggregate-to-view')).slice(1)]);
  });

  test('a role without the annotation is completed, and annotated', async () => {
    const store = await seeded();
    await store.guaranteedUpdate(roleKey('system:discovery'), (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: {} }, rules: [] }));
    await ensureBootstrapPolicy(store, now, silentLogger());
    const role = await store.get(roleKey('system:discovery'));
    expect(role.rules).toEqual(defaultRole('system:discovery').rules);
    expect(role.metadata.annotations?.[autoUpdateAnnotation]).toBe('true');
  });

  test('objects annotated autoupdate "false" are left alone', async () => {
    const store = await seeded();
    const protect = (cur: ApiObject): ApiObject => ({ ...cur, metadata: { ...cur.metadata, annotations: { [autoUpdateAnnotation]: 'false' } } });
    await store.guaranteedUpdate(roleKey('system:basic-user'), (cur) => ({ ...protect(cur), rules: [] }));
    await store.guaranteedUpdate(bindingKey('system:discovery'), (cur) => ({ ...protect(cur), subjects: [group('admins')] }));
    const rev = await store.currentRevision();
    const lines: string[] = [];
    await ensureBootstrapPolicy(store, now, createLogger('t', { write: (l) => lines.push(l) }));
    expect(await store.currentRevision()).toBe(rev);
    expect((await store.get(roleKey('system:basic-user'))).rules).toEqual([]);
    expect((await store.get(bindingKey('system:discovery'))).subjects).toEqual([group('admins')]);
    expect(lines.filter((l) => l.includes('skipped reconcile-protected'))).toHaveLength(2);
  });

  test('a deleted default is created again; a rebound default binding is recreated', async () => {
    const store = await seeded();
    await store.delete(roleKey('view'));
    const old = await store.get(bindingKey('cluster-admin'));
    await store.delete(bindingKey('cluster-admin'));
    await store.create(bindingKey('cluster-admin'), { ...old, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    await ensureBootstrapPolicy(store, now, silentLogger());
    expect((await store.get(roleKey('view'))).aggregationRule).toEqual(defaultRole('view').aggregationRule);
    const binding = await store.get(bindingKey('cluster-admin'));
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
    expect(binding.metadata.uid).not.toBe(old.metadata.uid);
  });

  test('losing the create race to another apiserver is not an error: its copy is completed', async () => {
    const store = createFakeStore();
    let raced = false;
    const racing = {
      get: store.get, guaranteedUpdate: store.guaranteedUpdate, delete: store.delete,
      create: async (key: string, obj: ApiObject) => {
        if (!raced && key === roleKey('cluster-admin')) {
          raced = true; // the other apiserver's (older, trimmed) copy lands first
          await store.create(key, { ...obj, rules: [] });
        }
        return store.create(key, obj);
      },
    };
    await expect(ensureBootstrapPolicy(racing, now, silentLogger())).resolves.toBeUndefined();
    expect(raced).toBe(true);
    expect((await store.get(roleKey('cluster-admin'))).rules).toEqual(defaultRole('cluster-admin').rules);
  });
});
