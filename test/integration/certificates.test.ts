// Adding a user the way the Kubernetes docs do it ("Issue a certificate for a Kubernetes API
// client using a CertificateSigningRequest"), with openssl and the real kubectl 1.27 and 1.33
// against a real etcd and the controller-manager's signer: the request is created and listed as
// Pending, `kubectl certificate approve` approves it, the signer issues the certificate, and the
// certificate authenticates as the user, with the groups of its O, and RBAC decides what it may do.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pkiPaths } from '../../pkg/apiserver';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlAs, kubectlRunner, type Run } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';
import { waitFor } from './harness';
import { startControllerManager, type RunningControllers } from './delete-helpers';

jest.setTimeout(90_000);

let c: TestCluster;
let cm: RunningControllers;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  const p = pkiPaths(path.join(c.dir, 'pki'));
  cm = startControllerManager(c.kubeconfig, { leaderElection: { enabled: false }, clusterSigning: { certFile: p.caCert, keyFile: p.caKey } });
});
afterAll(async () => {
  await cm?.stop();
  await c?.stop();
});

/** A key and a PKCS#10 request made by openssl, as a user would. */
const opensslRequest = (name: string, subject: string): { key: string; csr: string } => {
  const key = path.join(c.dir, `${name}.key`);
  const csr = path.join(c.dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], { stdio: 'ignore' });
  return { key, csr };
};

const manifest = (name: string, csrFile: string, usages = ['client auth'], signer = 'kubernetes.io/kube-apiserver-client') => `
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ${name}
spec:
  request: ${readFileSync(csrFile).toString('base64')}
  signerName: ${signer}
  expirationSeconds: 86400
  usages: [${usages.map((u) => JSON.stringify(u)).join(', ')}]
`;

/** kubectl with the user's own certificate and key instead of the admin's. */
const asUser = (cert: string, key: string, args: string[]): Promise<Run> => kubectlAs(c, { cert, key }, kubectlBinary('1.33'))(args);

describe.each([['1.27'], ['1.33']])('kubectl %s', (v) => {
  const name = `jane-${v.replace('.', '')}`;

  it('creates, lists, approves and gets a certificate that authenticates as the user', async () => {
    const k = kubectlRunner(c, kubectlBinary(v));
    const { key, csr } = opensslRequest(name, `/CN=${name}/O=devs/O=testers`);
    expect(await k(['apply', '-f', '-'], manifest(name, csr))).toMatchObject({ code: 0, stdout: `certificatesigningrequest.certificates.k8s.io/${name} created\n` });
    expect((await k(['get', 'csr', name])).stdout).toMatch(new RegExp(`^NAME +AGE +SIGNERNAME +REQUESTOR +REQUESTEDDURATION +CONDITION\\n${name} +\\S+ +kubernetes.io/kube-apiserver-client +admin +24h +Pending\\n$`));
    expect(await k(['certificate', 'approve', name])).toMatchObject({ code: 0, stdout: `certificatesigningrequest.certificates.k8s.io/${name} approved\n` });
    await waitFor(async () => (await k(['get', 'csr', name, '-o', 'jsonpath={.status.certificate}'])).stdout !== '', { what: 'the signer to issue' });
    expect((await k(['get', 'csr', name])).stdout).toMatch(/ +Approved,Issued\n$/);
    const conditions = JSON.parse((await k(['get', 'csr', name, '-o', 'jsonpath={.status.conditions}'])).stdout) as Array<Record<string, string>>;
    expect(conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' })]);
    const certFile = path.join(c.dir, `${name}.crt`);
    writeFileSync(certFile, Buffer.from((await k(['get', 'csr', name, '-o', 'jsonpath={.status.certificate}'])).stdout, 'base64'));
    const who = await asUser(certFile, key, ['auth', 'whoami', '-o', 'json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ status: { userInfo: { username: name, groups: ['devs', 'testers', 'system:authenticated'] } } });
    // Authenticated, but nothing is bound to the user yet.
    const denied = await asUser(certFile, key, ['get', 'pods', '-n', 'default']);
    expect(denied.stderr).toContain(`pods is forbidden: User "${name}" cannot list resource "pods"`);
  });
});

describe('a request made by a service account', () => {
  it('records its user info, extra included, and kubectl 1.33 approves it over protobuf', async () => {
    expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } })).status).toBeLessThan(500);
    expect((await req('POST', '/api/v1/namespaces/default/serviceaccounts', { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } } })).status).toBe(201);
    const token = ((await req('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } }))
      .json as { status: { token: string } }).status.token;
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    expect((await req('POST', `${rbac}/clusterroles`, { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'csr-maker' },
      rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create'] }] } })).status).toBe(201);
    expect((await req('POST', `${rbac}/clusterrolebindings`, { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'csr-maker' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-maker' }, subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }] } })).status).toBe(201);
    const { csr } = opensslRequest('robot', '/CN=robot');
    const body = { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'robot' },
      spec: { request: readFileSync(csr).toString('base64'), signerName: 'example.com/robots', usages: ['client auth'], username: 'admin', groups: ['system:masters'] } };
    let created = { status: 403 } as Awaited<ReturnType<typeof req>>;
    await waitFor(async () => {
      created = await req('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { body, anonymous: true, headers: { Authorization: `Bearer ${token}` } });
      return created.status !== 403;
    }, { what: 'the binding to take effect' });
    expect(created).toMatchObject({ status: 201, json: { spec: { username: 'system:serviceaccount:default:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^JTI=/)] } } } });
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    expect(await k(['certificate', 'approve', 'robot'])).toMatchObject({ code: 0, stdout: 'certificatesigningrequest.certificates.k8s.io/robot approved\n' });
    // Nobody signs for example.com/robots here: approved, and left for its signer.
    expect((await k(['get', 'csr', 'robot'])).stdout).toMatch(/example\.com\/robots +system:serviceaccount:default:robot +<none> +Approved\n$/);
  });
});

describe('what the signer and the API refuse', () => {
  it('denies with kubectl certificate deny, and the signer leaves it alone', async () => {
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const { csr } = opensslRequest('mallory', '/CN=mallory');
    expect(await k(['apply', '-f', '-'], manifest('mallory', csr))).toMatchObject({ code: 0 });
    expect(await k(['certificate', 'deny', 'mallory'])).toMatchObject({ code: 0, stdout: 'certificatesigningrequest.certificates.k8s.io/mallory denied\n' });
    expect((await k(['get', 'csr', 'mallory'])).stdout).toMatch(/ +Denied\n$/);
    // kubectl will not approve what is denied, and the API refuses both at once.
    expect((await k(['certificate', 'approve', 'mallory'])).stderr).toContain('certificate signing request "mallory" is already Denied');
    const stored = (await req('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory')).json as { status: { conditions: unknown[] } };
    const both = await req('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory/approval', { body: { ...stored,
      status: { conditions: [...stored.status.conditions, { type: 'Approved', status: 'True', reason: 'Sneaky' }] } } });
    expect(both).toMatchObject({ status: 422, json: { message: expect.stringContaining('Approved and Denied conditions are mutually exclusive') } });
    expect(await k(['get', 'csr', 'mallory', '-o', 'jsonpath={.status.certificate}'])).toMatchObject({ stdout: '' });
  });

  it('fails a request its signer will not sign, with the reason', async () => {
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const { csr } = opensslRequest('server', '/CN=server');
    expect(await k(['apply', '-f', '-'], manifest('server', csr, ['server auth']))).toMatchObject({ code: 0 });
    expect(await k(['certificate', 'approve', 'server'])).toMatchObject({ code: 0 });
    await waitFor(async () => (await k(['get', 'csr', 'server'])).stdout.includes('Approved,Failed'), { what: 'the signer to refuse' });
    const failed = (JSON.parse((await k(['get', 'csr', 'server', '-o', 'json'])).stdout) as { status: { conditions: Array<Record<string, string>> } }).status.conditions;
    expect(failed).toContainEqual(expect.objectContaining({ type: 'Failed', reason: 'SignerValidationFailure', message: 'invalid usage for client certificate: server auth' }));
  });

  it('refuses a body that is not a certificate request, and keeps the spec of a stored one', async () => {
    const r = await req('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { body: { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
      metadata: { name: 'junk' }, spec: { request: Buffer.from('junk').toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] } } });
    expect(r).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [{ field: 'spec.request', message: 'Invalid value: "<request>": PEM block type must be CERTIFICATE REQUEST' }] } } });
    const patched = await req('PATCH', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory', { body: { spec: { signerName: 'example.com/other' } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect((patched.json as { spec: { signerName: string } }).spec.signerName).toBe('kubernetes.io/kube-apiserver-client');
  });
});
