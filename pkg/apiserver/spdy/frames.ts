// SPDY/3.1 framing (draft 3.1, §2.2): encode and incrementally decode frames, and the
// uncompressed name/value header block. Header compression is header-codec.ts; streams and the
// connection are session.ts. Only what kubectl's moby/spdystream uses is given a shape; other
// control frames decode as `unknown` and are ignored by the session.
export const spdyVersion = 3;

export const flagFin = 0x01;
export const flagUnidirectional = 0x02;

/** RST_STREAM status codes (§2.6.3). */
export const rstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, streamAlreadyClosed: 9 } as const;

export const controlType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

/** Names are lower-case (SPDY requires it); several values of one name are joined by NUL. */
export type Headers = Record<string, string>;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedId: number; priority: number; flags: number; headerBlock: Buffer }
  | { type: 'synReply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A malformed frame: the connection cannot go on (the session answers GOAWAY PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
  readonly code = 'BERTH_ERR_SPDY_PROTOCOL';
}

const maxLength = 0xffffff;
const streamIdMask = 0x7fffffff;

const control = (type: number, flags: number, payload: Buffer): Buffer => {
  if (payload.length > maxLength) throw new SpdyProtocolError(`control frame of ${payload.length} bytes is too long`);
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | spdyVersion, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([h, payload]);
};

const u32s = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};

/** The bytes of one frame; header blocks must already be compressed. */
export const encodeFrame = (f: Frame): Buffer => {
  switch (f.type) {
    case 'data': {
      if (f.data.length > maxLength) throw new SpdyProtocolError(`data frame of ${f.data.length} bytes is too long`);
      const h = u32s(f.streamId & streamIdMask, ((f.flags & 0xff) << 24 | f.data.length) >>> 0);
      return Buffer.concat([h, f.data]);
    }
    case 'synStream': {
      const head = Buffer.alloc(10);
      head.writeUInt32BE(f.streamId & streamIdMask, 0);
      head.writeUInt32BE(f.associatedId & streamIdMask, 4);
      head[8] = (f.priority & 0x7) << 5; // byte 9 is the slot, always 0
      return control(controlType.synStream, f.flags, Buffer.concat([head, f.headerBlock]));
    }
    case 'synReply': return control(controlType.synReply, f.flags, Buffer.concat([u32s(f.streamId & streamIdMask), f.headerBlock]));
    case 'headers': return control(controlType.headers, f.flags, Buffer.concat([u32s(f.streamId & streamIdMask), f.headerBlock]));
    case 'rstStream': return control(controlType.rstStream, 0, u32s(f.streamId & streamIdMask, f.status));
    case 'settings': {
      const body = Buffer.alloc(4 + 8 * f.entries.length);
      body.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => { body.writeUInt32BE(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, 4 + 8 * i); body.writeUInt32BE(e.value >>> 0, 8 + 8 * i); });
      return control(controlType.settings, f.flags, body);
    }
    case 'ping': return control(controlType.ping, 0, u32s(f.id));
    case 'goAway': return control(controlType.goAway, 0, u32s(f.lastGoodStreamId & streamIdMask, f.status));
    case 'windowUpdate': return control(controlType.windowUpdate, 0, u32s(f.streamId & streamIdMask, f.delta & streamIdMask));
    case 'unknown': return control(f.frameType, f.flags, f.payload);
  }
};

const need = (p: Buffer, n: number, what: string): void => {
  if (p.length < n) throw new SpdyProtocolError(`${what} frame of ${p.length} bytes is too short`);
};

const decodeControl = (type: number, flags: number, p: Buffer): Frame => {
  switch (type) {
    case controlType.synStream:
      need(p, 10, 'SYN_STREAM');
      return { type: 'synStream', streamId: p.readUInt32BE(0) & streamIdMask, associatedId: p.readUInt32BE(4) & streamIdMask, priority: p[8] >> 5, flags, headerBlock: p.subarray(10) };
    case controlType.synReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'synReply', streamId: p.readUInt32BE(0) & streamIdMask, flags, headerBlock: p.subarray(4) };
    case controlType.headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & streamIdMask, flags, headerBlock: p.subarray(4) };
    case controlType.rstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rstStream', streamId: p.readUInt32BE(0) & streamIdMask, status: p.readUInt32BE(4) };
    case controlType.settings: {
      need(p, 4, 'SETTINGS');
      const n = p.readUInt32BE(0);
      need(p, 4 + 8 * n, 'SETTINGS');
      const entries = Array.from({ length: n }, (_, i) => {
        const w = p.readUInt32BE(4 + 8 * i);
        return { flags: w >>> 24, id: w & 0xffffff, value: p.readUInt32BE(8 + 8 * i) };
      });
      return { type: 'settings', flags, entries };
    }
    case controlType.ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case controlType.goAway:
      need(p, 8, 'GOAWAY');
      return { type: 'goAway', lastGoodStreamId: p.readUInt32BE(0) & streamIdMask, status: p.readUInt32BE(4) };
    case controlType.windowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'windowUpdate', streamId: p.readUInt32BE(0) & streamIdMask, delta: p.readUInt32BE(4) & streamIdMask };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
};

/** Cuts a byte stream into frames; bytes of an incomplete frame wait for the next push. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & maxLength;
      if (this.buf.length < 8 + len) break;
      out.push(this.decodeOne(this.buf.subarray(0, 8 + len)));
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }

  private decodeOne(b: Buffer): Frame {
    const first = b.readUInt32BE(0);
    const flags = b[4];
    const payload = Buffer.from(b.subarray(8)); // a copy: the input buffer is reused
    if ((first & 0x80000000) === 0) return { type: 'data', streamId: first & streamIdMask, flags, data: payload };
    const version = (first >>> 16) & 0x7fff;
    if (version !== spdyVersion) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    return decodeControl(first & 0xffff, flags, payload);
  }
}

/** The uncompressed name/value block (§2.6.10): counts and lengths are 32-bit big-endian. */
export const encodeHeaderBlock = (h: Headers): Buffer => {
  const entries = Object.entries(h);
  const parts: Buffer[] = [u32s(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32s(n.length), n, u32s(v.length), v);
  }
  return Buffer.concat(parts);
};

export const decodeHeaderBlock = (b: Buffer): Headers => {
  const read = (pos: number, what: string): number => {
    if (pos + 4 > b.length) throw new SpdyProtocolError(`header block ends inside ${what}`);
    return b.readUInt32BE(pos);
  };
  const count = read(0, 'the pair count');
  const out: Headers = {};
  let pos = 4;
  for (let i = 0; i < count; i++) {
    const nl = read(pos, 'a name length');
    if (pos + 4 + nl > b.length) throw new SpdyProtocolError('header block ends inside a name');
    const name = b.subarray(pos + 4, pos + 4 + nl).toString('utf8').toLowerCase();
    pos += 4 + nl;
    const vl = read(pos, 'a value length');
    if (pos + 4 + vl > b.length) throw new SpdyProtocolError('header block ends inside a value');
    const value = b.subarray(pos + 4, pos + 4 + vl).toString('utf8');
    pos += 4 + vl;
    out[name] = out[name] === undefined ? value : `${out[name]}\0${value}`;
  }
  return out;
};
