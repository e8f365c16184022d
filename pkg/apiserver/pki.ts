// The cluster PKI: a CA, the apiserver's serving certificate, the admin client certificate and
// the agent's serving+client certificate, generated on first start and reused afterwards.
// ECDSA P-256 keeps generation fast; Go's crypto/tls (kubectl) accepts it.
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata'; // @peculiar/x509's DI container (tsyringe) needs the Reflect metadata API
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export interface PkiOptions {
  /** Extra SANs for the apiserver certificate (IPs or DNS names). */
  hosts: string[];
}

export interface PkiPaths {
  dir: string;
  caCert: string; caKey: string;
  apiserverCert: string; apiserverKey: string;
  adminCert: string; adminKey: string;
  agentCert: string; agentKey: string;
}

export const pkiPaths = (dir: string): PkiPaths => ({
  dir,
  caCert: path.join(dir, 'ca.crt'), caKey: path.join(dir, 'ca.key'),
  apiserverCert: path.join(dir, 'apiserver.crt'), apiserverKey: path.join(dir, 'apiserver.key'),
  adminCert: path.join(dir, 'admin.crt'), adminKey: path.join(dir, 'admin.key'),
  agentCert: path.join(dir, 'agent.crt'), agentKey: path.join(dir, 'agent.key'),
});

interface Issuer { cert: x509.X509Certificate; keys: CryptoKeyPair }

const toPem = async (key: CryptoKey): Promise<string> => {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
};

const importKeyPair = async (certPem: string, keyPem: string): Promise<Issuer> => {
  const cert = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decode(keyPem)[0];
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign']);
  const publicKey: CryptoKey = await cert.publicKey.export(alg, ['verify']);
  return { cert, keys: { privateKey, publicKey } };
};

const serial = (): string => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');

const isIp = (h: string): boolean => /^[0-9.]+$/.test(h) || h.includes(':');

interface LeafSpec {
  subject: string;
  sans: string[];
  serverAuth: boolean;
  clientAuth: boolean;
}

const newKeys = (): Promise<CryptoKeyPair> =>
  webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);

const createCa = async (): Promise<Issuer> => {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: 'CN=berth-ca', keys, signingAlgorithm: alg,
    notBefore: new Date(now - 3600_000), notAfter: new Date(now + tenYears),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
};

const createLeaf = async (ca: Issuer, spec: LeafSpec): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> => {
  const keys = await newKeys();
  const usages: string[] = [];
  if (spec.serverAuth) usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (spec.clientAuth) usages.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  if (spec.sans.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(
      spec.sans.map((h) => (isIp(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))));
  }
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: spec.subject, issuer: ca.cert.subject,
    notBefore: new Date(now - 3600_000), notAfter: new Date(now + tenYears),
    signingAlgorithm: alg, publicKey: keys.publicKey, signingKey: ca.keys.privateKey, extensions,
  });
  return { cert, key: keys.privateKey };
};

/** Written aside and renamed into place: a reader never sees half a file. */
const writeAtomically = (file: string, data: string, mode: number) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, file);
};

const writeLeaf = async (certPath: string, keyPath: string, leaf: { cert: x509.X509Certificate; key: CryptoKey }) => {
  writeAtomically(keyPath, await toPem(leaf.key), 0o600);
  writeAtomically(certPath, leaf.cert.toString('pem') + '\n', 0o644);
};

/** The DNS names and IP addresses a certificate is for. */
export const sansOf = (pem: string): string[] => {
  const ext = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
  return (ext?.names.items ?? []).map((n) => n.value);
};

/** The machine's hostname, lower-cased, as node names are. */
export const hostName = (): string => os.hostname().toLowerCase();

const loadOrCreateCa = async (p: PkiPaths): Promise<Issuer> => {
  if (existsSync(p.caCert) && existsSync(p.caKey)) {
    return importKeyPair(readFileSync(p.caCert, 'utf8'), readFileSync(p.caKey, 'utf8'));
  }
  const ca = await createCa();
  writeFileSync(p.caKey, await toPem(ca.keys.privateKey), { mode: 0o600 });
  writeFileSync(p.caCert, ca.cert.toString('pem') + '\n');
  return ca;
};

/**
 * Creates whatever is missing of the cluster PKI in `dir` and returns the paths. Existing files
 * are reused, so restarts keep the CA that the kubeconfig and the agents trust.
 */
export const ensurePki = async (dir: string, opts: PkiOptions = { hosts: [] }): Promise<PkiPaths> => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = pkiPaths(dir);
  const ca = await loadOrCreateCa(p);
  const host = hostName();
  const local = ['127.0.0.1', 'localhost', host];
  const leaves: Array<[string, string, LeafSpec]> = [
    [p.apiserverCert, p.apiserverKey, { subject: 'CN=berth-apiserver', sans: [...new Set([...local, ...opts.hosts])], serverAuth: true, clientAuth: false }],
    [p.adminCert, p.adminKey, { subject: 'CN=admin, O=system:masters', sans: [], serverAuth: false, clientAuth: true }],
    [p.agentCert, p.agentKey, { subject: `CN=system:node:${host}, O=system:nodes`, sans: local, serverAuth: true, clientAuth: true }],
  ];
  for (const [certPath, keyPath, spec] of leaves) {
    if (existsSync(certPath) && existsSync(keyPath)) {
      // A serving certificate is re-issued when asked for a name it lacks (an upgrade added the
      // kubernetes Service's names), keeping every name it had.
      const had = sansOf(readFileSync(certPath, 'utf8'));
      if (!spec.serverAuth || spec.sans.every((h) => had.includes(h))) continue;
      spec.sans = [...new Set([...had, ...spec.sans])];
    }
    await writeLeaf(certPath, keyPath, await createLeaf(ca, spec));
  }
  return p;
};

export interface KubeconfigOptions {
  server: string;
  pkiDir: string;
  user?: 'admin';
}

const b64 = (file: string): string => readFileSync(file).toString('base64');

/** Writes a kubeconfig with the CA and the admin client certificate embedded (cluster/context/user `berth`). */
export const writeKubeconfig = (file: string, opts: KubeconfigOptions): void => {
  const p = pkiPaths(opts.pkiDir);
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: berth',
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${b64(p.caCert)}`,
    'users:',
    '- name: berth',
    '  user:',
    `    client-certificate-data: ${b64(p.adminCert)}`,
    `    client-key-data: ${b64(p.adminKey)}`,
    'contexts:',
    '- name: berth',
    '  context:',
    '    cluster: berth',
    '    user: berth',
    '    namespace: default',
    'current-context: berth',
    'preferences: {}',
    '',
  ].join('\n');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
};
