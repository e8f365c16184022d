import zlib from 'node:zlib';
import { headerDictionary } from './dictionary';
import { encodeHeaderBlock, type Headers } from './frames';
import { HeaderCompressor, HeaderDecompressor } from './header-codec';

const blocks: Headers[] = [
  { streamtype: 'error' },
  { streamtype: 'stdin' },
  { streamtype: 'stdout' },
  { streamtype: 'data', port: '8080', requestid: '12' },
  {},
];

test('blocks compressed on one stream decompress in order on the peer stream', async () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  const compressed = await Promise.all(blocks.map((b) => c.compress(b)));
  expect(await Promise.all(compressed.map((b) => d.decompress(b)))).toEqual(blocks);
  // Later blocks reuse the earlier ones (and the dictionary): a repeat is smaller than the first.
  expect(compressed[2].length).toBeLessThan(compressed[0].length);
  c.close();
  d.close();
});

test('the stream is zlib with the SPDY dictionary id and sync flushes, as Go compress/zlib reads it', async () => {
  const c = new HeaderCompressor();
  const parts = [await c.compress(blocks[0]), await c.compress(blocks[3])];
  c.close();
  // FDICT set in the zlib header, followed by the dictionary's Adler-32.
  expect(parts[0][1] & 0x20).toBe(0x20);
  // Every block ends with the empty stored block of a sync flush.
  for (const p of parts) expect([...p.subarray(p.length - 4)]).toEqual([0, 0, 0xff, 0xff]);
  const plain = zlib.inflateSync(Buffer.concat(parts), { dictionary: headerDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  expect(plain).toEqual(Buffer.concat([encodeHeaderBlock(blocks[0]), encodeHeaderBlock(blocks[3])]));
});

test('a block compressed without the dictionary is rejected', async () => {
  const d = new HeaderDecompressor();
  const wrong = zlib.deflateSync(encodeHeaderBlock({ a: 'b' }), { dictionary: Buffer.from('other'), flush: zlib.constants.Z_SYNC_FLUSH });
  await expect(d.decompress(wrong)).rejects.toThrow(/header compression/);
  d.close();
});
