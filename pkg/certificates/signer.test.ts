import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { conditionSummary, parseRequest } from './csr';
import { signerRefusal, signRequest, type SigningCA } from './signer';
import { requestFor } from './request-fixtures';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

const newCA = async (): Promise<SigningCA> => {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=test-ca', keys, signingAlgorithm: alg, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 10 * 365 * 86400_000),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return { cert, key: keys.privateKey };
};

describe('the cluster signer', () => {
  test('refuses what each signer does not issue', async () => {
    const jane = parseRequest(await requestFor('CN=jane, O=devs'));
    expect(signerRefusal('kubernetes.io/kube-apiserver-client', jane, ['client auth', 'digital signature'])).toBeUndefined();
    expect(signerRefusal('kubernetes.io/kube-apiserver-client', jane, ['server auth', 'client auth'])).toBe('invalid usage for client certificate: server auth');
    expect(signerRefusal('kubernetes.io/kube-apiserver-client', jane, ['digital signature'])).toBe('missing required usage for client certificate: client auth');
    const kubelet = 'kubernetes.io/kube-apiserver-client-kubelet';
    expect(signerRefusal(kubelet, jane, ['client auth'])).toBe('subject organization is not system:nodes');
    expect(signerRefusal(kubelet, parseRequest(await requestFor('CN=system:node:n1, O=system:nodes')), ['client auth'])).toBeUndefined();
    expect(signerRefusal(kubelet, parseRequest(await requestFor('CN=n1, O=system:nodes')), ['client auth'])).toBe('subject common name does not begin with system:node:');
    expect(signerRefusal(kubelet, parseRequest(await requestFor('CN=system:node:n1, O=system:nodes', ['n1.example'])), ['client auth']))
      .toBe('DNS, email, IP and URI subjectAltNames are not allowed');
  });

  test('issues a client certificate for the subject, signed by the CA, for the requested duration', async () => {
    const ca = await newCA();
    const now = new Date('2026-11-23T10:00:00Z');
    const pem = await signRequest(ca, parseRequest(await requestFor('CN=jane, O=devs, O=ops')), ['client auth', 'digital signature'], { expirationSeconds: 3600, now });
    const cert = new x509.X509Certificate(pem);
    expect(cert.subject).toBe('CN=jane, O=devs, O=ops');
    expect(cert.issuer).toBe('CN=test-ca');
    expect(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(cert.notBefore.toISOString()).toBe('2026-11-23T09:55:00.000Z');
    expect(cert.notAfter.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    // Without a requested duration: the signer's limit.
    const long = new x509.X509Certificate(await signRequest(ca, parseRequest(await requestFor('CN=a')), ['client auth'], { now, maxSeconds: 86400 }));
    expect(long.notAfter.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  test('rejects a request that is not PEM of a certificate request', () => {
    expect(() => parseRequest(Buffer.from('hello').toString('base64'))).toThrow('PEM block type must be CERTIFICATE REQUEST');
    expect(() => parseRequest(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64'))).toThrow('PEM block type must be CERTIFICATE REQUEST');
  });

  test("summarises conditions as kubectl's CONDITION column", () => {
    const csr = (types: string[], certificate?: string) => ({ spec: { request: '', signerName: '' }, status: { conditions: types.map((type) => ({ type, status: 'True' })), certificate } });
    expect(conditionSummary(csr([]))).toBe('Pending');
    expect(conditionSummary(csr(['Approved'], 'Y2VydA=='))).toBe('Approved,Issued');
    expect(conditionSummary(csr(['Approved', 'Failed']))).toBe('Approved,Failed');
    expect(conditionSummary(csr(['Denied']))).toBe('Denied');
  });
});
