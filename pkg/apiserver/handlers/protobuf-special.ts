// The JSON forms of apimachinery's special messages (their MarshalJSON in Go).
import { badRequest } from '../../apimachinery/errors';

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * metav1.Time (seconds precision) and MicroTime (microseconds). The zero time is left out, as
 * apimachinery's `omitzero` does since 1.33 (kubectl's JSON bodies carry no `creationTimestamp: null`).
 */
const rfc3339 = (seconds: number, nanos: number, micro: boolean): string | undefined => {
  if (seconds === 0 && nanos === 0) return undefined;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
};

const trimFraction = (whole: number, frac: number, digits: number): string => {
  const f = frac === 0 ? '' : `.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
  return `${whole}${f}`;
};

/** time.Duration.String(): `1h2m3.5s`, `300ms`, `0s`. */
export const goDuration = (nanos: number): string => {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  const n = Math.abs(nanos);
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${trimFraction(Math.floor(n / 1e3), n % 1e3, 3)}µs`;
  if (n < 1e9) return `${sign}${trimFraction(Math.floor(n / 1e6), n % 1e6, 6)}ms`;
  const totalSeconds = Math.floor(n / 1e9);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = `${trimFraction(totalSeconds % 60, n % 1e9, 9)}s`;
  return `${sign}${h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : ''}${s}`;
};

const rawJson = (b64: unknown, what: string): unknown => {
  const raw = Buffer.from(typeof b64 === 'string' ? b64 : '', 'base64');
  if (raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`${what} in a protobuf body must hold JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
};

export const decodeSpecial = (type: string, msg: Json): unknown => {
  switch (type) {
    case 'Time': return rfc3339(num(msg.seconds), num(msg.nanos), false);
    case 'MicroTime': return rfc3339(num(msg.seconds), num(msg.nanos), true);
    case 'Duration': return goDuration(num(msg.duration));
    case 'Quantity': return typeof msg.string === 'string' ? msg.string : '';
    case 'IntOrString': return num(msg.type) === 1 ? (typeof msg.strVal === 'string' ? msg.strVal : '') : num(msg.intVal);
    case 'RawExtension': return rawJson(msg.raw, 'a RawExtension');
    case 'FieldsV1': return rawJson(msg.Raw, 'fieldsV1');
    case 'ExtraValue': return Array.isArray(msg.items) ? msg.items : [];
    default: return msg;
  }
};
