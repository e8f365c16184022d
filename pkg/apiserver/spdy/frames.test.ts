import crypto from 'node:crypto';
import { headerDictionary } from './dictionary';
import { decodeHeaderBlock, encodeFrame, encodeHeaderBlock, FrameReader, SpdyProtocolError, type Frame } from './frames';

test('the SPDY/3 dictionary is the 1423 bytes of the spec', () => {
  expect(headerDictionary.length).toBe(1423);
  expect(crypto.createHash('sha256').update(headerDictionary).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
});

const frames: Array<[string, Frame]> = [
  ['data', { type: 'data', streamId: 5, flags: 0, data: Buffer.from('hello') }],
  ['data with FIN, empty', { type: 'data', streamId: 0x7fffffff, flags: 1, data: Buffer.alloc(0) }],
  ['SYN_STREAM', { type: 'synStream', streamId: 1, associatedId: 0, priority: 7, flags: 1, headerBlock: Buffer.from([1, 2, 3]) }],
  ['SYN_REPLY', { type: 'synReply', streamId: 3, flags: 0, headerBlock: Buffer.from([9]) }],
  ['HEADERS', { type: 'headers', streamId: 3, flags: 1, headerBlock: Buffer.alloc(0) }],
  ['RST_STREAM', { type: 'rstStream', streamId: 7, status: 5 }],
  ['SETTINGS', { type: 'settings', flags: 1, entries: [{ flags: 0, id: 7, value: 65536 }, { flags: 1, id: 4, value: 100 }] }],
  ['PING', { type: 'ping', id: 0xfffffffe }],
  ['GOAWAY', { type: 'goAway', lastGoodStreamId: 9, status: 0 }],
  ['WINDOW_UPDATE', { type: 'windowUpdate', streamId: 1, delta: 4096 }],
  ['unknown control frame', { type: 'unknown', frameType: 10, flags: 0, payload: Buffer.from('x') }],
];

test.each(frames)('%s round-trips', (_name, f) => {
  const bytes = encodeFrame(f);
  expect(new FrameReader().push(bytes)).toEqual([f]);
});

test('control frames carry version 3 and the C bit; data frames do not', () => {
  expect([...encodeFrame({ type: 'ping', id: 1 })]).toEqual([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]);
  expect([...encodeFrame({ type: 'data', streamId: 1, flags: 1, data: Buffer.from('a') })]).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0x61]);
});

test('the reader reassembles frames split at every byte and several in one chunk', () => {
  const all = Buffer.concat(frames.map(([, f]) => encodeFrame(f)));
  const r = new FrameReader();
  const got: Frame[] = [];
  for (let i = 0; i < all.length; i++) got.push(...r.push(all.subarray(i, i + 1)));
  expect(got).toEqual(frames.map(([, f]) => f));
  expect(new FrameReader().push(all)).toEqual(frames.map(([, f]) => f));
});

test.each([
  ['a wrong version', Buffer.from([0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]), /version 2/],
  ['a short PING', Buffer.from([0x80, 3, 0, 6, 0, 0, 0, 2, 0, 0]), /too short/],
  ['a short RST_STREAM', Buffer.from([0x80, 3, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1]), /too short/],
])('%s is a protocol error', (_name, bytes, msg) => {
  expect(() => new FrameReader().push(bytes)).toThrow(SpdyProtocolError);
  expect(() => new FrameReader().push(bytes)).toThrow(msg);
});

test.each([
  ['empty', {}],
  ['kubectl exec stream', { streamtype: 'stdout' }],
  ['port-forward pair', { streamtype: 'data', port: '80', requestid: '0' }],
  ['unicode and NUL-joined values', { 'x-name': 'välue\0other' }],
])('header block %s round-trips', (_name, h) => {
  expect(decodeHeaderBlock(encodeHeaderBlock(h))).toEqual(h);
});

test('header names are lower-cased both ways; a truncated block is an error', () => {
  expect(decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'error' }))).toEqual({ streamtype: 'error' });
  const block = encodeHeaderBlock({ streamtype: 'error' });
  expect(() => decodeHeaderBlock(block.subarray(0, block.length - 2))).toThrow(SpdyProtocolError);
  expect(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 0x61]))).toThrow(/inside a name/);
});
