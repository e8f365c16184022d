// Content digests (image-spec descriptor.md) and layer chain IDs (image-spec config.md
// "Layer ChainID"): ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const sha256Re = /^sha256:([a-f0-9]{64})$/;

export class DigestError extends Error {
  override readonly name = 'DigestError';
  readonly code = 'BERTH_ERR_DIGEST';
}

/** The hex part of a `sha256:` digest; throws DigestError for any other algorithm or form. */
export const digestHex = (digest: string): string => {
  const m = sha256Re.exec(digest);
  if (!m) throw new DigestError(`unsupported or malformed digest "${digest}" (want sha256:<64 hex>)`);
  return m[1];
};

export const sha256Digest = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export const chainIDs = (diffIDs: string[]): string[] => {
  const out: string[] = [];
  for (const d of diffIDs) {
    digestHex(d);
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : sha256Digest(`${prev} ${d}`));
  }
  return out;
};

/** A pass-through stream that hashes and counts what flows through it. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }
}
