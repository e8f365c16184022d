// kubectl ≥1.32 sends typed-client writes (`kubectl create namespace x`) as protobuf with no
// JSON fallback (kubectl-wire §4.4). This decodes the runtime.Unknown envelope and the one such
// kind we serve, Namespace (its ObjectMeta name, generateName, labels and annotations), into JSON.
import { unsupportedMediaType, badRequest } from '../../apimachinery/errors';

interface Field { num: number; wire: number; value: Buffer | number }

const readVarint = (buf: Buffer, pos: number): [number, number] => {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw badRequest('truncated protobuf body');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
};

/** The top-level fields of one protobuf message. */
export const readFields = (buf: Buffer): Field[] => {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const num = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      fields.push({ num, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      fields.push({ num, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1 || wire === 5) {
      pos = p1 + (wire === 1 ? 8 : 4);
    } else {
      throw badRequest(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
};

const bytesOf = (fields: Field[], num: number): Buffer[] =>
  fields.filter((f) => f.num === num && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);
const stringOf = (fields: Field[], num: number): string | undefined => bytesOf(fields, num)[0]?.toString('utf8');

const mapOf = (fields: Field[], num: number): Record<string, string> | undefined => {
  const entries = bytesOf(fields, num).map((b) => readFields(b));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map((e) => [stringOf(e, 1) ?? '', stringOf(e, 2) ?? '']));
};

const objectMeta = (buf: Buffer | undefined) => {
  const f = buf ? readFields(buf) : [];
  const meta: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => { if (v !== undefined && v !== '') meta[k] = v; };
  set('name', stringOf(f, 1));
  set('generateName', stringOf(f, 2));
  set('namespace', stringOf(f, 3));
  set('labels', mapOf(f, 11));
  set('annotations', mapOf(f, 12));
  return meta;
};

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `k8s\0`-prefixed protobuf body into the JSON object it carries. */
export const decodeProtobufBody = (body: Buffer): Record<string, unknown> => {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw badRequest('protobuf body without the k8s envelope');
  const unknown = readFields(body.subarray(4));
  const typeMeta = readFields(bytesOf(unknown, 1)[0] ?? Buffer.alloc(0));
  const apiVersion = stringOf(typeMeta, 1) ?? '';
  const kind = stringOf(typeMeta, 2) ?? '';
  if (apiVersion !== 'v1' || kind !== 'Namespace') {
    throw unsupportedMediaType(`application/vnd.kubernetes.protobuf (only v1 Namespace is decoded; send ${kind || 'objects'} as JSON)`);
  }
  const raw = readFields(bytesOf(unknown, 2)[0] ?? Buffer.alloc(0));
  return { apiVersion, kind, metadata: objectMeta(bytesOf(raw, 1)[0]) };
};
