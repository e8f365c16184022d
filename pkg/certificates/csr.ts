// Certificate signing requests as upstream's certificates API reads them: the PEM-encoded PKCS#10
// request in spec.request, the key usages a request may ask for, and the conditions that say
// where it stands (pkg/apis/certificates, helpers.go).
import 'reflect-metadata'; // @peculiar/x509's DI container (tsyringe) needs the Reflect metadata API
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateSigningRequest } from '../../api/certificates/v1';

x509.cryptoProvider.set(webcrypto);

/** Every usage upstream accepts (certificates.KeyUsage). */
export const allUsages = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign', 'crl sign',
  'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system',
  'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
];

export const kubeAPIServerClientSigner = 'kubernetes.io/kube-apiserver-client';
export const kubeAPIServerClientKubeletSigner = 'kubernetes.io/kube-apiserver-client-kubelet';

/** The request in spec.request (base64 of PEM in JSON), parsed; throws with upstream's reasons. */
export const parseRequest = (requestBase64: string): x509.Pkcs10CertificateRequest => {
  const pem = Buffer.from(requestBase64, 'base64').toString('utf8');
  const block = /-----BEGIN ([A-Z ]+)-----/.exec(pem);
  if (!block) throw new Error('PEM block type must be CERTIFICATE REQUEST');
  if (block[1] !== 'CERTIFICATE REQUEST' && block[1] !== 'NEW CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  try {
    return new x509.Pkcs10CertificateRequest(pem.slice(block.index));
  } catch (err) {
    throw new Error(`x509: malformed certificate request: ${(err as Error).message}`, { cause: err });
  }
};

type Conditions = NonNullable<NonNullable<CertificateSigningRequest['status']>['conditions']>;
const has = (conditions: Conditions | undefined, type: string) => (conditions ?? []).some((c) => c.type === type && c.status === 'True');

export const isApproved = (csr: CertificateSigningRequest): boolean => has(csr.status?.conditions, 'Approved') && !has(csr.status?.conditions, 'Denied');
export const isDenied = (csr: CertificateSigningRequest): boolean => has(csr.status?.conditions, 'Denied');
export const isFailed = (csr: CertificateSigningRequest): boolean => has(csr.status?.conditions, 'Failed');

/** kubectl's CONDITION column (extractCSRStatus): Denied, Approved or Pending, then ,Failed and ,Issued. */
export const conditionSummary = (csr: CertificateSigningRequest): string => {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (csr.status?.certificate) s += ',Issued';
  return s;
};
