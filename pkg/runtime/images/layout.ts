// Reading an OCI image layout (image-spec image-layout.md), as a tar archive or a
// directory, into the blob store. Every blob is verified against its file name as it is
// copied; what the index points at is checked afterwards by manifests.ts.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import type { BlobStore } from './blob-store';
import { entryBytes } from './tar-types';
import type { OciIndex } from './types';

export class InvalidLayoutError extends Error {
  override readonly name = 'InvalidLayoutError';
  readonly code = 'BERTH_ERR_INVALID_LAYOUT';
}

const blobPathRe = /^blobs\/sha256\/([a-f0-9]{64})$/;

const readAll = async (s: AsyncIterable<unknown>): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of entryBytes(s)) chunks.push(c);
  return Buffer.concat(chunks);
};

const parseLayout = (where: string, layout: Buffer | undefined, index: Buffer | undefined): OciIndex => {
  if (layout === undefined || index === undefined) {
    throw new InvalidLayoutError(`${where} is not an OCI image layout: missing ${layout === undefined ? 'oci-layout' : 'index.json'}` +
      ' (a `docker save` archive from Docker < 25 has no OCI layout; re-export with `skopeo copy docker-archive:… oci-archive:…`)');
  }
  const version = (JSON.parse(layout.toString('utf8')) as { imageLayoutVersion?: string }).imageLayoutVersion;
  if (version === undefined || !version.startsWith('1.')) throw new InvalidLayoutError(`${where}: unsupported imageLayoutVersion ${String(version)}`);
  const parsed = JSON.parse(index.toString('utf8')) as OciIndex;
  if (!Array.isArray(parsed.manifests)) throw new InvalidLayoutError(`${where}: index.json has no manifests`);
  return parsed;
};

/** Copies the blobs of a layout tar (gzip-compressed accepted: magic 1f 8b) into `blobs`; returns its index.json. */
export const ingestLayoutArchive = async (path: string, blobs: BlobStore, signal?: AbortSignal): Promise<OciIndex> => {
  const extract = tar.extract();
  const head = await readHead(path);
  const source = head[0] === 0x1f && head[1] === 0x8b ? createGunzip() : new PassThrough();
  const feeding = pipeline(createReadStream(path), source, extract, { signal });
  let layout: Buffer | undefined;
  let index: Buffer | undefined;
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(\.\/)+/, '');
      const blob = blobPathRe.exec(name);
      if (blob && entry.header.type === 'file') await blobs.put(`sha256:${blob[1]}`, entryBytes(entry));
      else if (name === 'oci-layout') layout = await readAll(entry);
      else if (name === 'index.json') index = await readAll(entry);
      else await readAll(entry);
    }
    await feeding;
  } catch (err) {
    extract.destroy();
    await Promise.allSettled([feeding]);
    throw err;
  }
  return parseLayout(path, layout, index);
};

const readHead = async (path: string): Promise<Buffer> => {
  const s = createReadStream(path, { start: 0, end: 1 });
  return readAll(s);
};

/** Copies the blobs of a layout directory into `blobs` and returns its index.json. */
export const ingestLayoutDir = async (dir: string, blobs: BlobStore): Promise<OciIndex> => {
  const read = async (name: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  };
  const index = parseLayout(dir, await read('oci-layout'), await read('index.json'));
  const blobDir = join(dir, 'blobs', 'sha256');
  for (const name of await readdir(blobDir)) {
    if (!/^[a-f0-9]{64}$/.test(name)) continue;
    if (!(await stat(join(blobDir, name))).isFile()) continue;
    await blobs.put(`sha256:${name}`, createReadStream(join(blobDir, name)));
  }
  return index;
};

/** Imports either form: a directory or a (possibly gzipped) tar. */
export const ingestLayout = async (path: string, blobs: BlobStore, signal?: AbortSignal): Promise<OciIndex> =>
  (await stat(path)).isDirectory() ? ingestLayoutDir(path, blobs) : ingestLayoutArchive(path, blobs, signal);
