// One SPDY/3.1 connection over any byte transport (an upgraded socket, or a WebSocket tunnel):
// streams opened by the peer (SYN_STREAM → 'stream'), replies, data with FIN half-closes, resets,
// PING echo and GOAWAY. Like moby/spdystream (what kubectl speaks) there is no flow control:
// WINDOW_UPDATE and SETTINGS are read and ignored, and none are sent.
import { EventEmitter } from 'node:events';
import type { Logger } from '../../log';
import { HeaderCompressor, HeaderDecompressor } from './header-codec';
import { encodeFrame, flagFin, FrameReader, rstStatus, SpdyProtocolError, type Frame, type Headers } from './frames';

export interface SpdyTransport {
  write(b: Buffer): void;
  /** Ends our side once everything is written (the peer may still send). */
  end(): void;
  destroy(): void;
}

// Data frames are cut at this size so that one large write does not hold every other stream.
const maxDataFrame = 32 * 1024;

export class SpdyStream extends EventEmitter {
  /** Our side has sent FIN (or RST). */
  localClosed = false;
  /** The peer has sent FIN (or RST). */
  remoteClosed = false;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: Headers) {
    super();
  }

  /** SYN_REPLY: accepts a stream the peer opened. */
  reply(headers: Headers = {}, fin = false): void {
    this.session.queue(async () => encodeFrame({ type: 'synReply', streamId: this.id, flags: fin ? flagFin : 0, headerBlock: await this.session.compressor.compress(headers) }));
    if (fin) this.closeLocal();
  }

  write(data: Buffer | string): void {
    if (this.localClosed) return;
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0; i < b.length; i += maxDataFrame) {
      const chunk = b.subarray(i, i + maxDataFrame);
      this.session.queue(() => encodeFrame({ type: 'data', streamId: this.id, flags: 0, data: chunk }));
    }
  }

  /** Half-closes our side with an empty FIN data frame (what spdystream's Close does). */
  end(): void {
    if (this.localClosed) return;
    this.session.queue(() => encodeFrame({ type: 'data', streamId: this.id, flags: flagFin, data: Buffer.alloc(0) }));
    this.closeLocal();
  }

  reset(status: number = rstStatus.cancel): void {
    if (this.localClosed && this.remoteClosed) return;
    this.session.queue(() => encodeFrame({ type: 'rstStream', streamId: this.id, status }));
    this.localClosed = true;
    this.remoteClosed = true;
    this.session.forget(this);
  }

  /** @internal the session's view of the peer's frames */
  onPeerData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length > 0) this.emit('data', data);
    if (fin) {
      this.remoteClosed = true;
      this.emit('end');
      if (this.localClosed) this.session.forget(this);
    }
  }

  /** @internal */
  onPeerReset(status: number): void {
    this.localClosed = true;
    const wasOpen = !this.remoteClosed;
    this.remoteClosed = true;
    this.emit('reset', status);
    if (wasOpen) this.emit('end');
    this.session.forget(this);
  }

  private closeLocal(): void {
    this.localClosed = true;
    if (this.remoteClosed) this.session.forget(this);
  }
}

export interface SessionOptions {
  /** The server opens even stream ids and answers odd (client) pings. */
  isServer: boolean;
  log?: Logger;
}

export class SpdySession extends EventEmitter {
  readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, SpdyStream>();
  private outbound: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  private nextId: number;
  private lastPeerStreamId = 0;
  private closed = false;
  private ended = false;

  constructor(private readonly transport: SpdyTransport, private readonly o: SessionOptions) {
    super();
    this.nextId = o.isServer ? 2 : 1;
  }

  /** Bytes from the transport. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const f of frames) this.inbound = this.inbound.then(() => this.handle(f)).catch((err: unknown) => this.fail(err));
  }

  /** The transport has ended or broken: every open stream ends. */
  transportClosed(): void {
    void this.inbound.then(() => this.shutdown());
  }

  /** Opens a stream (the client side of exec and port-forward, used by tests and tools). */
  openStream(headers: Headers, fin = false): SpdyStream {
    const s = new SpdyStream(this, this.nextId, headers);
    this.nextId += 2;
    this.streams.set(s.id, s);
    this.queue(async () => encodeFrame({ type: 'synStream', streamId: s.id, associatedId: 0, priority: 0, flags: fin ? flagFin : 0, headerBlock: await this.compressor.compress(headers) }));
    if (fin) s.localClosed = true;
    return s;
  }

  /** GOAWAY, then ends our side of the transport once everything queued is written. */
  goAway(status = 0): void {
    if (this.closed) return;
    this.queue(() => encodeFrame({ type: 'goAway', lastGoodStreamId: this.lastPeerStreamId, status }));
    void this.outbound.then(() => {
      if (this.closed || this.ended) return;
      this.ended = true;
      this.transport.end();
    });
  }

  destroy(): void {
    this.transport.destroy();
    this.shutdown();
  }

  /** Resolves once everything queued so far is written to the transport. */
  flushed(): Promise<void> { return this.outbound; }

  /** @internal frames are written strictly in the order they were queued */
  queue(make: () => Buffer | Promise<Buffer>): void {
    this.outbound = this.outbound.then(async () => {
      const b = await make();
      if (!this.closed && !this.ended) this.transport.write(b);
    }).catch((err: unknown) => this.fail(err));
  }

  /** @internal */
  forget(s: SpdyStream): void { this.streams.delete(s.id); }

  private async handle(f: Frame): Promise<void> {
    switch (f.type) {
      case 'synStream': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        if (this.streams.has(f.streamId) || f.streamId % 2 === (this.o.isServer ? 0 : 1)) {
          this.queue(() => encodeFrame({ type: 'rstStream', streamId: f.streamId, status: rstStatus.protocolError }));
          return;
        }
        this.lastPeerStreamId = Math.max(this.lastPeerStreamId, f.streamId);
        const s = new SpdyStream(this, f.streamId, headers);
        this.streams.set(s.id, s);
        this.emit('stream', s);
        if (f.flags & flagFin) s.onPeerData(Buffer.alloc(0), true);
        return;
      }
      case 'synReply': case 'headers': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const s = this.streams.get(f.streamId);
        if (s) { s.emit(f.type === 'synReply' ? 'reply' : 'headers', headers); if (f.flags & flagFin) s.onPeerData(Buffer.alloc(0), true); }
        return;
      }
      case 'data': this.streams.get(f.streamId)?.onPeerData(f.data, (f.flags & flagFin) !== 0); return;
      case 'rstStream': this.streams.get(f.streamId)?.onPeerReset(f.status); return;
      case 'ping':
        // Our own pings come back with our parity; the peer's are echoed.
        if (f.id % 2 === (this.o.isServer ? 1 : 0)) this.queue(() => encodeFrame(f));
        else this.emit('ping', f.id);
        return;
      case 'goAway': this.emit('goaway', f.lastGoodStreamId, f.status); return;
      default: return; // SETTINGS, WINDOW_UPDATE and unknown control frames: no flow control
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.o.log?.warn('spdy connection failed', { err: err instanceof Error ? err.message : String(err) });
    if (err instanceof SpdyProtocolError) {
      try {
        this.transport.write(encodeFrame({ type: 'goAway', lastGoodStreamId: this.lastPeerStreamId, status: 1 }));
      } catch (writeErr) {
        this.o.log?.v(4, 'could not send GOAWAY', { err: String(writeErr) });
      }
    }
    this.destroy();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) if (!s.remoteClosed) s.onPeerReset(rstStatus.cancel);
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    this.emit('close');
  }
}
