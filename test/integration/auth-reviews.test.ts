// kubectl auth whoami (SelfSubjectReview) and kubectl auth can-i (SelfSubjectAccessReview) with
// the real kubectl, for the admin certificate and for a service account token.
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlAs, kubectlRunner, type Run } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';
import { waitFor } from './harness';

jest.setTimeout(60_000);

type Json = Record<string, unknown>;

let c: TestCluster;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } })).status).toBeLessThan(500);
  expect((await req('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } } })).status).toBe(201);
});
afterAll(async () => { await c?.stop(); });

const withToken = (token: string, args: string[]): Promise<Run> => kubectlAs(c, { token }, kubectlBinary('1.33'))(args);

describe('kubectl auth', () => {
  it.each([['1.32'], ['1.33']])('kubectl %s auth whoami and auth can-i for the admin', async (v) => {
    const k = kubectlRunner(c, kubectlBinary(v));
    const who = await k(['auth', 'whoami']);
    expect(who).toMatchObject({ code: 0, stderr: '' });
    expect(who.stdout).toMatch(/^ATTRIBUTE +VALUE\nUsername +admin\nGroups +\[system:masters system:authenticated\]\n$/);
    expect(await k(['auth', 'can-i', 'create', 'pods'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await k(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await k(['auth', 'can-i', 'get', '/healthz'])).toMatchObject({ code: 0, stdout: 'yes\n' });
  });

  it('kubectl 1.27 auth whoami (authentication.k8s.io/v1beta1, the only version it asks)', async () => {
    const who = await kubectlRunner(c, kubectlBinary('1.27'))(['auth', 'whoami']);
    expect(who).toMatchObject({ code: 0, stderr: '' });
    expect(who.stdout).toMatch(/^ATTRIBUTE +VALUE\nUsername +admin\nGroups +\[system:masters system:authenticated\]\n$/);
    const r = await req('POST', '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview', status: { userInfo: { username: 'admin' } } });
  });

  it('kubectl 1.27 auth can-i (a JSON SelfSubjectAccessReview with null and zero fields)', async () => {
    const k = kubectlRunner(c, kubectlBinary('1.27'));
    expect(await k(['auth', 'can-i', 'create', 'pods'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await k(['auth', 'can-i', 'list', 'secrets', '-n', 'kube-system'])).toMatchObject({ code: 0, stdout: 'yes\n' });
  });

  it('answers for a service account token', async () => {
    const token = (await kubectlRunner(c, kubectlBinary('1.33'))(['create', 'token', 'robot'])).stdout.trim();
    const who = await withToken(token, ['auth', 'whoami', '-o', 'json']);
    expect(who.code).toBe(0);
    const review = JSON.parse(who.stdout) as Json;
    expect(review).toMatchObject({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', status: { userInfo: {
      username: 'system:serviceaccount:default:robot', uid: expect.any(String),
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^JTI=/)] },
    } } });
    // RBAC: nothing is bound to it yet, then a Role lets it create pods in `default` only.
    expect(await withToken(token, ['auth', 'can-i', 'create', 'pods'])).toMatchObject({ code: 1, stdout: 'no\n' });
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/default';
    expect((await req('POST', `${rbac}/roles`, { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'maker' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] } })).status).toBe(201);
    expect((await req('POST', `${rbac}/rolebindings`, { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'maker' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'maker' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] } })).status).toBe(201);
    await waitFor(async () => (await withToken(token, ['auth', 'can-i', 'create', 'pods'])).stdout === 'yes\n', { what: 'the binding to take effect' });
    expect(await withToken(token, ['auth', 'can-i', 'create', 'pods', '-n', 'kube-system'])).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await withToken(token, ['auth', 'can-i', 'get', '/api'])).toMatchObject({ code: 0, stdout: 'yes\n' }); // system:discovery
    const denied = await withToken(token, ['get', 'secrets', '-n', 'kube-system']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Error from server (Forbidden): secrets is forbidden: User "system:serviceaccount:default:robot" cannot list resource "secrets" in API group "" in the namespace "kube-system"');
  });

  it('lists the admin’s rules (cluster-admin, bound to system:masters) with kubectl auth can-i --list (SelfSubjectRulesReview)', async () => {
    const r = await kubectlRunner(c, kubectlBinary('1.33'))(['auth', 'can-i', '--list']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^Resources +Non-Resource URLs +Resource Names +Verbs\n\*\.\* +\[\] +\[\] +\[\*\]\n +\[\*\] +\[\] +\[\*\]\n/);
  });

  it('reviews tokens (TokenReview) for the apiserver audience or the ones asked for', async () => {
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const token = (await k(['create', 'token', 'robot', '--audience=vault'])).stdout.trim();
    const tr = '/apis/authentication.k8s.io/v1/tokenreviews';
    const ok = await req('POST', tr, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['vault', 'other'] } } });
    expect(ok).toMatchObject({ status: 201, json: { kind: 'TokenReview', status: { authenticated: true, audiences: ['vault'],
      user: { username: 'system:serviceaccount:default:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] } } } });
    // Without spec.audiences the apiserver's own audience is required, which this token lacks.
    const other = await req('POST', tr, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
    expect(other).toMatchObject({ status: 201, json: { status: { user: {}, error: 'invalid bearer token' } } });
    expect((other.json as { status: Json }).status).not.toHaveProperty('authenticated');
  });

  it('allows the admin, validates, stores nothing and serves POST only', async () => {
    const ssar = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    const r = await req('POST', ssar, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'default' } } } });
    expect(r).toMatchObject({ status: 201, json: { spec: { resourceAttributes: { verb: 'list', resource: 'secrets' } },
      status: { allowed: true } } });
    const bad = await req('POST', ssar, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} } });
    expect(bad).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [{ field: 'spec.resourceAttributes' }] } } });
    expect((await req('GET', ssar)).status).toBe(405);
    const disc = (await req('GET', '/apis/authorization.k8s.io/v1')).json as { resources: Json[] };
    expect(disc.resources).toEqual([
      expect.objectContaining({ name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] }),
      expect.objectContaining({ name: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] }),
      expect.objectContaining({ name: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] }),
      expect.objectContaining({ name: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', namespaced: true, verbs: ['create'] }),
    ]);
    const api = await kubectlRunner(c, kubectlBinary('1.33'))(['api-resources', '--api-group=authentication.k8s.io', '-o', 'wide']);
    expect(api.stdout).toMatch(/selfsubjectreviews +authentication\.k8s\.io\/v1 +false +SelfSubjectReview +create/);
  });

  it('answers malformed review and token bodies with a 4xx Status, never a 5xx', async () => {
    expect((await req('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fuzz' } } })).status).toBe(201);
    const paths = ['/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authentication.k8s.io/v1/tokenreviews',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews', '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
      '/api/v1/namespaces/default/serviceaccounts/fuzz/token'];
    const bodies: unknown[] = ['"text"', '[]', 'null', '42', '{', { kind: 'Pod' }, { spec: 'x' }, { spec: { token: 7, audiences: 'a' } },
      { spec: { resourceAttributes: 'x', nonResourceAttributes: [] } }, { spec: { expirationSeconds: 'soon', boundObjectRef: { kind: 'Pod', name: 'nope' } } },
      { spec: { boundObjectRef: { kind: 'ConfigMap', name: 'x' } } }, { spec: { audiences: [1, {}] , expirationSeconds: -1 } }];
    for (const p of paths) {
      for (const body of bodies) {
        const r = await req('POST', p, { body: typeof body === 'string' ? body : body });
        expect({ p, body, status: r.status < 500 }).toEqual({ p, body, status: true });
        if (r.status >= 400) expect(r.json).toMatchObject({ kind: 'Status', code: r.status });
      }
    }
  });
});
