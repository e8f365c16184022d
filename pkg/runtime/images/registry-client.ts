// One OCI distribution (v2) endpoint: `GET /v2/<name>/manifests/<reference>` negotiated by
// Accept, `GET /v2/<name>/blobs/<digest>` with `Range: bytes=N-` to resume. A 401 is answered
// once per repository scope (registry-auth.ts) and the header re-used for later requests.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RangeBody } from './blob-store';
import { DigestError, sha256Digest } from './digest';
import { basicHeader, basicPair, parseChallenges, RegistryAuthError, type FetchFn, type RegistryCredentials, type TokenCache } from './registry-auth';
import { MediaType } from './types';

/** Every manifest form we can use, preferred first (the Accept header of a manifest GET). */
export const manifestAccept = [
  MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest,
].join(', ');

/** Manifests are small; a bigger answer is refused rather than buffered (containerd: 4 MiB). */
const maxManifestBytes = 4 << 20;

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code = 'BERTH_ERR_REGISTRY';
  constructor(message: string, readonly status?: number) {
    super(message);
  }

  /** True when the registry said the manifest or blob does not exist (404). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

export interface FetchedManifest {
  body: Buffer;
  digest: string;
  mediaType: string;
}

export interface RegistryClientOptions {
  /** `http(s)://host[:port]`, no trailing slash. */
  baseURL: string;
  fetchFn: FetchFn;
  tokens: TokenCache;
  credentials?: RegistryCredentials;
}

const hostOf = (url: string): string => new URL(url).host;

export class RegistryClient {
  /** Authorization header per scope, once a challenge was answered. */
  private readonly authByScope = new Map<string, string>();

  constructor(private readonly o: RegistryClientOptions) {}

  get baseURL(): string {
    return this.o.baseURL;
  }

  /** Fetches a manifest by tag or digest and checks its digest (the reference's, else Docker-Content-Digest's). */
  async manifest(repo: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const res = await this.get(repo, `manifests/${reference}`, { accept: manifestAccept }, signal);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > maxManifestBytes) {
      await res.body?.cancel();
      throw new RegistryError(`manifest ${repo}:${reference} is ${length} bytes, more than ${maxManifestBytes}`);
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > maxManifestBytes) throw new RegistryError(`manifest ${repo}:${reference} is larger than ${maxManifestBytes} bytes`);
    const digest = sha256Digest(body);
    const claimed = reference.startsWith('sha256:') ? reference : res.headers.get('docker-content-digest') ?? undefined;
    if (claimed !== undefined && claimed.startsWith('sha256:') && claimed !== digest) {
      throw new DigestError(`manifest ${repo}@${claimed} from ${this.o.baseURL}: content hashes to ${digest}`);
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const declared = (JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType;
    return { body, digest, mediaType: declared ?? contentType };
  }

  /** Opens a blob from `offset`; the answer says where its body really starts (0 without Range support). */
  async blob(repo: string, digest: string, offset: number, signal?: AbortSignal): Promise<RangeBody> {
    const res = await this.get(repo, `blobs/${digest}`, offset > 0 ? { range: `bytes=${offset}-` } : {}, signal);
    if (!res.body) throw new RegistryError(`blob ${digest} from ${this.o.baseURL}: empty response`);
    const start = res.status === 206 ? Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? -1) : 0;
    return { stream: Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), offset: start };
  }

  /** GET /v2/<repo>/<path>, answering one auth challenge; throws RegistryError unless 200/206. */
  private async get(repo: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const scope = `repository:${repo}:pull`;
    const url = `${this.o.baseURL}/v2/${repo}/${path}`;
    const send = (auth: string | undefined) => this.o.fetchFn(url, { headers: auth ? { ...headers, authorization: auth } : headers, signal, redirect: 'follow' });
    let auth = this.authByScope.get(scope) ?? this.presetAuth();
    let res = await send(auth);
    if (res.status === 401) {
      await res.body?.cancel();
      auth = await this.answer(res.headers.get('www-authenticate') ?? '', scope, signal);
      this.authByScope.set(scope, auth);
      res = await send(auth);
    }
    if (res.status !== 200 && res.status !== 206) {
      const text = (await res.text()).slice(0, 300).trim();
      throw new RegistryError(`GET ${url}: ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`, res.status);
    }
    return res;
  }

  /** CRI registry_token: sent as a bearer token from the first request. */
  private presetAuth(): string | undefined {
    return this.credentials()?.registryToken ? `Bearer ${this.credentials()?.registryToken}` : undefined;
  }

  private credentials(): RegistryCredentials | undefined {
    const c = this.o.credentials;
    if (c?.serverAddress && hostOf(`http://${c.serverAddress.replace(/^\w+:\/\//, '')}`) !== hostOf(this.o.baseURL)) return undefined;
    return c;
  }

  private async answer(header: string, scope: string, signal?: AbortSignal): Promise<string> {
    const challenges = parseChallenges(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) return `Bearer ${await this.o.tokens.token(bearer, bearer.params.scope ?? scope, this.credentials(), signal)}`;
    if (challenges.some((c) => c.scheme === 'basic')) {
      const pair = basicPair(this.credentials());
      if (!pair) throw new RegistryAuthError(`${this.o.baseURL} wants basic authentication and the pull has no credentials`);
      return basicHeader(pair);
    }
    throw new RegistryAuthError(`${this.o.baseURL} answered 401 with no usable challenge ("${header.slice(0, 100)}")`);
  }
}
