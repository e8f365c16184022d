// Service account tokens: RS256 JWTs signed with the cluster's service-account key, kept beside
// the other PKI files as sa.key/sa.pub (the CA and serving keys are ECDSA; upstream's
// --service-account-key-file is RSA). Claims as upstream's (pkg/serviceaccount/claims.go):
// iss, sub, aud, exp, iat, nbf, jti and the private `kubernetes.io` claim naming the namespace,
// the service account and the object the token is bound to.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The issuer and default audience of every token (upstream's usual --service-account-issuer). */
export const tokenIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountKeys { privateKey: KeyObject; publicKey: KeyObject; kid: string }

const loaded = new Map<string, ServiceAccountKeys>();

/** Reads sa.key from `pkiDir`, creating it (RSA 2048) on first use. */
export const serviceAccountKeys = (pkiDir: string): ServiceAccountKeys => {
  const hit = loaded.get(pkiDir);
  if (hit) return hit;
  const keyPath = path.join(pkiDir, 'sa.key');
  if (!existsSync(keyPath)) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    try {
      // 'wx': another apiserver of the same home may have written it meanwhile; then we read theirs.
      writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      writeFileSync(path.join(pkiDir, 'sa.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(keyPath));
  const publicKey = createPublicKey(privateKey);
  // Key id as upstream's keyIDFromPublicKey: base64url(SHA-256(DER SubjectPublicKeyInfo)).
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  const keys = { privateKey, publicKey, kid };
  loaded.set(pkiDir, keys);
  return keys;
};

export interface BoundRef { name: string; uid: string }

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: BoundRef;
  pod?: BoundRef;
  secret?: BoundRef;
  node?: BoundRef;
}

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export const serviceAccountUser = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

/** Claims for a token of `claim.serviceaccount` valid from `now` for `seconds`. */
export const newClaims = (claim: KubernetesClaim, audiences: string[], now: Date, seconds: number): TokenClaims => {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    aud: audiences, exp: iat + seconds, iat, iss: tokenIssuer, jti: randomUUID(), 'kubernetes.io': claim, nbf: iat,
    sub: serviceAccountUser(claim.namespace, claim.serviceaccount.name),
  };
};

export const signToken = (keys: ServiceAccountKeys, claims: TokenClaims): string => {
  const input = `${b64({ alg: 'RS256', kid: keys.kid })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), keys.privateKey).toString('base64url')}`;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const parsePart = (part: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isRecord(v) ? v : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
};

/**
 * The claims of a token we signed that is valid at `now` for one of `audiences`, else undefined
 * (bad form, another algorithm or key, a broken signature, expired, not yet valid, wrong issuer
 * or audience). Whether the service account still exists is the caller's check.
 */
export const verifyToken = (keys: ServiceAccountKeys, token: string, now: Date, audiences: string[] = [tokenIssuer]): TokenClaims | undefined => {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = parsePart(parts[0]);
  if (header?.alg !== 'RS256' || (header.kid !== undefined && header.kid !== keys.kid)) return undefined;
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), keys.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
  const claims = parsePart(parts[1]) as Partial<TokenClaims> | undefined;
  if (!claims || claims.iss !== tokenIssuer || !isRecord(claims['kubernetes.io'])) return undefined;
  const t = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= t) return undefined;
  if (typeof claims.nbf === 'number' && claims.nbf > t + 60) return undefined;
  const aud = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
  if (!aud.some((a) => audiences.includes(a))) return undefined;
  const k = claims['kubernetes.io'];
  if (typeof k.namespace !== 'string' || typeof k.serviceaccount?.name !== 'string') return undefined;
  if (claims.sub !== serviceAccountUser(k.namespace, k.serviceaccount.name)) return undefined;
  return claims as TokenClaims;
};
