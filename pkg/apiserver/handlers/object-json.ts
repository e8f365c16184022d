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

/**
 * One newline-terminated watch event, as the pieces the writer concatenates anyway: the object's
 * memoised bytes between a shared head and tail, so a shared event costs no copy per watcher.
 */
export const watchLine = (info: ResourceInfo, ev: WatchEvent): Buffer[] => {
  const object = ev.type === 'ERROR' ? Buffer.from(JSON.stringify(ev.object)) : objectBytes(info, ev.object);
  return [headOf(ev.type), object, tail];
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
