// Service account tokens for the serviceAccountToken source of projected volumes (kubelet
// pkg/kubelet/token/token_manager.go). Each token comes from the TokenRequest subresource
// (POST serviceaccounts/<name>/token), bound to the pod, and is cached until it is due for a
// refresh, so the periodic rewrite of API-data volumes (volumes.ts) asks for a new one only then.
import type { TokenRequest } from '../../api/authentication/v1';
import type { ApiServiceAccount } from '../../api/core/v1';
import type { ResourceClient } from '../client/types';
import type { Logger } from '../log';
import type { Clock } from './clock';

/** A token is refreshed once it is this old, whatever its lifetime (kubelet maxTTL). */
const maxTTLMs = 24 * 60 * 60 * 1000;
/** Refreshes start up to this much early, so that pods started together do not refresh together. */
const maxJitterSeconds = 10;
/** Expired tokens are dropped from the cache at most this often (kubelet gcPeriod). */
const gcPeriodMs = 60 * 1000;

/** What a projected serviceAccountToken source asks for. */
export interface TokenSpec {
  audiences: string[];
  expirationSeconds: number;
  boundPod: { name: string; uid: string };
}

/** The token manager as the volume manager uses it. */
export interface ServiceAccountTokens {
  /** The token of service account `namespace/name` for `spec`: from the cache, or a new one when due. */
  getServiceAccountToken(namespace: string, name: string, spec: TokenSpec): Promise<string>;
  /** Forgets the tokens bound to the pod (its volumes are torn down). */
  deletePodTokens(podUID: string): void;
}

export interface TokenManagerDeps {
  serviceAccounts: Pick<ResourceClient<ApiServiceAccount>, 'createSubresource'>;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** Uniform in [0, 1), for the refresh jitter (default Math.random). */
  random?: () => number;
}

interface CachedToken {
  token: string;
  /** Expiry (ms since the epoch) and the lifetime it was issued for: issued at = expiresAt - lifetime. */
  expiresAt: number;
  expirationSeconds: number;
  podUID: string;
}

export class TokenManager implements ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();
  private lastGC = 0;

  constructor(private readonly d: TokenManagerDeps) {}

  /**
   * A cached token unless it requires a refresh. When a refresh fails, the old token is kept as
   * long as it has not expired (the error is logged); with no usable token the error is thrown.
   */
  async getServiceAccountToken(namespace: string, name: string, spec: TokenSpec): Promise<string> {
    const key = JSON.stringify([namespace, name, spec.audiences, spec.expirationSeconds, spec.boundPod.name, spec.boundPod.uid]);
    const cached = this.cache.get(key);
    this.dropExpired(); // after the lookup: an expired token still tells why a failed refresh fails
    if (cached && !this.requiresRefresh(cached)) return cached.token;
    let fresh: CachedToken;
    try {
      fresh = await this.request(namespace, name, spec);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!cached) throw new Error(`failed to fetch token: ${msg}`, { cause: err });
      if (this.expired(cached)) throw new Error(`token of service account ${namespace}/${name} for pod ${spec.boundPod.name} expired and refresh failed: ${msg}`, { cause: err });
      this.d.log.warn('could not refresh service account token, keeping the current one', { namespace, serviceaccount: name, pod: spec.boundPod.name, err });
      return cached.token;
    }
    this.cache.set(key, fresh);
    return fresh.token;
  }

  deletePodTokens(podUID: string): void {
    for (const [k, t] of this.cache) if (t.podUID === podUID) this.cache.delete(k);
  }

  /** Cached tokens (for tests and debugging). */
  size(): number { return this.cache.size; }

  private async request(namespace: string, name: string, spec: TokenSpec): Promise<CachedToken> {
    const body: TokenRequest = {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
      spec: {
        audiences: spec.audiences, expirationSeconds: spec.expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: spec.boundPod.name, uid: spec.boundPod.uid },
      },
    };
    const res = await this.d.serviceAccounts.createSubresource(namespace, name, 'token', body);
    const status = statusOf(res);
    const expiresAt = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expiresAt)) throw new Error(`TokenRequest response has an invalid expirationTimestamp "${status.expirationTimestamp}"`);
    // The server may shorten the lifetime; kubelet reads it back from the response's spec.
    const expirationSeconds = specSecondsOf(res) ?? spec.expirationSeconds;
    return { token: status.token, expiresAt, expirationSeconds, podUID: spec.boundPod.uid };
  }

  private expired(t: CachedToken): boolean { return this.d.clock.now() > t.expiresAt; }

  /**
   * kubelet requiresRefresh: the token is older than 24 h, or within 20% of its lifetime of
   * expiring (both less a jitter of up to 10 s), or issued later than now (the clock went back).
   */
  private requiresRefresh(t: CachedToken): boolean {
    const now = this.d.clock.now();
    const issuedAt = t.expiresAt - t.expirationSeconds * 1000;
    const jitterMs = Math.floor((this.d.random ?? Math.random)() * maxJitterSeconds) * 1000;
    if (now > issuedAt + maxTTLMs - jitterMs) return true;
    if (now > t.expiresAt - Math.floor(t.expirationSeconds * 20 / 100) * 1000 - jitterMs) return true;
    return now < issuedAt;
  }

  /** kubelet runs this cleanup every minute; here it runs on use, at most once a minute. */
  private dropExpired(): void {
    const now = this.d.clock.now();
    if (now - this.lastGC < gcPeriodMs) return;
    this.lastGC = now;
    for (const [k, t] of this.cache) if (this.expired(t)) this.cache.delete(k);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const statusOf = (res: unknown): { token: string; expirationTimestamp: string } => {
  const status = isRecord(res) ? res.status : undefined;
  if (!isRecord(status) || typeof status.token !== 'string' || status.token === '' || typeof status.expirationTimestamp !== 'string') {
    throw new Error('TokenRequest response has no status.token and status.expirationTimestamp');
  }
  return { token: status.token, expirationTimestamp: status.expirationTimestamp };
};

const specSecondsOf = (res: unknown): number | undefined => {
  const spec = isRecord(res) ? res.spec : undefined;
  return isRecord(spec) && typeof spec.expirationSeconds === 'number' && spec.expirationSeconds > 0 ? spec.expirationSeconds : undefined;
};
