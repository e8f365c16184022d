// kubectl ≥1.32 sends typed-client writes (`kubectl create namespace|deployment|configmap|…`)
// as protobuf with no JSON fallback (kubectl-wire §4.4): `k8s\0` + runtime.Unknown{typeMeta, raw}.
// The raw message is decoded with our definitions (pkg/apiserver/proto) into the JSON object the
// JSON path would have received — omitempty zero values dropped, Go pointers kept, Time as RFC 3339,
// Quantity as its string, int-or-string as a number or string, bytes as base64 — and the normal
// create path runs on it. A field we do not define is refused when it carries data.
import protobuf from 'protobufjs';
import { unsupportedMediaType, badRequest } from '../../apimachinery/errors';
import { kubeProtoRegistry, protobufMessageOf, specialTypes, type FieldInfo, type ProtoRegistry } from '../proto';
import { decodeSpecial } from './protobuf-special';

type Json = Record<string, unknown>;

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const toNumber = (v: number | protobuf.Long): number => (typeof v === 'number' ? v : protobuf.util.LongBits.from(v).toNumber(false));

const readScalar = (r: protobuf.Reader, type: string): unknown => {
  switch (type) {
    case 'string': return r.string();
    case 'bool': return r.bool();
    case 'int32': return r.int32();
    case 'int64': return toNumber(r.int64());
    case 'double': return r.double();
    case 'bytes': return Buffer.from(r.bytes()).toString('base64');
    default: throw new Error(`scalar type ${type} is not decoded`);
  }
};

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

/** Skips a field we do not define; refuses it when it carries anything but an empty message or a zero. */
const skipUnknown = (r: protobuf.Reader, wire: number, message: string, id: number): void => {
  const start = r.pos;
  r.skipType(wire);
  const empty = wire === 2 ? r.pos - start === 1 : wire === 0 ? r.buf[start] === 0 : false;
  if (!empty) throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (field ${id} of ${message} is not decoded by this server; send the object as JSON)`);
};

class Decoder {
  constructor(private readonly reg: ProtoRegistry) {}

  message(type: string, buf: Uint8Array): Json {
    const fields = this.reg.fields.get(type);
    const ids = this.reg.byId.get(type);
    if (!fields || !ids) throw new Error(`protobuf message ${type} is not defined`);
    const r = protobuf.Reader.create(buf);
    const out: Json = {};
    while (r.pos < r.len) {
      const tag = r.uint32();
      const name = ids.get(tag >>> 3);
      if (name === undefined) { skipUnknown(r, tag & 7, type, tag >>> 3); continue; }
      this.field(r, tag & 7, name, fields.get(name) as FieldInfo, out);
    }
    return out;
  }

  private field(r: protobuf.Reader, wire: number, name: string, f: FieldInfo, out: Json): void {
    if (f.mapValue) {
      const [k, v] = this.mapEntry(r.bytes(), f.mapValue);
      out[name] = { ...(out[name] as Json | undefined), [k]: v };
    } else if (f.repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      if (wire === 2 && this.reg.isScalar(f.type) && !['string', 'bytes'].includes(f.type)) {
        const end = r.uint32() + r.pos;
        while (r.pos < end) list.push(readScalar(r, f.type));
      } else {
        list.push(this.value(r, f.type));
      }
      out[name] = list;
    } else {
      const v = this.value(r, f.type);
      if (v === undefined) return;
      if (f.inline) Object.assign(out, v);
      else if (!this.reg.isScalar(f.type) || f.pointer || !isZero(v)) out[name] = v;
      else delete out[name];
    }
  }

  private value(r: protobuf.Reader, type: string): unknown {
    if (this.reg.isScalar(type)) return readScalar(r, type);
    const bytes = r.bytes();
    if (type === 'Skip') return undefined;
    const msg = this.message(type, bytes);
    return specialTypes.has(type) ? decodeSpecial(type, msg) : msg;
  }

  private mapEntry(buf: Uint8Array, valueType: string): [string, unknown] {
    const r = protobuf.Reader.create(buf);
    let key = '';
    let value: unknown = this.reg.isScalar(valueType) ? (valueType === 'bytes' ? '' : valueType === 'string' ? '' : 0) : undefined;
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) key = r.string();
      else if (tag >>> 3 === 2) value = this.value(r, valueType);
      else r.skipType(tag & 7);
    }
    if (value === undefined) value = decodeSpecial(valueType, {});
    return [key, value];
  }
}

interface Envelope { apiVersion: string; kind: string; raw: Buffer; contentEncoding: string }

/** The runtime.Unknown after the magic. */
export const decodeEnvelope = (body: Buffer): Envelope => {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw badRequest('protobuf body without the k8s\\0 envelope');
  const reg = kubeProtoRegistry();
  const d = new Decoder(reg);
  let unknown: Json;
  try {
    unknown = d.message('Unknown', body.subarray(4));
  } catch (err) {
    throw asBadRequest(err);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as Json;
  return {
    apiVersion: String(typeMeta.apiVersion ?? ''),
    kind: String(typeMeta.kind ?? ''),
    raw: Buffer.from(String(unknown.raw ?? ''), 'base64'),
    contentEncoding: String(unknown.contentEncoding ?? ''),
  };
};

const asBadRequest = (err: unknown): unknown =>
  err instanceof RangeError || (err instanceof Error && /index out of range|invalid wire type/.test(err.message))
    ? badRequest(`error decoding the protobuf body: ${err.message}`)
    : err;

/** Decodes a `k8s\0`-prefixed protobuf body into the JSON object it carries. */
export const decodeProtobufBody = (body: Buffer): Json => {
  const env = decodeEnvelope(body);
  if (env.contentEncoding !== '') throw unsupportedMediaType(`application/vnd.kubernetes.protobuf with contentEncoding ${env.contentEncoding}`);
  const message = protobufMessageOf(env.apiVersion, env.kind);
  if (!message) {
    throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (${env.apiVersion}/${env.kind || '?'} is not decoded from protobuf; send it as JSON)`);
  }
  try {
    return { apiVersion: env.apiVersion, kind: env.kind, ...new Decoder(kubeProtoRegistry()).message(message, env.raw) };
  } catch (err) {
    throw asBadRequest(err);
  }
};
