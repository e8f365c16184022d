// PullImage from OCI distribution registries: the endpoints of a domain are its configured
// mirrors, then the origin (only when allowed: loopback registries always, others with
// `pullFromOrigin`). On one endpoint: the manifest by tag or digest, an index narrowed to
// linux/amd64, then config and layers downloaded in parallel (bounded) into the blob store,
// each verified and resumable (blob-store.ts ingest). Blobs already stored are not fetched.
import { types } from 'node:util';
import type { Logger } from '../../log';
import { IncompleteBlobError, type BlobStore } from './blob-store';
import { DigestError } from './digest';
import type { Clock } from './image-gc';
import { nodePlatform } from './manifests';
import { formatReference, repositoryName, type ParsedReference } from './reference';
import { RegistryAuthError, TokenCache, type FetchFn, type RegistryCredentials } from './registry-auth';
import { RegistryClient, RegistryError } from './registry-client';
import type { Descriptor, OciIndex, OciManifest } from './types';

export interface RegistryOptions {
  /** Domain → mirror endpoints asked first, e.g. `{ 'docker.io': ['http://127.0.0.1:5000'] }`. */
  registryMirrors?: Record<string, string[]>;
  /** Registries (host[:port]) reached over plain http://. Loopback registries always are. */
  insecureRegistries?: string[];
  /**
   * Whether a non-loopback origin registry may be contacted (after its mirrors, or alone).
   * Off by default: a node told nothing pulls only from mirrors and loopback registries.
   */
  pullFromOrigin?: boolean;
  /** Layers downloaded at once per pull (default 3, as containerd and Docker). */
  maxConcurrentDownloads?: number;
  /** Attempts per blob on one endpoint, each resuming the last (default 3). */
  blobAttempts?: number;
}

export interface PullerDeps extends RegistryOptions {
  blobs: BlobStore;
  log: Logger;
  fetchFn?: FetchFn;
  clock?: Clock;
}

/** What a pull stored: the top digest (index or manifest) and the manifest chosen for this node. */
export interface PulledImage {
  topDigest: string;
  manifestDigest: string;
  name: string;
  endpoint: string;
  bytesFetched: number;
}

export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  readonly code = 'BERTH_ERR_IMAGE_PULL';
  constructor(message: string, readonly notFound: boolean, readonly causes: Error[] = []) {
    super(message);
  }
}

const isLoopbackHost = (host: string): boolean => {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
};

/** Docker Hub's API host; every other domain is its own. */
const originURL = (domain: string, insecure: string[]): string => {
  if (domain === 'docker.io') return 'https://registry-1.docker.io';
  return `${isLoopbackHost(domain) || insecure.includes(domain) ? 'http' : 'https'}://${domain}`;
};

/**
 * Runs fn over items, `limit` at a time. After a failure no new item starts and the running
 * ones are waited for, so a failed pull leaves no download behind; then the first error is thrown.
 */
const mapLimit = async <T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        out[i] = await fn(items[i]);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed.err;
  return out;
};

const isIndex = (m: { mediaType?: string; manifests?: unknown }): boolean => Array.isArray(m.manifests);

export class Puller {
  private readonly tokens: TokenCache;
  private readonly fetchFn: FetchFn;
  /** Downloads in flight by digest, so two pulls sharing a layer fetch it once. */
  private readonly inflight = new Map<string, Promise<number>>();

  constructor(private readonly d: PullerDeps) {
    this.fetchFn = d.fetchFn ?? ((url, init) => fetch(url, init));
    this.tokens = new TokenCache(this.fetchFn, d.clock ?? Date.now);
  }

  /** The endpoints asked for `domain`, in order. */
  endpoints(domain: string): string[] {
    const mirrors = (this.d.registryMirrors?.[domain] ?? []).map((u) => u.replace(/\/+$/, ''));
    const originAllowed = this.d.pullFromOrigin === true || isLoopbackHost(domain);
    return originAllowed ? [...mirrors, originURL(domain, this.d.insecureRegistries ?? [])] : mirrors;
  }

  async pull(ref: ParsedReference, credentials?: RegistryCredentials, signal?: AbortSignal): Promise<PulledImage> {
    const endpoints = this.endpoints(ref.domain);
    const name = formatReference(ref);
    if (endpoints.length === 0) {
      throw new ImagePullError(`no registry to ask for ${name}: ${ref.domain} has no mirror and pulls from remote origins are off (pullFromOrigin)`, true);
    }
    const errors: Error[] = [];
    for (const baseURL of endpoints) {
      const client = new RegistryClient({ baseURL, fetchFn: this.fetchFn, tokens: this.tokens, credentials });
      try {
        return await this.pullFrom(client, ref, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        // instanceof fails for errors of another realm (fetch's TypeError under jest): duck-type.
        const e = err instanceof Error || types.isNativeError(err) ? err : new Error(String(err));
        this.d.log.warn('pull from endpoint failed', { image: name, endpoint: baseURL, err: e.message });
        errors.push(e);
      }
    }
    // Not found when some registry said so and the others were only unreachable.
    const said404 = (e: Error) => e instanceof RegistryError && e.notFound;
    const unreachable = (e: Error) => e.name === 'TypeError' && e.message === 'fetch failed';
    const notFound = errors.some(said404) && errors.every((e) => said404(e) || unreachable(e));
    const last = errors[errors.length - 1];
    throw new ImagePullError(`pulling ${name} failed on ${endpoints.join(', ')}: ${last.message}`, notFound, errors);
  }

  private async pullFrom(client: RegistryClient, ref: ParsedReference, signal?: AbortSignal): Promise<PulledImage> {
    const started = Date.now();
    const repo = ref.path;
    const top = await client.manifest(repo, ref.digest ?? ref.tag ?? 'latest', signal);
    let manifestDigest = top.digest;
    let manifestBody = top.body;
    const parsed = JSON.parse(top.body.toString('utf8')) as OciManifest & Partial<OciIndex>;
    if (isIndex(parsed)) {
      const chosen = (parsed.manifests ?? []).find((m) => m.platform?.os === nodePlatform.os && m.platform.architecture === nodePlatform.architecture);
      if (!chosen) throw new RegistryError(`${repositoryName(ref)}@${top.digest} has no ${nodePlatform.os}/${nodePlatform.architecture} manifest`, 404);
      const child = await client.manifest(repo, chosen.digest, signal);
      manifestDigest = child.digest;
      manifestBody = child.body;
      await this.d.blobs.putBuffer(top.body);
    }
    const manifest = JSON.parse(manifestBody.toString('utf8')) as OciManifest;
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new RegistryError(`${manifestDigest} is not an image manifest`);
    const blobs: Descriptor[] = [manifest.config, ...manifest.layers];
    const sizes = await mapLimit(blobs, this.d.maxConcurrentDownloads ?? 3, (b) => this.fetchBlob(client, repo, b, signal));
    await this.d.blobs.putBuffer(manifestBody);
    const bytesFetched = sizes.reduce((a, n) => a + n, 0);
    this.d.log.info('pulled image', { image: formatReference(ref), endpoint: client.baseURL, manifest: manifestDigest, bytes: bytesFetched, ms: Date.now() - started });
    return { topDigest: top.digest, manifestDigest, name: formatReference(ref), endpoint: client.baseURL, bytesFetched };
  }

  /** Fetches one blob unless stored; returns the bytes transferred. Shared by concurrent pulls. */
  private fetchBlob(client: RegistryClient, repo: string, d: Descriptor, signal?: AbortSignal): Promise<number> {
    const running = this.inflight.get(d.digest);
    if (running) return running;
    const p = this.download(client, repo, d, signal).finally(() => this.inflight.delete(d.digest));
    this.inflight.set(d.digest, p);
    return p;
  }

  private async download(client: RegistryClient, repo: string, d: Descriptor, signal?: AbortSignal): Promise<number> {
    const attempts = this.d.blobAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      let fetched = 0;
      try {
        const res = await this.d.blobs.ingest(d.digest, d.size, async (offset) => {
          const body = await client.blob(repo, d.digest, offset, signal);
          fetched = d.size - body.offset;
          return body;
        });
        if (res.resumedFrom > 0) this.d.log.info('resumed blob download', { blob: d.digest, from: res.resumedFrom, size: d.size });
        return res.existed ? 0 : fetched;
      } catch (err) {
        const retryable = !(err instanceof DigestError || err instanceof RegistryAuthError || (err instanceof RegistryError && err.status !== undefined && err.status < 500));
        if (!retryable || attempt >= attempts || signal?.aborted) throw err;
        this.d.log.warn('blob download failed, retrying', { blob: d.digest, attempt, err: err as Error, incomplete: err instanceof IncompleteBlobError });
      }
    }
  }
}
