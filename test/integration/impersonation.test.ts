// Impersonation (`kubectl --as`, `--as-group`, `--as-uid`) and the access reviews about other
// users (SubjectAccessReview, LocalSubjectAccessReview), with the real kubectl 1.27 and 1.33
// against a real etcd: the impersonated user is what RBAC sees, impersonating needs the
// `impersonate` verb, and a refusal names what could not be impersonated.
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlAs, kubectlRunner, type Run } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';
import { waitFor } from './harness';

jest.setTimeout(90_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;

const policy = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: robot, namespace: default }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: pod-reader }
rules:
- { apiGroups: [""], resources: [pods], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: read-pods }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader }
subjects:
- { kind: User, apiGroup: rbac.authorization.k8s.io, name: jane }
- { kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: configmap-editor, namespace: default }
rules:
- { apiGroups: [""], resources: [configmaps], verbs: ["*"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: robot-edits, namespace: default }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-editor }
subjects:
- { kind: ServiceAccount, name: robot }
`;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } })).status).toBeLessThan(500);
  expect(await kubectlRunner(c, kubectlBinary('1.33'))(['apply', '-f', '-'], policy)).toMatchObject({ code: 0 });
});
afterAll(async () => { await c?.stop(); });

const withToken = (token: string, args: string[]): Promise<Run> => kubectlAs(c, { token }, kubectlBinary('1.33'))(args);

describe.each([['1.27'], ['1.33']])('kubectl %s --as', (v) => {
  const k = () => kubectlRunner(c, kubectlBinary(v));

  it('acts as the impersonated user: what RBAC grants it, and nothing more', async () => {
    const run = k();
    expect(await run(['get', 'pods', '-n', 'default', '--as=jane'])).toMatchObject({ code: 0 });
    const denied = await run(['get', 'secrets', '-n', 'default', '--as=jane']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"');
    const del = await run(['delete', 'pod', 'nothing', '-n', 'default', '--as=jane']);
    expect(del.stderr).toContain('pods "nothing" is forbidden: User "jane" cannot delete resource "pods"');
    expect(await run(['auth', 'can-i', 'list', 'pods', '--as=jane'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await run(['auth', 'can-i', 'create', 'pods', '--as=jane'])).toMatchObject({ code: 1, stdout: 'no\n' });
    // A group given with --as-group replaces the user's own: bob is only a reader as a member of devs.
    expect(await run(['auth', 'can-i', 'list', 'pods', '--as=bob'])).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await run(['auth', 'can-i', 'list', 'pods', '--as=bob', '--as-group=devs'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await run(['auth', 'can-i', 'list', 'pods', '--as=bob', '--as-group=ops', '--as-group=devs', '--as-group=system:authenticated'])).toMatchObject({ code: 0, stdout: 'yes\n' });
  });

  it('impersonates a service account with its groups, so namespace bindings to it apply', async () => {
    const run = k();
    const sa = '--as=system:serviceaccount:default:robot';
    expect(await run(['auth', 'can-i', 'create', 'configmaps', '-n', 'default', sa])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await run(['auth', 'can-i', 'create', 'configmaps', '-n', 'kube-system', sa])).toMatchObject({ code: 1, stdout: 'no\n' });
    const who = await run(['auth', 'whoami', '-o', 'json', sa]);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ status: { userInfo: {
      username: 'system:serviceaccount:default:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    } } });
  });
});

describe('impersonating needs the impersonate verb', () => {
  it('refuses a service account that may not impersonate, then allows the user its role names', async () => {
    const admin = kubectlRunner(c, kubectlBinary('1.33'));
    expect(await admin(['create', 'serviceaccount', 'switcher', '-n', 'default'])).toMatchObject({ code: 0 });
    const token = (await admin(['create', 'token', 'switcher', '-n', 'default'])).stdout.trim();
    const as = (user: string, groups: string[] = []) => req('GET', '/api/v1/namespaces/default/pods', {
      anonymous: true, headers: { Authorization: `Bearer ${token}`, 'Impersonate-User': user, ...(groups.length ? { 'Impersonate-Group': groups.join(',') } : {}) },
    });
    expect(await as('jane')).toMatchObject({ status: 403, json: { kind: 'Status', reason: 'Forbidden', details: { kind: 'users', name: 'jane' },
      message: 'users "jane" is forbidden: User "system:serviceaccount:default:switcher" cannot impersonate resource "users" in API group "" at the cluster scope' } });
    // kubectl's discovery is refused too, and client-go reports that as upstream's does: "Forbidden: unknown".
    const refused = await withToken(token, ['get', 'pods', '-n', 'default', '--as=jane']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Error from server (Forbidden)');
    expect(await admin(['create', 'clusterrole', 'be-jane', '--verb=impersonate', '--resource=users', '--resource-name=jane'])).toMatchObject({ code: 0 });
    expect(await admin(['create', 'clusterrolebinding', 'switcher-is-jane', '--clusterrole=be-jane', '--serviceaccount=default:switcher'])).toMatchObject({ code: 0 });
    await waitFor(async () => (await withToken(token, ['get', 'pods', '-n', 'default', '--as=jane'])).code === 0, { what: 'the binding to take effect' });
    // Only jane, and a group needs its own grant.
    expect(await as('john')).toMatchObject({ status: 403, json: { message: expect.stringContaining('users "john" is forbidden') } });
    expect(await as('jane', ['devs'])).toMatchObject({ status: 403, json: {
      message: 'groups "devs" is forbidden: User "system:serviceaccount:default:switcher" cannot impersonate resource "groups" in API group "" at the cluster scope' } });
  });

  it('answers groups without a user with a 400', async () => {
    const r = await req('GET', '/api/v1/namespaces/default/pods', { headers: { 'Impersonate-Group': 'devs' } });
    expect(r).toMatchObject({ status: 400, json: { kind: 'Status', reason: 'BadRequest', message: 'requested groups "devs" without impersonating a user' } });
  });
});

describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
  const sar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });

  // --validate=false: a kind without PATCH sends kubectl's validation to the CRD list, which Berth does not serve.
  it('answers for the user and groups given, through kubectl create', async () => {
    const run = kubectlRunner(c, kubectlBinary('1.33'));
    const yes = await run(['create', '--validate=false', '-f', '-', '-o', 'json'], JSON.stringify(sar({ user: 'jane', resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } })));
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout)).toMatchObject({ kind: 'SubjectAccessReview', status: { allowed: true } });
    const no = await run(['create', '--validate=false', '-f', '-', '-o', 'json'], JSON.stringify(sar({ user: 'jane', resourceAttributes: { verb: 'delete', resource: 'pods' } })));
    expect(JSON.parse(no.stdout)).toMatchObject({ status: { allowed: false } });
    // Groups are taken as given: system:authenticated is not added, so discovery is not granted without it.
    const bare = await req('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sar({ user: 'x', nonResourceAttributes: { verb: 'get', path: '/api' } }) });
    expect(bare).toMatchObject({ status: 201, json: { status: { allowed: false } } });
    const authed = await req('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sar({ user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/api' } }) });
    expect(authed).toMatchObject({ status: 201, json: { status: { allowed: true } } });
  });

  it('validates as upstream', async () => {
    const r = await req('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sar({ resourceAttributes: { verb: 'get', resource: 'pods' } }) });
    expect(r).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [{ field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' }] } } });
  });

  it('asks in the namespace of its path', async () => {
    const local = '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews';
    const body = (ns?: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview',
      spec: { user: 'system:serviceaccount:default:robot', groups: ['system:serviceaccounts'], resourceAttributes: { verb: 'create', resource: 'configmaps', ...(ns ? { namespace: ns } : {}) } } });
    expect(await req('POST', local, { body: body() })).toMatchObject({ status: 201, json: {
      kind: 'LocalSubjectAccessReview', metadata: { namespace: 'default' }, spec: { resourceAttributes: { namespace: 'default' } }, status: { allowed: true } } });
    expect(await req('POST', local, { body: body('kube-system') })).toMatchObject({ status: 400, json: { message: 'spec.resourceAttributes.namespace must match namespace: default' } });
  });
});
