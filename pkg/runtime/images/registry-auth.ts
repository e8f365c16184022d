// Registry authentication (distribution spec "token authentication"): a 401 names a scheme
// in WWW-Authenticate. Basic sends the credentials on the retry; Bearer sends them (or
// nothing, for anonymous pulls) to the token endpoint `realm?service=…&scope=…` and retries
// with the token. Tokens are cached per (realm, service, scope, credentials) until they expire.
import type { Clock } from './image-gc';

/** What CRI's AuthConfig carries that we use (username/password, `auth` = base64 user:pass, registry_token). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** base64("username:password"), as in ~/.docker/config.json. */
  auth?: string;
  /** A bearer token to send as is. */
  registryToken?: string;
  /** Only use these credentials for this host (host[:port]); empty: for every host of the pull. */
  serverAddress?: string;
}

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

export class RegistryAuthError extends Error {
  override readonly name = 'RegistryAuthError';
  readonly code = 'BERTH_ERR_REGISTRY_AUTH';
}

const tokenRe = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/;

/** Parses `Bearer realm="https://x/token",service="x",scope="repository:a:pull"` (RFC 7235; several challenges allowed). */
export const parseChallenges = (header: string): AuthChallenge[] => {
  const out: AuthChallenge[] = [];
  let i = 0;
  const skip = (chars: string) => { while (i < header.length && chars.includes(header[i])) i++; };
  const quoted = (): string => {
    let v = '';
    for (i++; i < header.length && header[i] !== '"'; i++) v += header[i] === '\\' ? header[++i] ?? '' : header[i];
    i++;
    return v;
  };
  while (i < header.length) {
    skip(' ,');
    const tok = tokenRe.exec(header.slice(i))?.[0];
    if (tok === undefined) break;
    i += tok.length;
    skip(' ');
    if (header[i] !== '=') { out.push({ scheme: tok.toLowerCase(), params: {} }); continue; }
    i++;
    skip(' ');
    const isQuoted = header[i] === '"';
    const value = isQuoted ? quoted() : (/^[^\s,]*/.exec(header.slice(i))?.[0] ?? '');
    if (!isQuoted) i += value.length;
    const current = out[out.length - 1];
    if (current !== undefined) current.params[tok.toLowerCase()] = value;
  }
  return out;
};

/** username:password from either form, or undefined for an anonymous pull. */
export const basicPair = (c: RegistryCredentials | undefined): { username: string; password: string } | undefined => {
  if (c === undefined) return undefined;
  if (c.username) return { username: c.username, password: c.password ?? '' };
  if (c.auth) {
    const decoded = Buffer.from(c.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new RegistryAuthError('auth is not base64 of "username:password"');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
};

export const basicHeader = (p: { username: string; password: string }): string =>
  `Basic ${Buffer.from(`${p.username}:${p.password}`).toString('base64')}`;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** Token default lifetime when the endpoint omits expires_in (distribution spec: 60 s). */
const defaultTokenSeconds = 60;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly fetchFn: FetchFn, private readonly clock: Clock) {}

  /** A token for the challenge's realm/service and `scope`, fetched once and re-used until it expires. */
  async token(challenge: AuthChallenge, scope: string, creds: RegistryCredentials | undefined, signal?: AbortSignal): Promise<string> {
    const { realm, service } = challenge.params;
    if (!realm) throw new RegistryAuthError('Bearer challenge without a realm');
    const pair = basicPair(creds);
    const key = JSON.stringify([realm, service ?? '', scope, pair?.username ?? '', pair?.password ?? '']);
    const hit = this.tokens.get(key);
    if (hit && hit.expiresAt > this.clock()) return hit.token;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.fetchToken(realm, service, scope, pair, signal).then((t) => {
      this.tokens.set(key, { token: t.token, expiresAt: this.clock() + (t.seconds - 5) * 1000 });
      return t.token;
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async fetchToken(realm: string, service: string | undefined, scope: string,
    pair: { username: string; password: string } | undefined, signal?: AbortSignal): Promise<{ token: string; seconds: number }> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    const headers: Record<string, string> = pair ? { authorization: basicHeader(pair) } : {};
    const res = await this.fetchFn(url.toString(), { headers, signal });
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryAuthError(`token endpoint ${url.origin}${url.pathname} answered ${res.status} for scope "${scope}"`);
    }
    const body = await res.json() as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`token endpoint ${url.origin}${url.pathname} returned no token`);
    return { token, seconds: Math.max(body.expires_in ?? defaultTokenSeconds, defaultTokenSeconds) };
  }
}

/** CRI's AuthConfig as decoded by the server (proto3 defaults: absent strings are ''). */
export interface CriAuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

/** The credentials of a PullImageRequest, or undefined for an anonymous pull. identity_token is not supported. */
export const credentialsFromCri = (a: CriAuthConfig | null | undefined): RegistryCredentials | undefined => {
  if (!a) return undefined;
  const c: RegistryCredentials = {};
  if (a.username) { c.username = a.username; c.password = a.password ?? ''; }
  if (a.auth) c.auth = a.auth;
  if (a.registryToken) c.registryToken = a.registryToken;
  if (c.username === undefined && c.auth === undefined && c.registryToken === undefined) return undefined;
  if (a.serverAddress) c.serverAddress = a.serverAddress;
  return c;
};
