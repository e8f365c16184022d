// The node's image store: OCI blobs under `<root>/images/blobs/sha256/`, names in
// `<root>/images/refs.json`, layers unpacked under `<root>/snapshots/` (snapshots.ts).
//
// Offline busybox (DESIGN §4 "images"): a `docker.io/library/busybox:<tag>` that is not
// stored resolves to `docker.io/library/busybox:latest` (the image hack/images builds
// from Debian's busybox-static), and the requested tag is then recorded as a name of that
// image, as a pull would, so CRI ImageStatus reports it in repoTags.
//
// pull() asks registries (pull.ts) only for what is not stored, the alias included: offline
// resolution first. A pulled image is recorded through the same path as an import.
import { mkdir, rename, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log';
import { BlobStore } from './blob-store';
import { chainIDs } from './digest';
import { fsUsage } from './fs-usage';
import { ingestLayout } from './layout';
import { resolveIndex, type ResolvedImage } from './manifests';
import type { ApplyOverlayMarks } from './overlay-marks';
import { Puller, type RegistryOptions } from './pull';
import type { RegistryCredentials } from './registry-auth';
import type { FetchFn } from './registry-auth';
import type { Clock, GCImage } from './image-gc';
import { isDigest, isImageID, parseReference, formatReference, repositoryName, InvalidReferenceError } from './reference';
import { Snapshotter } from './snapshots';
import type { FsInfo, ImageRecord, OciImageConfig, OciManifest } from './types';

export const BusyboxRepository = 'docker.io/library/busybox';
export const BusyboxAliasTarget = `${BusyboxRepository}:latest`;

export interface ImageStoreOptions {
  /** The runtime's state dir, e.g. `$BERTH_HOME/runtime`. */
  root: string;
  log: Logger;
  /** Replaces the mknod/setfattr spawns (e.g. by the native helper). */
  applyMarks?: ApplyOverlayMarks;
  /** Mirrors, insecure registries, origin policy, download concurrency. */
  registry?: RegistryOptions;
  /** Replaces global fetch (tests). */
  fetchFn?: FetchFn;
  clock?: Clock;
}

interface StoredImage {
  /** The digest the layout or registry named: an index or this manifest. */
  topDigest: string;
  /** The image ID. */
  configDigest: string;
}

interface State {
  /** Normalized reference → manifest digest. */
  refs: Record<string, string>;
  /** Manifest digest → what we keep about it. */
  images: Record<string, StoredImage>;
}

export class ImageStore {
  private readonly imagesDir: string;
  private readonly blobs: BlobStore;
  private readonly snapshots: Snapshotter;
  private readonly log: Logger;
  private readonly puller: Puller;
  private readonly clock: Clock;
  /** Image ID → when a container was last created from it (in memory: the GC re-learns on start). */
  private readonly usedAt = new Map<string, number>();
  private state: State = { refs: {}, images: {} };
  private ready: Promise<void> | undefined;
  /** Serializes state writes; reads see the in-memory state. */
  private writes: Promise<void> = Promise.resolve();

  constructor(opts: ImageStoreOptions) {
    this.imagesDir = join(opts.root, 'images');
    this.log = opts.log;
    this.blobs = new BlobStore(this.imagesDir);
    this.snapshots = new Snapshotter({ root: join(opts.root, 'snapshots'), blobs: this.blobs, log: opts.log, applyMarks: opts.applyMarks });
    this.clock = opts.clock ?? Date.now;
    this.puller = new Puller({ ...opts.registry, blobs: this.blobs, log: opts.log, fetchFn: opts.fetchFn, clock: this.clock });
  }

  /**
   * CRI PullImage: a stored name (or the busybox alias) is answered offline; anything else is
   * fetched from the registry endpoints (pull.ts) and recorded under the requested name.
   */
  async pull(ref: string, credentials?: RegistryCredentials, signal?: AbortSignal): Promise<ImageRecord> {
    const local = await this.resolve(ref);
    if (local) return local;
    const parsed = parseReference(ref);
    const pulled = await this.puller.pull(parsed, credentials, signal);
    const size = (await this.blobs.size(pulled.topDigest)) ?? 0;
    const [img] = await resolveIndex(this.blobs, { schemaVersion: 2, manifests: [{ mediaType: '', digest: pulled.topDigest, size }] });
    const name = parsed.tag !== undefined ? formatReference({ ...parsed, digest: undefined }) : formatReference(parsed);
    await this.mutate((s) => this.recordImage(s, { ...img, names: [name] }, pulled.endpoint));
    return this.record(img.manifestDigest);
  }

  /**
   * Every image the GC may remove, with its size and last use. The busybox alias target is
   * pinned: it was imported, no registry can bring it back.
   */
  async gcCandidates(): Promise<GCImage[]> {
    return (await this.list()).filter((i) => !i.repoTags.includes(BusyboxAliasTarget))
      .map((i) => ({ id: i.id, size: i.size, lastUsed: this.usedAt.get(i.id) }));
  }

  /**
   * Deletes snapshots that no stored image and none of the images containers use need. An
   * in-use image already removed keeps its layers through its config's diff_ids while that
   * blob exists, and through the mount check in Snapshotter.prune when not.
   */
  async pruneSnapshots(inUseImageIDs: Set<string>): Promise<number> {
    await this.init();
    const layerLists = (await this.list()).map((i) => i.layers.map((l) => l.diffID));
    for (const id of inUseImageIDs) {
      if (!isDigest(id) || !(await this.blobs.has(id))) continue;
      layerLists.push((await this.blobs.readJson<OciImageConfig>(id)).rootfs?.diff_ids ?? []);
    }
    return this.snapshots.prune(new Set(layerLists.flatMap((d) => chainIDs(d))));
  }

  /** Imports an OCI layout (tar, tar.gz or directory); every blob is verified. */
  async importArchive(path: string): Promise<ImageRecord[]> {
    await this.init();
    const index = await ingestLayout(path, this.blobs);
    const images = await resolveIndex(this.blobs, index);
    await this.mutate((s) => {
      for (const img of images) this.recordImage(s, img, path);
    });
    const records = await Promise.all(images.map((i) => this.record(i.manifestDigest)));
    for (const r of records) this.log.info('imported image', { id: r.id, tags: r.repoTags.join(','), from: path });
    return records;
  }

  async resolve(ref: string): Promise<ImageRecord | undefined> {
    await this.init();
    const digest = this.lookup(ref);
    if (digest !== undefined) return this.record(digest);
    const alias = this.busyboxAlias(ref);
    if (alias === undefined) return undefined;
    const target = this.state.refs[BusyboxAliasTarget];
    if (target === undefined) return undefined;
    await this.mutate((s) => { s.refs[alias] = target; });
    this.log.info('resolved busybox alias', { ref: alias, to: BusyboxAliasTarget });
    return this.record(target);
  }

  async list(): Promise<ImageRecord[]> {
    await this.init();
    return Promise.all(Object.keys(this.state.images).sort().map((d) => this.record(d)));
  }

  /**
   * Removes a name, or with an image ID or digest every name of that image. An image left
   * without names is forgotten and its blobs no other image uses are deleted. Snapshots
   * stay: a running container may still have them as lowerdirs. Removing what is not
   * there succeeds (CRI RemoveImage is idempotent).
   */
  async remove(ref: string): Promise<void> {
    await this.init();
    const digest = this.lookup(ref);
    if (digest === undefined) return;
    const byName = !isImageID(ref) && parseReference(ref).digest === undefined;
    const target = byName ? formatReference(parseReference(ref)) : undefined;
    let orphan = false;
    const top = this.state.images[digest]?.topDigest ?? digest;
    await this.mutate((s) => {
      for (const [name, d] of Object.entries(s.refs)) if (d === digest && (target === undefined || name === target)) delete s.refs[name];
      orphan = !Object.values(s.refs).includes(digest);
      if (orphan) delete s.images[digest];
    });
    this.log.info('removed image reference', { ref, image: digest, forgotten: orphan });
    if (orphan) await this.collectBlobs(digest, top);
  }

  async prepareSnapshots(image: ImageRecord, signal?: AbortSignal): Promise<string[]> {
    await this.init();
    this.usedAt.set(image.id, this.clock());
    return this.snapshots.prepare(image.layers, signal);
  }

  async fsInfo(): Promise<FsInfo> {
    await this.init();
    return fsUsage([this.imagesDir, this.snapshots.root]);
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await this.blobs.init();
      await mkdir(this.snapshots.root, { recursive: true });
      this.state = await this.loadState();
    })();
    return this.ready;
  }

  private async loadState(): Promise<State> {
    try {
      const s = JSON.parse(await readFile(join(this.imagesDir, 'refs.json'), 'utf8')) as Partial<State>;
      return { refs: s.refs ?? {}, images: s.images ?? {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { refs: {}, images: {} };
      throw err;
    }
  }

  /** Applies fn to the state and persists it (temp file + rename), one writer at a time. */
  private mutate(fn: (s: State) => void): Promise<void> {
    const next = this.writes.then(async () => {
      fn(this.state);
      const tmp = join(this.imagesDir, 'refs.json.tmp');
      await writeFile(tmp, JSON.stringify(this.state, null, 2) + '\n');
      await rename(tmp, join(this.imagesDir, 'refs.json'));
    });
    this.writes = next.catch((err: unknown) => this.log.error('writing refs.json failed', { err: err as Error }));
    return next;
  }

  private recordImage(s: State, img: ResolvedImage, source: string): void {
    s.images[img.manifestDigest] = { topDigest: img.topDigest, configDigest: img.manifest.config.digest };
    for (const n of img.names) {
      try {
        s.refs[formatReference(parseReference(n))] = img.manifestDigest;
      } catch (err) {
        if (!(err instanceof InvalidReferenceError)) throw err;
        this.log.warn('ignoring invalid image name in layout', { name: n, source, err });
      }
    }
  }

  /** Manifest digest for a name, digest reference, image ID or manifest digest. */
  private lookup(ref: string): string | undefined {
    if (isImageID(ref)) return this.findByDigest(ref.startsWith('sha256:') ? ref : `sha256:${ref}`, true);
    const parsed = parseReference(ref);
    if (parsed.digest !== undefined) return this.findByDigest(parsed.digest, false);
    return this.state.refs[formatReference(parsed)];
  }

  private findByDigest(digest: string, orConfig: boolean): string | undefined {
    for (const [m, img] of Object.entries(this.state.images)) {
      if (m === digest || img.topDigest === digest || (orConfig && img.configDigest === digest)) return m;
    }
    return undefined;
  }

  /** A missing `docker.io/library/busybox:<tag>` name, normalized; else undefined. */
  private busyboxAlias(ref: string): string | undefined {
    if (isImageID(ref) || isDigest(ref)) return undefined;
    const p = parseReference(ref);
    if (p.digest !== undefined || repositoryName(p) !== BusyboxRepository) return undefined;
    return formatReference(p);
  }

  private async record(manifestDigest: string): Promise<ImageRecord> {
    const manifest = await this.blobs.readJson<OciManifest>(manifestDigest);
    const config = await this.blobs.readJson<OciImageConfig>(manifest.config.digest);
    const names = Object.entries(this.state.refs).filter(([, d]) => d === manifestDigest).map(([n]) => n).sort();
    const top = this.state.images[manifestDigest]?.topDigest ?? manifestDigest;
    const repos = [...new Set(names.map((n) => repositoryName(parseReference(n))))];
    return {
      id: manifest.config.digest,
      repoTags: names.filter((n) => parseReference(n).digest === undefined),
      repoDigests: repos.map((r) => `${r}@${top}`),
      size: manifest.config.size + manifest.layers.reduce((a, l) => a + l.size, 0),
      config: config.config ?? {},
      manifestDigest,
      layers: manifest.layers.map((l, i) => ({ digest: l.digest, diffID: config.rootfs.diff_ids[i], size: l.size, mediaType: l.mediaType })),
    };
  }

  /** Deletes the blobs of a forgotten image that no remaining image references. */
  private async collectBlobs(manifestDigest: string, topDigest: string): Promise<void> {
    const blobsOf = async (m: string, top: string): Promise<string[]> => {
      const man = await this.blobs.readJson<OciManifest>(m);
      return [m, top, man.config.digest, ...man.layers.map((l) => l.digest)];
    };
    const keep = new Set<string>();
    for (const [m, img] of Object.entries(this.state.images)) for (const d of await blobsOf(m, img.topDigest)) keep.add(d);
    for (const d of await blobsOf(manifestDigest, topDigest)) if (!keep.has(d)) await this.blobs.remove(d);
  }
}
