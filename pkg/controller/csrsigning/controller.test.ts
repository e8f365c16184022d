import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { ApiObject } from '../../../api/meta/v1';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import { requestFor } from '../../certificates/request-fixtures';
import type { SigningCA } from '../../certificates/signer';
import { planSigning, reconcileCSR } from './controller';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const approved = { type: 'Approved', status: 'True' };
const csr = (name: string, spec: Record<string, unknown>, conditions: unknown[] = [approved], certificate?: string): ApiObject =>
  ({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name, resourceVersion: '5' }, spec, status: { conditions, ...(certificate ? { certificate } : {}) } } as ApiObject);

describe('csrsigning', () => {
  let request = '';
  let ca: SigningCA;
  beforeAll(async () => {
    request = await requestFor('CN=jane, O=devs');
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=ca', keys, signingAlgorithm: alg,
      notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86400_000 * 3650), extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
    ca = { cert, key: keys.privateKey };
  });
  const client = 'kubernetes.io/kube-apiserver-client';

  test('signs only approved, undecided, unissued requests of its signers', () => {
    const spec = { request, signerName: client, usages: ['client auth'] };
    expect(planSigning(csr('a', spec) as never)).toEqual({ action: 'sign' });
    expect(planSigning(csr('a', spec, []) as never)).toBeUndefined();
    expect(planSigning(csr('a', spec, [approved, { type: 'Denied', status: 'True' }]) as never)).toBeUndefined();
    expect(planSigning(csr('a', spec, [approved], 'eA==') as never)).toBeUndefined();
    expect(planSigning(csr('a', { ...spec, signerName: 'example.com/other' }) as never)).toBeUndefined();
    expect(planSigning(csr('a', { ...spec, usages: ['server auth'] }) as never))
      .toEqual({ action: 'fail', reason: 'SignerValidationFailure', message: 'invalid usage for client certificate: server auth' });
  });

  test('writes the certificate, or the Failed condition, through the status subresource', async () => {
    const informer = new FakeInformer<ApiObject>();
    informer.seed(csr('good', { request, signerName: client, usages: ['client auth'], expirationSeconds: 3600 }),
      csr('bad', { request, signerName: client, usages: ['digital signature'] }));
    const writes: ApiObject[] = [];
    const d = { csrs: informer, csrClient: { updateStatus: async (_ns: string, o: ApiObject) => { writes.push(o); return o; } }, ca, log: silentLogger() };
    const now = new Date('2026-11-23T10:00:00Z');
    await reconcileCSR('good', d, now);
    await reconcileCSR('bad', d, now);
    const cert = new x509.X509Certificate(Buffer.from((writes[0].status as { certificate: string }).certificate, 'base64').toString());
    expect(cert.subject).toBe('CN=jane, O=devs');
    expect(cert.notAfter.toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(writes[0].metadata.resourceVersion).toBe('5');
    expect((writes[1].status as { conditions: unknown[] }).conditions).toEqual([approved, {
      type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: 'missing required usage for client certificate: client auth',
      lastUpdateTime: '2026-11-23T10:00:00Z', lastTransitionTime: '2026-11-23T10:00:00Z',
    }]);
  });
});
