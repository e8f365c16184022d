// Content-addressed blobs under `<images>/blobs/sha256/<hex>`. A blob is written to a
// temp file beside the store, its digest checked, then renamed into place, so a reader
// never sees a partial or wrong blob and a crash leaves only garbage in tmp/.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestError, DigestingStream, digestHex, sha256Digest } from './digest';

export class BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  path(digest: string): string {
    return join(this.blobsDir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
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
