// Encoding objects once. Objects the watch cache hands out are frozen and shared by every list
// and watcher, so their JSON bytes are memoised per object: 1,000 watchers of one event cost one
// JSON.stringify, not 1,000, and a LIST of 10,000 cached pods is one Buffer.concat of bytes
// encoded when each pod first went out.
import type { ApiObject, WatchEvent } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { withTypeMeta } from './common';

// Keyed by the resource too: one stored Event is served as core/v1 and as events.k8s.io/v1.
const objectCache = new WeakMap<ApiObject, { info: ResourceInfo; bytes: Buffer }>();

/** The object's JSON with apiVersion and kind; memoised for frozen (shared, immutable) objects. */
export const objectBytes = (info: ResourceInfo, obj: ApiObject): Buffer => {
  const frozen = Object.isFrozen(obj);
  if (frozen) {
    const hit = objectCache.get(obj);
    if (hit?.info === info) return hit.bytes;
  }
  const bytes = Buffer.from(JSON.stringify(withTypeMeta(info, obj)));
  if (frozen) objectCache.set(obj, { info, bytes });
  return bytes;
};

/**
 * A response body for one object: the memoised bytes of a shared (frozen) object, else the JSON
 * string itself (node writes a string body together with the headers, without a Buffer copy).
 */
export const objectBody = (info: ResourceInfo, obj: ApiObject): Buffer | string =>
  (Object.isFrozen(obj) ? objectBytes(info, obj) : JSON.stringify(withTypeMeta(info, obj)));

const heads = new Map<string, Buffer>();
const headOf = (type: string): Buffer => {
  let h = heads.get(type);
  if (!h) heads.set(type, (h = Buffer.from(`{"type":${JSON.stringify(type)},"object":`)));
  return h;
};
const tail = Buffer.from('}\n');

// Per event and resource: the watch cache hands every watcher the same event object.
const lineCache = new WeakMap<WatchEvent, { info: ResourceInfo; bytes: Buffer }>();

/**
 * One newline-terminated watch event, memoised per shared event, so 1,000 watchers of an event
 * cost one encoding. An object not yet encoded is encoded into the line, and its memoised bytes
 * (for lists and gets) are a view of the line: one copy of the bytes serves both.
 */
export const watchLine = (info: ResourceInfo, ev: WatchEvent): Buffer => {
  if (ev.type === 'ERROR') return Buffer.from(`{"type":"ERROR","object":${JSON.stringify(ev.object)}}\n`);
  const shared = Object.isFrozen(ev.object);
  if (!shared) return Buffer.concat([headOf(ev.type), objectBytes(info, ev.object), tail]);
  const hit = lineCache.get(ev);
  if (hit?.info === info) return hit.bytes;
  const known = objectCache.get(ev.object);
  let line: Buffer;
  if (known?.info === info) line = Buffer.concat([headOf(ev.type), known.bytes, tail]);
  else {
    const head = headOf(ev.type);
    line = Buffer.from(`${head.toString()}${JSON.stringify(withTypeMeta(info, ev.object))}}\n`);
    objectCache.set(ev.object, { info, bytes: line.subarray(head.length, line.length - tail.length) });
  }
  lineCache.set(ev, { info, bytes: line });
  return line;
};

/** A List body built from the objects' (memoised) bytes. */
export const listBytes = (apiVersion: string, kind: string, meta: object, info: ResourceInfo, items: ApiObject[]): Buffer => {
  const parts: Buffer[] = [Buffer.from(`{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":${JSON.stringify(meta)},"items":[`)];
  const comma = Buffer.from(',');
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(comma);
    parts.push(objectBytes(info, items[i]));
  }
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
};
