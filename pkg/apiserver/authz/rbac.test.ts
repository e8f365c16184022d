import type { PolicyRule } from '../../../api/rbac/v1';
import type { UserInfo } from '../authn';
import { appliesTo, authorize, forbiddenReason, ruleAllows, rulesFor, type Attributes, type Binding, type RbacSource } from './rbac';

const res = (verb: string, resource: string, o: Partial<Attributes> = {}): Attributes =>
  ({ verb, resourceRequest: true, apiGroup: '', resource, subresource: '', name: '', namespace: 'ns', path: '', ...o });
const path = (verb: string, p: string): Attributes =>
  ({ verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path: p });
const sa: UserInfo = { name: 'system:serviceaccount:ns:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] };

describe('ruleAllows', () => {
  test.each<[string, PolicyRule, Attributes, boolean]>([
    ['verb and resource', { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, res('list', 'pods'), true],
    ['another verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('delete', 'pods'), false],
    ['another group', { verbs: ['*'], apiGroups: ['apps'], resources: ['pods'] }, res('get', 'pods'), false],
    ['wildcards', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, res('create', 'deployments', { apiGroup: 'apps' }), true],
    ['a subresource needs its own entry', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'log' }), false],
    ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
    ['*/subresource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, res('update', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), true],
    ['*/subresource is no resource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, res('get', 'deployments'), false],
    ['resourceNames', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'a' }), true],
    ['another name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', 'configmaps', { name: 'b' }), false],
    ['resourceNames and a list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('list', 'configmaps'), false],
    ['a path', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, path('get', '/healthz'), true],
    ['a path prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('get', '/apis/apps/v1'), true],
    ['another path', { verbs: ['get'], nonResourceURLs: ['/api'] }, path('get', '/apis'), false],
    ['a resource rule never grants a path', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, path('get', '/healthz'), false],
  ])('%s', (_n, rule, a, want) => expect(ruleAllows(rule, a)).toBe(want));
});

describe('appliesTo', () => {
  test('users, groups, and service accounts (namespace defaulting to the binding’s)', () => {
    expect(appliesTo(sa, { kind: 'User', name: 'system:serviceaccount:ns:default' }, '')).toBe(true);
    expect(appliesTo(sa, { kind: 'Group', name: 'system:serviceaccounts:ns' }, '')).toBe(true);
    expect(appliesTo(sa, { kind: 'Group', name: 'system:masters' }, '')).toBe(false);
    expect(appliesTo(sa, { kind: 'ServiceAccount', name: 'default', namespace: 'ns' }, '')).toBe(true);
    expect(appliesTo(sa, { kind: 'ServiceAccount', name: 'default' }, 'ns')).toBe(true);
    expect(appliesTo(sa, { kind: 'ServiceAccount', name: 'default' }, 'other')).toBe(false);
  });
});

const source = (o: { crb?: Binding[]; rb?: Record<string, Binding[]>; clusterRoles?: Record<string, PolicyRule[]>; roles?: Record<string, PolicyRule[]> }): RbacSource => ({
  clusterRoleBindings: async () => o.crb ?? [],
  roleBindings: async (ns) => o.rb?.[ns] ?? [],
  clusterRoleRules: async (name) => o.clusterRoles?.[name],
  roleRules: async (ns, name) => o.roles?.[`${ns}/${name}`],
});
const view: PolicyRule[] = [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }];

describe('authorize', () => {
  test('system:masters is allowed without a look', async () => {
    const none = source({});
    expect(await authorize(none, { name: 'admin', groups: ['system:masters'] }, res('delete', 'nodes', { namespace: '' }))).toBe(true);
  });
  test('nothing bound: refused', async () => {
    expect(await authorize(source({}), sa, res('list', 'pods'))).toBe(false);
  });
  test('a RoleBinding to a ClusterRole grants it in the binding’s namespace only', async () => {
    const s = source({ rb: { ns: [{ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ns' }] }] }, clusterRoles: { view } });
    expect(await authorize(s, sa, res('list', 'pods'))).toBe(true);
    expect(await authorize(s, sa, res('list', 'pods', { namespace: 'other' }))).toBe(false);
    expect(await authorize(s, sa, res('list', 'pods', { namespace: '' }))).toBe(false);
    expect(await authorize(s, sa, res('delete', 'pods'))).toBe(false);
  });
  test('a RoleBinding to a Role reads the role of its namespace; a missing role grants nothing', async () => {
    const binding = { roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }] };
    expect(await authorize(source({ rb: { ns: [binding] }, roles: { 'ns/reader': view } }), sa, res('get', 'pods'))).toBe(true);
    expect(await authorize(source({ rb: { ns: [binding] } }), sa, res('get', 'pods'))).toBe(false);
  });
  test('a ClusterRoleBinding grants everywhere, and paths', async () => {
    const s = source({
      crb: [{ roleRef: { kind: 'ClusterRole', name: 'system:discovery' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
        { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: sa.name }] }],
      clusterRoles: { view, 'system:discovery': [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*'] }] },
    });
    expect(await authorize(s, sa, res('watch', 'pods', { namespace: '' }))).toBe(true);
    expect(await authorize(s, sa, path('get', '/api/v1'))).toBe(true);
    expect(await authorize(s, sa, path('get', '/metrics'))).toBe(false);
    expect((await rulesFor(s, sa, 'ns')).length).toBe(2);
  });
});

test('forbidden messages read as upstream’s', () => {
  expect(forbiddenReason(sa, res('list', 'pods'))).toBe('User "system:serviceaccount:ns:default" cannot list resource "pods" in API group "" in the namespace "ns"');
  expect(forbiddenReason(sa, res('create', 'deployments', { apiGroup: 'apps', subresource: 'scale', namespace: '' })))
    .toBe('User "system:serviceaccount:ns:default" cannot create resource "deployments/scale" in API group "apps" at the cluster scope');
  expect(forbiddenReason(sa, path('get', '/metrics'))).toBe('User "system:serviceaccount:ns:default" cannot get path "/metrics"');
});
