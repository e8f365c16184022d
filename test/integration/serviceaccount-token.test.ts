// serviceaccounts/token with real kubectl (`create token`: protobuf from 1.32, JSON before) and
// the bearer-token authentication of what it issues.
import { startTestCluster, requester, pod, type TestCluster } from './apiserver-helpers';
import { kubectlAs, kubectlRunner, type Run } from './protobuf-kubectl';
import { waitFor } from './harness';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

type Json = Record<string, unknown>;

let c: TestCluster;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tok' } } })).status).toBe(201);
  for (const name of ['default', 'bot']) {
    expect((await req('POST', '/api/v1/namespaces/tok/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } })).status).toBe(201);
  }
  // RBAC: the namespace's service accounts may read its pods.
  expect((await req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/tok/roles', { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
    metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] } })).status).toBe(201);
  expect((await req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/tok/rolebindings', { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
    metadata: { name: 'pod-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts:tok' }] } })).status).toBe(201);
});
afterAll(async () => { await c?.stop(); });

/** kubectl with only a bearer token: no kubeconfig, so no client certificate. */
const withToken = (token: string, args: string[], binary = kubectlBinary('1.33')): Promise<Run> => kubectlAs(c, { token }, binary)(args);

const claimsOf = (token: string): Json => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Json;

describe('serviceaccounts/token', () => {
  it.each([['1.27'], ['1.32'], ['1.33']])('kubectl %s create token issues a token that authenticates as the service account', async (v) => {
    const k = kubectlRunner(c, kubectlBinary(v));
    const r = await k(['create', 'token', 'default', '-n', 'tok']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const token = r.stdout.trim();
    const claims = claimsOf(token);
    expect(claims).toMatchObject({ sub: 'system:serviceaccount:tok:default', aud: ['https://kubernetes.default.svc.cluster.local'],
      'kubernetes.io': { namespace: 'tok', serviceaccount: { name: 'default' } } });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    const get = await withToken(token, ['get', 'pods', '-n', 'tok']);
    expect(get).toMatchObject({ code: 0, stderr: 'No resources found in tok namespace.\n' });
  });

  it('refuses a tampered token with 401, and a token whose service account is gone', async () => {
    const r = await kubectlRunner(c, kubectlBinary('1.33'))(['create', 'token', 'bot', '-n', 'tok', '--duration=20m', '--audience=https://kubernetes.default.svc.cluster.local']);
    const token = r.stdout.trim();
    expect(Number(claimsOf(token).exp) - Number(claimsOf(token).iat)).toBe(1200);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(token), sub: 'system:serviceaccount:tok:default' })).toString('base64url');
    const bad = await withToken(`${h}.${forged}.${s}`, ['get', 'pods', '-n', 'tok']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
    expect((await withToken(token, ['get', 'pods', '-n', 'tok'])).code).toBe(0);
    expect((await req('DELETE', '/api/v1/namespaces/tok/serviceaccounts/bot')).status).toBe(200);
    // The authenticator reads the watch cache first, as upstream's lister: wait until it saw the delete.
    await waitFor(async () => (await req('GET', '/api/v1/namespaces/tok/serviceaccounts/bot?resourceVersion=0')).status === 404, { what: 'the cache to see the delete' });
    expect((await withToken(token, ['get', 'pods', '-n', 'tok'])).stderr).toContain('(Unauthorized)');
  });

  it('binds a token to a pod, validates expirationSeconds, and answers NotFound for a missing service account', async () => {
    const base = '/api/v1/namespaces/tok/serviceaccounts/default/token';
    const p = await req('POST', '/api/v1/namespaces/tok/pods', { body: pod('runner', { spec: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox' }] } }) });
    expect(p.status).toBe(201);
    const uid = ((p.json as Json).metadata as Json).uid;
    const bound = await req('POST', base, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
      spec: { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner' } } } });
    expect(bound).toMatchObject({ status: 201, json: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: 'default', namespace: 'tok' },
      spec: { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', name: 'runner', uid } },
      status: { token: expect.any(String), expirationTimestamp: expect.any(String) } } });
    const token = ((bound.json as Json).status as Json).token as string;
    expect(claimsOf(token)).toMatchObject({ aud: ['vault'], 'kubernetes.io': { pod: { name: 'runner', uid } } });
    // Audience 'vault' is not the apiserver's: the apiserver refuses it.
    expect((await withToken(token, ['get', 'pods', '-n', 'tok'])).stderr).toContain('(Unauthorized)');
    const short = await req('POST', base, { body: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { expirationSeconds: 60 } } });
    expect(short).toMatchObject({ status: 422, json: { reason: 'Invalid', message: expect.stringContaining('"default" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes') } });
    const wrongUid = await req('POST', base, { body: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { boundObjectRef: { kind: 'Pod', name: 'runner', uid: 'other' } } } });
    expect(wrongUid).toMatchObject({ status: 409, json: { reason: 'Conflict' } });
    const missing = await req('POST', '/api/v1/namespaces/tok/serviceaccounts/nobody/token', { body: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: {} } });
    expect(missing).toMatchObject({ status: 404, json: { reason: 'NotFound', message: 'serviceaccounts "nobody" not found' } });
    const disc = (await req('GET', '/api/v1')).json as { resources: Json[] };
    expect(disc.resources.find((r) => r.name === 'serviceaccounts/token')).toMatchObject({ kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] });
  });
});
