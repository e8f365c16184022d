// The cluster signer (kube-controller-manager's csrsigning and its authority): which requests
// each built-in signer accepts, and the certificate it issues for an approved one, signed by the
// cluster CA. Client certificates name their user in CN and their groups in O, which is how the
// apiserver authenticates them (pkg/apiserver/authn.ts).
import 'reflect-metadata'; // @peculiar/x509's DI container (tsyringe) needs the Reflect metadata API
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { kubeAPIServerClientKubeletSigner, kubeAPIServerClientSigner } from './csr';

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface SigningCA { cert: x509.X509Certificate; key: webcrypto.CryptoKey }

/** --cluster-signing-cert-file and --cluster-signing-key-file (PEM; the key PKCS#8 ECDSA P-256, as berth's CA). */
export const loadSigningCA = async (certFile: string, keyFile: string): Promise<SigningCA> => {
  const cert = new x509.X509Certificate(readFileSync(certFile, 'utf8'));
  const der = x509.PemConverter.decode(readFileSync(keyFile, 'utf8'))[0];
  return { cert, key: await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']) };
};

/** The signers this controller serves. */
export const servedSigners = [kubeAPIServerClientSigner, kubeAPIServerClientKubeletSigner];

/** Upstream's default --cluster-signing-duration: one year. */
export const defaultSigningSeconds = 365 * 24 * 3600;
/** Certificates start five minutes early, for clocks that lag (upstream's backdate). */
const backdateMs = 5 * 60_000;

const clientUsagesRefusal = (usages: string[]): string | undefined => {
  for (const u of usages) if (!['digital signature', 'key encipherment', 'client auth'].includes(u)) return `invalid usage for client certificate: ${u}`;
  return usages.includes('client auth') ? undefined : 'missing required usage for client certificate: client auth';
};

const subjectValues = (req: x509.Pkcs10CertificateRequest, type: string): string[] =>
  req.subjectName.toJSON().flatMap((rdn) => rdn[type] ?? []);

/** Why `signerName` will not sign this request (the reason of the Failed condition), or undefined. */
export const signerRefusal = (signerName: string, req: x509.Pkcs10CertificateRequest, usages: string[]): string | undefined => {
  if (signerName === kubeAPIServerClientSigner) return clientUsagesRefusal(usages);
  // kube-apiserver-client-kubelet: a node's client certificate (IsKubeletClientCSR).
  const orgs = subjectValues(req, 'O');
  if (orgs.length !== 1 || orgs[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (!(subjectValues(req, 'CN')[0] ?? '').startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  if (req.extensions.some((e) => e.type === '2.5.29.17')) return 'DNS, email, IP and URI subjectAltNames are not allowed';
  return clientUsagesRefusal(usages);
};

const keyUsageFlags: Record<string, number> = {
  'digital signature': x509.KeyUsageFlags.digitalSignature, 'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'content commitment': x509.KeyUsageFlags.nonRepudiation, 'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
};
const extendedUsages: Record<string, string> = { 'client auth': x509.ExtendedKeyUsage.clientAuth, 'server auth': x509.ExtendedKeyUsage.serverAuth };

const serial = (): string => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');

/**
 * The certificate for `req`: its subject and public key, the usages asked, valid from five
 * minutes ago for the requested duration (at most `maxSeconds`, never past the CA's own end).
 * The request's own signature must hold. Returns PEM.
 */
export const signRequest = async (ca: SigningCA, req: x509.Pkcs10CertificateRequest, usages: string[], o: { expirationSeconds?: number; maxSeconds?: number; now?: Date } = {}): Promise<string> => {
  if (!(await req.verify())) throw new Error('the certificate request\'s signature does not verify');
  const now = (o.now ?? new Date()).getTime();
  const seconds = Math.min(o.expirationSeconds ?? Infinity, o.maxSeconds ?? defaultSigningSeconds);
  const notAfter = Math.min(now + seconds * 1000, ca.cert.notAfter.getTime());
  const flags = usages.reduce((f, u) => f | (keyUsageFlags[u] ?? 0), 0);
  const extended = usages.flatMap((u) => (extendedUsages[u] ? [extendedUsages[u]] : []));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    ...(flags ? [new x509.KeyUsagesExtension(flags, true)] : []),
    ...(extended.length ? [new x509.ExtendedKeyUsageExtension(extended)] : []),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: req.subject, issuer: ca.cert.subject,
    notBefore: new Date(now - backdateMs), notAfter: new Date(notAfter),
    signingAlgorithm: alg, publicKey: req.publicKey, signingKey: ca.key, extensions,
  });
  return `${cert.toString('pem')}\n`;
};
