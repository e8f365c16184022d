// Builds OCI image layouts from in-memory file lists, byte-for-byte reproducibly (fixed
// mtimes, sorted entries, no user names, gzip without a timestamp), so the same input
// always yields the same digests. Used by hack/images to make the base images and by
// tests to make small images.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { digestHex, sha256Digest } from './digest';
import { type TarHeaderInput } from './tar-types';
import { MediaType, RefNameAnnotation } from './types';
import type { Descriptor, ImageConfig, OciImageConfig, OciIndex, OciManifest } from './types';

/** 2024-01-01T00:00:00Z: every timestamp in a built image. */
export const fixedTime = new Date(Date.UTC(2024, 0, 1));

export interface LayerEntry {
  /** Path inside the image, relative: `bin/sh`. Not checked: tests build hostile layers on purpose. */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  uid?: number;
  gid?: number;
  content?: Buffer | string;
  /** Symlink target, or for `link` the path of the file it hardlinks. */
  linkname?: string;
}

export interface ImageSpec {
  /** Full reference for the index entry's `org.opencontainers.image.ref.name`. */
  name?: string;
  config: ImageConfig;
  /** Bottom-most layer first. */
  layers: LayerEntry[][];
  /** Keep the given entry order (tests of replacement order); default sorts by path. */
  keepOrder?: boolean;
  history?: string[];
}

export interface OciLayout {
  index: OciIndex;
  /** Every blob by digest. Tests may corrupt one to check verification. */
  blobs: Map<string, Buffer>;
}

const collect = async (pack: tar.Pack): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

const byComponents = (a: LayerEntry, b: LayerEntry): number => {
  const pa = a.path.split('/');
  const pb = b.path.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
};

const defaultMode = (t: LayerEntry['type']): number => (t === 'directory' ? 0o755 : t === 'symlink' ? 0o777 : 0o644);

/** An uncompressed layer tar. */
export const buildLayerTar = async (entries: LayerEntry[], keepOrder = false): Promise<Buffer> => {
  const pack = tar.pack();
  const out = collect(pack);
  const list = keepOrder ? entries : [...entries].sort(byComponents);
  for (const e of list) {
    const header: TarHeaderInput = {
      name: e.type === 'directory' && !e.path.endsWith('/') ? `${e.path}/` : e.path,
      type: e.type,
      mode: e.mode ?? defaultMode(e.type),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      uname: '',
      gname: '',
      mtime: fixedTime,
      linkname: e.linkname,
    };
    const body = e.type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body !== undefined) pack.entry(header, body, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return out;
};

const descriptor = (mediaType: string, data: Buffer): Descriptor => ({ mediaType, digest: sha256Digest(data), size: data.length });

/** One linux/amd64 image as an OCI layout: gzip layers, config, manifest, index. */
export const buildImageLayout = async (spec: ImageSpec): Promise<OciLayout> => {
  const blobs = new Map<string, Buffer>();
  const add = (d: Descriptor, data: Buffer): Descriptor => { blobs.set(d.digest, data); return d; };
  const layers: Descriptor[] = [];
  const diffIDs: string[] = [];
  for (const entries of spec.layers) {
    const raw = await buildLayerTar(entries, spec.keepOrder);
    diffIDs.push(sha256Digest(raw));
    const gz = gzipSync(raw, { level: 9 });
    layers.push(add(descriptor(MediaType.ociLayerGzip, gz), gz));
  }
  const created = fixedTime.toISOString();
  const config: OciImageConfig = {
    created, architecture: 'amd64', os: 'linux', config: spec.config,
    rootfs: { type: 'layers', diff_ids: diffIDs },
    history: (spec.history ?? spec.layers.map((_, i) => `layer ${i}`)).map((created_by) => ({ created, created_by })),
  };
  const configBuf = Buffer.from(JSON.stringify(config));
  const manifest: OciManifest = {
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: add(descriptor(MediaType.ociConfig, configBuf), configBuf), layers,
  };
  const manifestBuf = Buffer.from(JSON.stringify(manifest));
  const top = add(descriptor(MediaType.ociManifest, manifestBuf), manifestBuf);
  const entry: Descriptor = spec.name ? { ...top, annotations: { [RefNameAnnotation]: spec.name } } : top;
  return { index: { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry] }, blobs };
};

const layoutFile = Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' }));

/** Writes the layout as a tar archive (`oci-archive:`), blobs in digest order. */
export const writeLayoutArchive = async (path: string, layout: OciLayout): Promise<void> => {
  const pack = tar.pack();
  const writing = pipeline(pack, createWriteStream(path));
  const add = (name: string, type: 'file' | 'directory', data?: Buffer) => new Promise<void>((resolve, reject) => {
    const header: TarHeaderInput = { name, type, mode: type === 'directory' ? 0o755 : 0o644, mtime: fixedTime, uid: 0, gid: 0, uname: '', gname: '' };
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (data !== undefined) pack.entry(header, data, cb);
    else pack.entry(header, cb);
  });
  await add('oci-layout', 'file', layoutFile);
  await add('index.json', 'file', Buffer.from(JSON.stringify(layout.index)));
  await add('blobs/', 'directory');
  await add('blobs/sha256/', 'directory');
  for (const d of [...layout.blobs.keys()].sort()) await add(`blobs/sha256/${digestHex(d)}`, 'file', layout.blobs.get(d));
  pack.finalize();
  await writing;
};

/** Writes the layout as a directory (`oci:` in skopeo's terms). */
export const writeLayoutDir = async (dir: string, layout: OciLayout): Promise<void> => {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), layoutFile);
  await writeFile(join(dir, 'index.json'), JSON.stringify(layout.index));
  for (const [d, data] of layout.blobs) await writeFile(join(dir, 'blobs', 'sha256', digestHex(d)), data);
};
