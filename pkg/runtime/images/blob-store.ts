// Content-addressed blobs under `<images>/blobs/sha256/<hex>`. A blob is written to a
// temp file beside the store, its digest checked, then renamed into place, so a reader
// never sees a partial or wrong blob and a crash leaves only garbage in tmp/. Registry
// downloads go to tmp/ingest/<hex> instead, which survives restarts so a pull resumes there.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestError, DigestingStream, digestHex, sha256Digest } from './digest';

/** A response body that starts at `offset` of the blob (0 when the source ignored a Range). */
export interface RangeBody {
  stream: Readable;
  offset: number;
}

export class IncompleteBlobError extends Error {
  override readonly name = 'IncompleteBlobError';
  readonly code = 'BERTH_ERR_INCOMPLETE_BLOB';
}

export class BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  private readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
    this.ingestDir = join(this.tmpDir, 'ingest');
  }

  /** Creates the dirs and drops crash leftovers in tmp/, except partial downloads (tmp/ingest). */
  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
    for (const name of await readdir(this.tmpDir)) if (name !== 'ingest') await rm(join(this.tmpDir, name), { recursive: true, force: true });
  }

  /** Where a download of `digest` accumulates until it is verified. */
  ingestPath(digest: string): string {
    return join(this.ingestDir, digestHex(digest));
  }

  /**
   * Downloads `digest` (of `size` bytes) through `open(offset)`, resuming after the bytes a
   * previous attempt left in tmp/ingest when the source honours the offset. The partial file
   * is kept when the transfer fails (so the next attempt resumes) and dropped when its
   * content is wrong. Returns the offset the transfer resumed from.
   */
  async ingest(digest: string, size: number, open: (offset: number) => Promise<RangeBody>): Promise<{ resumedFrom: number; existed: boolean }> {
    if (await this.has(digest)) return { resumedFrom: 0, existed: true };
    const partial = this.ingestPath(digest);
    let offset = (await this.size(partial, true)) ?? 0;
    if (offset >= size) { await rm(partial, { force: true }); offset = 0; }
    const body = await open(offset);
    if (body.offset !== offset) {
      if (body.offset !== 0) body.stream.destroy();
      if (body.offset !== 0) throw new DigestError(`blob ${digest}: asked for bytes from ${offset}, got them from ${body.offset}`);
      offset = 0;
    }
    const hash = createHash('sha256');
    if (offset > 0) for await (const c of createReadStream(partial, { end: offset - 1 })) hash.update(c as Buffer);
    let bytes = offset;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > size) { cb(new DigestError(`blob ${digest} is longer than the ${size} bytes its descriptor says`)); return; }
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body.stream, tap, createWriteStream(partial, { flags: offset > 0 ? 'r+' : 'w', start: offset, mode: 0o644 }));
    } catch (err) {
      if (err instanceof DigestError) await rm(partial, { force: true });
      throw err;
    }
    // A body that ends early is a broken transfer, not bad content: keep it to resume from.
    if (bytes < size) throw new IncompleteBlobError(`blob ${digest}: the transfer ended after ${bytes} of ${size} bytes`);
    try {
      this.check(digest, `sha256:${hash.digest('hex')}`);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    await rename(partial, this.path(digest));
    return { resumedFrom: offset, existed: false };
  }

  path(digest: string): string {
    return join(this.blobsDir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  async size(digest: string, isPath = false): Promise<number | undefined> {
    try {
      return (await stat(isPath ? digest : this.path(digest))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Stores `content` under `digest`, refusing it when its bytes hash to something else.
   * An already-stored blob is not rewritten, but the incoming bytes are still hashed so a
   * corrupt archive is reported, not silently masked by an earlier good copy.
   */
  async put(digest: string, content: Readable | AsyncIterable<Uint8Array>): Promise<{ size: number; existed: boolean }> {
    digestHex(digest);
    const hasher = new DigestingStream();
    if (await this.has(digest)) {
      await pipeline(content, hasher, new Writable({ write: (_c, _e, cb) => cb() }));
      this.check(digest, hasher.digest());
      return { size: hasher.bytes, existed: true };
    }
    const tmp = join(this.tmpDir, `${digestHex(digest).slice(0, 12)}-${randomBytes(6).toString('hex')}`);
    try {
      await pipeline(content, hasher, createWriteStream(tmp, { mode: 0o644 }));
      this.check(digest, hasher.digest());
      await rename(tmp, this.path(digest));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { size: hasher.bytes, existed: false };
  }

  /** Stores a buffer under its own digest and returns that digest. */
  async putBuffer(data: Buffer): Promise<string> {
    const digest = sha256Digest(data);
    if (await this.has(digest)) return digest;
    const tmp = join(this.tmpDir, randomBytes(8).toString('hex'));
    await writeFile(tmp, data, { mode: 0o644 });
    await rename(tmp, this.path(digest));
    return digest;
  }

  async read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse((await this.read(digest)).toString('utf8')) as T;
  }

  open(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  async remove(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  private check(want: string, got: string): void {
    if (want !== got) throw new DigestError(`blob digest mismatch: expected ${want}, content hashes to ${got}`);
  }
}
