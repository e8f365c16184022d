// The gRPC-over-HTTP/2 transport against loopback HTTP/2 servers playing etcd: a framed answer,
// a status error (typed as etcd3 types it), a deadline, and retries of an unreachable server.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { GRPCOutOfRangeError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { createEtcdKv } from './etcd-kv';
import { decodeRange, type WatchResult } from './etcd-proto';

type Answer = (stream: http2.ServerHttp2Stream, request: Buffer) => void;

const serve = async (answer: Answer) => {
  const requests: Buffer[] = [];
  const server = http2.createServer();
  let onStream: (s: http2.ServerHttp2Stream) => void = () => undefined;
  server.on('stream', (stream) => {
    onStream(stream);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push(body);
      answer(stream, body.subarray(5));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { endpoint, requests, stop, onStream: (f: (s: http2.ServerHttp2Stream) => void) => { onStream = f; } };
};

// RangeResponse{header{revision: 9}, count: 1}
const rangeAnswer = Buffer.from([0x0a, 0x02, 0x18, 0x09, 0x20, 0x01]);

describe('etcd KV transport', () => {
  test('a unary call is one framed POST; the framed answer is decoded', async () => {
    const srv = await serve((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, rangeAnswer.length]), rangeAnswer]);
      stream.end(framed);
    });
    const kv = createEtcdKv([srv.endpoint], 5000);
    try {
      expect(await kv.range({ key: '/registry/', countOnly: true })).toEqual({ revision: '9', kvs: [], more: false, count: '1' });
      const req = srv.requests[0] as Buffer;
      expect(req[0]).toBe(0);
      expect(req.readUInt32BE(1)).toBe(req.length - 5);
    } finally {
      kv.close();
      await srv.stop();
    }
    expect(decodeRange(rangeAnswer).revision).toBe('9');
  });

  test("a status in the headers is etcd3's typed error, with grpc-js's message", async () => {
    const srv = await serve((stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '11', 'grpc-message': 'etcdserver: mvcc: required revision is a future revision' }, { endStream: true });
    });
    const kv = createEtcdKv([srv.endpoint], 5000);
    try {
      const err = await kv.range({ key: 'k', revision: 99 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GRPCOutOfRangeError);
      expect((err as Error).message).toContain('required revision is a future revision');
      expect(srv.requests).toHaveLength(1); // not a transient error: no retry
    } finally {
      kv.close();
      await srv.stop();
    }
  });

  test('an unanswered call ends at its deadline', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    const srv = await serve((stream) => { held.push(stream); });
    const kv = createEtcdKv([srv.endpoint], 200);
    try {
      await expect(kv.range({ key: 'k' })).rejects.toBeInstanceOf(GRPCDeadlineExceededError);
    } finally {
      for (const s of held) s.close();
      kv.close();
      await srv.stop();
    }
  });

  test('an unreachable endpoint is retried, then UNAVAILABLE', async () => {
    const srv = await serve(() => undefined);
    await srv.stop();
    const kv = createEtcdKv([srv.endpoint], 2000);
    try {
      await expect(kv.txn({ compare: [], success: [{ rangeKey: 'k' }] })).rejects.toBeInstanceOf(GRPCUnavailableError);
    } finally {
      kv.close();
    }
  });
});

describe('etcd Watch stream transport', () => {
  const framed = (msg: number[]) => Buffer.from([0, 0, 0, 0, msg.length, ...msg]);
  const created = framed([0x18, 0x01]); // WatchResponse{created: true}
  const compacted = framed([0x28, 0x05]); // WatchResponse{compact_revision: 5}
  const watchArgs = { key: '/registry/pods/', rangeEnd: Buffer.from('/registry/pods0'), startRevision: 3, prevKv: true };

  test('messages split or joined across DATA frames arrive whole, in order; an OK status ends cleanly', async () => {
    const srv = await serve(() => undefined);
    const streams: http2.ServerHttp2Stream[] = [];
    const kv = createEtcdKv([srv.endpoint], 5000);
    try {
      const got: WatchResult[] = [];
      const ended = new Promise<Error | undefined>((resolve) => {
        kv.watch(watchArgs, { message: (m) => got.push(m), end: resolve });
      });
      // The watch request is not ended by the client (a bidi stream): answer on its first bytes.
      await new Promise<void>((resolve) => {
        const check = setInterval(() => { if (streams.length > 0) { clearInterval(check); resolve(); } }, 10);
        srv.onStream((st) => streams.push(st));
      });
      const st = streams[0] as http2.ServerHttp2Stream;
      st.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
      st.write(Buffer.concat([created, compacted.subarray(0, 3)]));
      st.write(compacted.subarray(3));
      st.end();
      expect(await ended).toBeUndefined();
      expect(got.map((m) => [m.created, m.compactRevision])).toEqual([[true, '0'], [false, '5']]);
    } finally {
      kv.close();
      await srv.stop();
    }
  });
});
