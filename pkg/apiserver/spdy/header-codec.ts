// SPDY/3 header compression (§2.6.10.1): every header block of one direction of a connection
// goes through one zlib stream primed with the SPDY dictionary, each block ending in a sync
// flush so that the peer can decode it alone. Node's zlib is asynchronous, so each direction
// serializes its blocks through a promise chain: block order is the stream's order.
import zlib from 'node:zlib';
import { headerDictionary } from './dictionary';
import { decodeHeaderBlock, encodeHeaderBlock, SpdyProtocolError, type Headers } from './frames';

/** Writes `input`, sync-flushes and returns everything the stream produced for it. */
const pass = (z: zlib.Deflate | zlib.Inflate, input: Buffer): Promise<Buffer> => new Promise((resolve, reject) => {
  const onError = (err: Error) => reject(new SpdyProtocolError(`header compression: ${err.message}`));
  z.once('error', onError);
  z.write(input);
  z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
    z.removeListener('error', onError);
    const out: Buffer[] = [];
    for (let c = z.read() as Buffer | null; c !== null; c = z.read() as Buffer | null) out.push(c);
    resolve(Buffer.concat(out));
  });
});

class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.catch(() => undefined); // a failed block fails its caller; the chain goes on
    return p;
  }
}

export class HeaderCompressor {
  private readonly z = zlib.createDeflate({ dictionary: headerDictionary, level: zlib.constants.Z_BEST_COMPRESSION });
  private readonly serial = new Serial();

  compress(h: Headers): Promise<Buffer> {
    return this.serial.run(() => pass(this.z, encodeHeaderBlock(h)));
  }

  close(): void { this.z.close(); }
}

export class HeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: headerDictionary });
  private readonly serial = new Serial();

  decompress(block: Buffer): Promise<Headers> {
    if (block.length === 0) return Promise.resolve({});
    return this.serial.run(async () => decodeHeaderBlock(await pass(this.z, block)));
  }

  close(): void { this.z.close(); }
}
