// The etcd KV calls on the apiserver's hot path (Range, Txn) as gRPC unary calls made directly on
// node's HTTP/2 client with the codec in etcd-proto.ts: no etcd3 builders or cockatiel policies,
// no protobufjs objects, no grpc-js call stack (together ~17 % of a pod create's CPU before).
// A unary gRPC call is one POST stream: a 5-byte-framed request, a framed response, and the
// status in trailers. Errors become etcd3's typed errors (castGrpcError) with grpc-js's message
// format, and transient ones are retried as etcd3's default policy does (3 more attempts), so
// callers see the same failures as through etcd3.
import http2 from 'node:http2';
import { status as grpcStatus } from '@grpc/grpc-js';
import { castGrpcError, isRecoverableError } from 'etcd3';
import {
  decodeRange, decodeTxn, decodeWatchResponse, encodeRange, encodeTxn, encodeWatchCreate,
  type RangeArgs, type RangeResult, type TxnArgs, type TxnResult, type WatchCreateArgs, type WatchResult,
} from './etcd-proto';

/** A server-streaming call's callbacks: each message, then one end (an error unless status OK). */
export interface StreamHandlers {
  message(msg: Buffer): void;
  end(err?: Error): void;
}

export interface EtcdKv {
  range(r: RangeArgs): Promise<RangeResult>;
  txn(t: TxnArgs): Promise<TxnResult>;
  /** Opens a Watch stream with `create` as its one request; close() cancels it. */
  watch(create: WatchCreateArgs, h: { message(res: WatchResult): void; end(err?: Error): void }): { close(): void };
  close(): void;
}

const retries = 3;
/** Large LIST responses stream without waiting for a window update every 64 KiB. */
const windowSize = 16 * 1024 * 1024;

/** grpc-js's error shape (`<code> <NAME>: <details>`, `code`) so castGrpcError maps it the same. */
const grpcError = (code: number, details: string): Error =>
  Object.assign(new Error(`${code} ${grpcStatus[code] ?? 'UNKNOWN'}: ${details}`), { code, details });

/** The gRPC length-prefixed message: compressed flag 0, big-endian length. */
const frame = (msg: Buffer): Buffer => {
  const out = Buffer.allocUnsafe(5 + msg.length);
  out[0] = 0;
  out.writeUInt32BE(msg.length, 1);
  msg.copy(out, 5);
  return out;
};

const unframe = (chunks: Buffer[]): Buffer => {
  const body = chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks);
  if (body.length < 5 || body[0] !== 0) throw grpcError(grpcStatus.INTERNAL, 'malformed gRPC response frame');
  const len = body.readUInt32BE(1);
  if (body.length < 5 + len) throw grpcError(grpcStatus.INTERNAL, 'truncated gRPC response');
  return body.subarray(5, 5 + len);
};

/** One HTTP/2 connection to one endpoint, reopened after it closes (GOAWAY, a restart). */
class Connection {
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly authority: string) {}

  private open(): http2.ClientHttp2Session {
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return s;
    const next = http2.connect(this.authority, { settings: { initialWindowSize: windowSize } });
    next.on('connect', () => next.setLocalWindowSize(windowSize));
    // Failures reach the calls through their streams; the session is just reopened next time.
    next.on('error', () => next.destroy());
    next.on('close', () => { if (this.session === next) this.session = undefined; });
    // In-flight calls hold their own timers; an idle connection must not keep a process alive.
    next.unref();
    this.session = next;
    return next;
  }

  /** A POST stream carrying gRPC headers; undefined (and the session dropped) if it cannot open. */
  private request(path: string, timeoutMs?: number): http2.ClientHttp2Stream | Error {
    try {
      return this.open().request({
        ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers',
        ...(timeoutMs ? { 'grpc-timeout': `${timeoutMs}m` } : {}),
      });
    } catch (err) {
      this.session?.destroy();
      return grpcError(grpcStatus.UNAVAILABLE, (err as Error).message);
    }
  }

  /** A server-streaming call: framed messages as they arrive, the status at the end. */
  stream(path: string, msg: Buffer, h: StreamHandlers): { close(): void } {
    const stream = this.request(path);
    if (stream instanceof Error) {
      queueMicrotask(() => h.end(stream));
      return { close: () => undefined };
    }
    let pending: Buffer = Buffer.alloc(0);
    let code: number | undefined;
    let details = '';
    let cancelled = false;
    const takeStatus = (hd: http2.IncomingHttpHeaders) => {
      if (hd['grpc-status'] === undefined) return;
      code = Number(hd['grpc-status']);
      details = decodeURIComponent(String(hd['grpc-message'] ?? ''));
    };
    stream.on('response', takeStatus);
    stream.on('trailers', takeStatus);
    stream.on('data', (c: Buffer) => {
      pending = pending.length === 0 ? c : Buffer.concat([pending, c]);
      while (pending.length >= 5) {
        const len = pending.readUInt32BE(1);
        if (pending.length < 5 + len) break;
        const one = pending.subarray(5, 5 + len);
        pending = pending.subarray(5 + len);
        if (!cancelled) h.message(one);
      }
    });
    stream.on('error', (err) => { details ||= err.message; });
    // The server ended its side (status in the trailers): end ours too, or the stream never closes.
    stream.on('end', () => { if (!stream.closed) stream.close(); });
    stream.on('close', () => {
      if (cancelled) return;
      if (code === grpcStatus.OK) h.end();
      else h.end(castGrpcError(grpcError(code ?? grpcStatus.UNAVAILABLE, details || 'connection closed')));
    });
    stream.write(frame(msg));
    return {
      close: () => {
        if (cancelled) return;
        cancelled = true;
        stream.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
  }

  call(path: string, msg: Buffer, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const stream = this.request(path, timeoutMs);
      if (stream instanceof Error) {
        reject(stream);
        return;
      }
      const chunks: Buffer[] = [];
      let code: number | undefined;
      let details = '';
      const takeStatus = (h: http2.IncomingHttpHeaders) => {
        if (h['grpc-status'] === undefined) return;
        code = Number(h['grpc-status']);
        details = decodeURIComponent(String(h['grpc-message'] ?? ''));
      };
      const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
      stream.on('response', (h) => {
        takeStatus(h);
        if (code === undefined && h[':status'] !== 200) {
          code = grpcStatus.UNAVAILABLE;
          details = `HTTP status ${String(h[':status'])}`;
        }
      });
      stream.on('trailers', takeStatus);
      stream.on('data', (c: Buffer) => chunks.push(c));
      // Stream errors (a reset, the connection lost) end in 'close' too: the status decides.
      stream.on('error', (err) => { details ||= err.message; });
      stream.on('close', () => {
        clearTimeout(timer);
        if (code === undefined) {
          const deadline = stream.rstCode === http2.constants.NGHTTP2_CANCEL;
          reject(grpcError(deadline ? grpcStatus.DEADLINE_EXCEEDED : grpcStatus.UNAVAILABLE, deadline ? 'Deadline exceeded' : details || 'connection closed'));
        } else if (code !== grpcStatus.OK) {
          reject(grpcError(code, details));
        } else {
          try {
            resolve(unframe(chunks));
          } catch (err) {
            reject(err as Error);
          }
        }
      });
      stream.end(frame(msg));
    });
  }

  close(): void { this.session?.close(); }
}

export const createEtcdKv = (endpoints: string[], callTimeoutMs: number): EtcdKv => {
  if (endpoints.length === 0) throw new Error('no etcd endpoints');
  const conns = endpoints.map((e) => new Connection(/^https?:\/\//.test(e) ? e : `http://${e}`));
  let next = 0;

  const call = async <T>(path: string, req: Buffer, decode: (b: Buffer) => T): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const conn = conns[next++ % conns.length] as Connection;
      try {
        return decode(await conn.call(path, req, callTimeoutMs));
      } catch (err) {
        const typed = castGrpcError(err as Error);
        if (attempt >= retries || !isRecoverableError(typed)) throw typed;
      }
    }
  };

  return {
    range: (r) => call('/etcdserverpb.KV/Range', encodeRange(r), decodeRange),
    txn: (t) => call('/etcdserverpb.KV/Txn', encodeTxn(t), decodeTxn),
    watch: (create, h) => {
      let failed = false;
      const handle = (conns[next++ % conns.length] as Connection).stream('/etcdserverpb.Watch/Watch', encodeWatchCreate(create), {
        message: (msg) => {
          if (failed) return;
          let res: WatchResult;
          try {
            res = decodeWatchResponse(msg);
          } catch (err) {
            // A response we cannot read ends the watch (the caller restarts it), never a wrong event.
            failed = true;
            handle.close();
            h.end(err as Error);
            return;
          }
          h.message(res);
        },
        end: (err) => { if (!failed) h.end(err); },
      });
      return handle;
    },
    close: () => { for (const c of conns) c.close(); },
  };
};
