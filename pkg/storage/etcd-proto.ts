// Hand-written protobuf codec for the few etcd KV messages on the apiserver's hot path (Range
// and Txn of one key). The etcd3 package round-trips every call through protobufjs objects with
// string longs, defaults and oneof names; these encode straight into one Buffer and decode only
// the fields the store reads (the wire format is etcd's api/etcdserverpb/rpc.proto).

/** A stored key as read: revisions as decimal strings (they are int64 on the wire). */
export interface KeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
  lease: string;
}

export interface RangeResult {
  revision: string;
  kvs: KeyValue[];
  more: boolean;
  count: string;
}

export interface TxnResult {
  revision: string;
  succeeded: boolean;
  /** The kvs of each response_range in the taken branch, in order (other ops give []). */
  ranges: KeyValue[][];
}

export interface RangeArgs {
  key: string;
  rangeEnd?: Buffer;
  limit?: number;
  revision?: number;
  countOnly?: boolean;
}

/** One compare on one key (etcd's Compare): the target field is always encoded, even 0. */
export interface CompareArgs {
  key: string;
  target: 'Create' | 'Mod';
  revision: string;
}

export type TxnOp =
  | { put: { key: string; value: string; lease?: string } }
  | { deleteKey: string }
  | { rangeKey: string; keysOnly?: boolean };

export interface TxnArgs {
  compare: CompareArgs[];
  success: TxnOp[];
  failure?: TxnOp[];
}

const VARINT = 0;
const LEN = 2;

class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(size: number) { this.buf = Buffer.allocUnsafe(size); }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Non-negative integers up to 2^53. */
  varint(v: number): void {
    this.ensure(10);
    while (v > 127) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Any int64 given as a decimal string (lease IDs use all 64 bits). */
  varint64(v: string): void {
    let n = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (n > 127n) {
      this.buf[this.pos++] = Number(n & 127n) | 128;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  tag(field: number, wire: number): void { this.varint(field * 8 + wire); }

  uintField(field: number, v: number): void { this.tag(field, VARINT); this.varint(v); }

  bytesField(field: number, b: Buffer): void {
    this.tag(field, LEN);
    this.varint(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  stringField(field: number, s: string): void {
    const n = Buffer.byteLength(s);
    this.tag(field, LEN);
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  finish(): Buffer { return this.buf.subarray(0, this.pos); }
}

export const encodeRange = (r: RangeArgs): Buffer => {
  const w = new Writer(64 + r.key.length * 3);
  w.stringField(1, r.key);
  if (r.rangeEnd) w.bytesField(2, r.rangeEnd);
  if (r.limit) w.uintField(3, r.limit);
  if (r.revision) w.uintField(4, r.revision);
  if (r.countOnly) w.uintField(9, 1);
  return w.finish();
};

// Compare.CompareTarget: VERSION 0, CREATE 1, MOD 2; CompareResult EQUAL is 0 (the default).
const compareTargets = { Create: { target: 1, field: 5 }, Mod: { target: 2, field: 6 } } as const;

const encodeCompare = (c: CompareArgs): Buffer => {
  const w = new Writer(32 + c.key.length * 3);
  const t = compareTargets[c.target];
  w.uintField(2, t.target);
  w.stringField(3, c.key);
  // A oneof member is present even at 0 (create_revision == 0 is the create guard).
  w.uintField(t.field, Number(c.revision));
  return w.finish();
};

const encodeOp = (op: TxnOp): Buffer => {
  const inner = new Writer(64);
  let field: number;
  if ('put' in op) {
    field = 2;
    inner.stringField(1, op.put.key);
    inner.stringField(2, op.put.value);
    if (op.put.lease && op.put.lease !== '0') {
      inner.tag(3, VARINT);
      inner.varint64(op.put.lease);
    }
  } else if ('deleteKey' in op) {
    field = 3;
    inner.stringField(1, op.deleteKey);
  } else {
    field = 1;
    inner.stringField(1, op.rangeKey);
    if (op.keysOnly) inner.uintField(8, 1);
  }
  const w = new Writer(16);
  w.bytesField(field, inner.finish());
  return w.finish();
};

export const encodeTxn = (t: TxnArgs): Buffer => {
  const w = new Writer(256);
  for (const c of t.compare) w.bytesField(1, encodeCompare(c));
  for (const op of t.success) w.bytesField(2, encodeOp(op));
  for (const op of t.failure ?? []) w.bytesField(3, encodeOp(op));
  return w.finish();
};

class Reader {
  pos: number;

  constructor(readonly buf: Buffer, pos = 0, readonly end = buf.length) { this.pos = pos; }

  more(): boolean { return this.pos < this.end; }

  /** Values up to 2^53 exactly (revisions, counts, lengths). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('etcd response truncated');
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  }

  varint64(): string {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('etcd response truncated');
      result |= BigInt(b & 127) << shift;
      if (b < 128) return BigInt.asIntN(64, result).toString();
      shift += 7n;
    }
  }

  /** A length-delimited field's bounds; the reader moves past it. */
  sub(): Reader {
    const len = this.varint();
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  bytes(): Buffer {
    const len = this.varint();
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === LEN) {
      const len = this.varint(); // read before pos is: `pos += varint()` would drop the length's bytes
      this.pos += len;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

/** ResponseHeader: only the revision is read. */
const readHeaderRevision = (r: Reader): string => {
  let revision = '0';
  while (r.more()) {
    const tag = r.varint();
    if (tag === (3 << 3)) revision = String(r.varint());
    else r.skip(tag & 7);
  }
  return revision;
};

const readKeyValue = (r: Reader): KeyValue => {
  const kv: KeyValue = { key: Buffer.alloc(0), value: Buffer.alloc(0), create_revision: '0', mod_revision: '0', version: '0', lease: '0' };
  while (r.more()) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | LEN: kv.key = r.bytes(); break;
      case 2 << 3: kv.create_revision = String(r.varint()); break;
      case 3 << 3: kv.mod_revision = String(r.varint()); break;
      case 4 << 3: kv.version = String(r.varint()); break;
      case (5 << 3) | LEN: kv.value = r.bytes(); break;
      case 6 << 3: kv.lease = r.varint64(); break;
      default: r.skip(tag & 7);
    }
  }
  return kv;
};

const readRange = (r: Reader): RangeResult => {
  const res: RangeResult = { revision: '0', kvs: [], more: false, count: '0' };
  while (r.more()) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | LEN: res.revision = readHeaderRevision(r.sub()); break;
      case (2 << 3) | LEN: res.kvs.push(readKeyValue(r.sub())); break;
      case 3 << 3: res.more = r.varint() !== 0; break;
      case 4 << 3: res.count = String(r.varint()); break;
      default: r.skip(tag & 7);
    }
  }
  return res;
};

export const decodeRange = (buf: Buffer): RangeResult => readRange(new Reader(buf));

/** ResponseOp: a response_range's kvs; other responses carry nothing the store reads. */
const readResponseOp = (r: Reader): KeyValue[] => {
  let kvs: KeyValue[] = [];
  while (r.more()) {
    const tag = r.varint();
    if (tag === ((1 << 3) | LEN)) kvs = readRange(r.sub()).kvs;
    else r.skip(tag & 7);
  }
  return kvs;
};

export const decodeTxn = (buf: Buffer): TxnResult => {
  const r = new Reader(buf);
  const res: TxnResult = { revision: '0', succeeded: false, ranges: [] };
  while (r.more()) {
    const tag = r.varint();
    switch (tag) {
      case (1 << 3) | LEN: res.revision = readHeaderRevision(r.sub()); break;
      case 2 << 3: res.succeeded = r.varint() !== 0; break;
      case (3 << 3) | LEN: res.ranges.push(readResponseOp(r.sub())); break;
      default: r.skip(tag & 7);
    }
  }
  return res;
};

export interface WatchCreateArgs {
  key: string;
  rangeEnd: Buffer;
  startRevision: number;
  prevKv: boolean;
}

/** WatchRequest{create_request}. */
export const encodeWatchCreate = (c: WatchCreateArgs): Buffer => {
  const inner = new Writer(64 + c.key.length * 3);
  inner.stringField(1, c.key);
  inner.bytesField(2, c.rangeEnd);
  if (c.startRevision) inner.uintField(3, c.startRevision);
  if (c.prevKv) inner.uintField(6, 1);
  const w = new Writer(96 + c.key.length * 3);
  w.bytesField(1, inner.finish());
  return w.finish();
};

export interface WatchEventMsg {
  type: 'Put' | 'Delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchResult {
  created: boolean;
  canceled: boolean;
  cancelReason: string;
  compactRevision: string;
  events: WatchEventMsg[];
}

const readEvent = (r: Reader): WatchEventMsg => {
  const ev: WatchEventMsg = { type: 'Put', kv: readKeyValue(new Reader(Buffer.alloc(0))) };
  while (r.more()) {
    const tag = r.varint();
    switch (tag) {
      case 1 << 3: ev.type = r.varint() === 1 ? 'Delete' : 'Put'; break;
      case (2 << 3) | LEN: ev.kv = readKeyValue(r.sub()); break;
      case (3 << 3) | LEN: ev.prevKv = readKeyValue(r.sub()); break;
      default: r.skip(tag & 7);
    }
  }
  return ev;
};

export const decodeWatchResponse = (buf: Buffer): WatchResult => {
  const r = new Reader(buf);
  const res: WatchResult = { created: false, canceled: false, cancelReason: '', compactRevision: '0', events: [] };
  while (r.more()) {
    const tag = r.varint();
    switch (tag) {
      case 3 << 3: res.created = r.varint() !== 0; break;
      case 4 << 3: res.canceled = r.varint() !== 0; break;
      case 5 << 3: res.compactRevision = String(r.varint()); break;
      case (6 << 3) | LEN: res.cancelReason = r.bytes().toString('utf8'); break;
      case (11 << 3) | LEN: res.events.push(readEvent(r.sub())); break;
      default: r.skip(tag & 7);
    }
  }
  return res;
};
