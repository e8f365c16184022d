import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newClaims, serviceAccountKeys, signToken, tokenIssuer, verifyToken } from './serviceaccount-jwt';

describe('service account JWTs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-sa-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keys = serviceAccountKeys(dir);
  const now = new Date('2026-11-23T01:00:00Z');
  const claim = { namespace: 'd', serviceaccount: { name: 'bot', uid: 'u-1' } };
  const token = signToken(keys, newClaims(claim, [tokenIssuer], now, 3600));
  const part = (i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString()) as Record<string, unknown>;

  it('keeps an RSA key in sa.key (0600) and signs RS256 with its key id', () => {
    expect(statSync(path.join(dir, 'sa.key')).mode & 0o777).toBe(0o600);
    expect(keys.privateKey.asymmetricKeyType).toBe('rsa');
    expect(part(0)).toEqual({ alg: 'RS256', kid: keys.kid });
    expect(part(1)).toMatchObject({ iss: tokenIssuer, sub: 'system:serviceaccount:d:bot', aud: [tokenIssuer],
      iat: now.getTime() / 1000, nbf: now.getTime() / 1000, exp: now.getTime() / 1000 + 3600, 'kubernetes.io': claim });
    // Loading again gives the same key (tokens survive an apiserver restart).
    expect(serviceAccountKeys(dir).kid).toBe(keys.kid);
  });

  it('verifies its own tokens and refuses tampered, expired, foreign-audience and unsigned ones', () => {
    expect(verifyToken(keys, token, now)).toMatchObject({ sub: 'system:serviceaccount:d:bot' });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...part(1), sub: 'system:serviceaccount:d:admin' })).toString('base64url');
    expect(verifyToken(keys, `${h}.${forged}.${s}`, now)).toBeUndefined();
    expect(verifyToken(keys, `${h}.${p}.${s.slice(0, -2)}AA`, now)).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyToken(keys, `${none}.${p}.`, now)).toBeUndefined();
    expect(verifyToken(keys, token, new Date(now.getTime() + 3600_000))).toBeUndefined();
    expect(verifyToken(keys, token, now, ['https://elsewhere'])).toBeUndefined();
    expect(verifyToken(keys, 'not-a-jwt', now)).toBeUndefined();
    const other = serviceAccountKeys(mkdtempSync(path.join(dir, 'other-')));
    expect(verifyToken(other, token, now)).toBeUndefined();
  });
});
