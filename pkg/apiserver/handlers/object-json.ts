// Encoding objects and watch events once. Objects and events the watch cache hands out are
// frozen and shared by every list and watcher, so their JSON (and a watch line's bytes) is
// memoised per object: 1,000 watchers of one event cost one JSON.stringify, not 1,000.
import type { ApiObject, WatchEvent } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { withTypeMeta } from './common';

// Keyed by the resource too: one stored Event is served as core/v1 and as events.k8s.io/v1.
const objectCache = new WeakMap<ApiObject, { info: ResourceInfo; json: string }>();
const lineCache = new WeakMap<WatchEvent, { info: ResourceInfo; line: Buffer }>();

/** The object's JSON with apiVersion and kind; memoised for frozen (shared, immutable) objects. */
export const objectJson = (info: ResourceInfo, obj: ApiObject): string => {
  const frozen = Object.isFrozen(obj);
  if (frozen) {
    const hit = objectCache.get(obj);
    if (hit?.info === info) return hit.json;
  }
  const json = JSON.stringify(withTypeMeta(info, obj));
  if (frozen) objectCache.set(obj, { info, json });
  return json;
};

/** One newline-terminated watch event; memoised for frozen events. */
export const watchLine = (info: ResourceInfo, ev: WatchEvent): Buffer => {
  const frozen = Object.isFrozen(ev);
  if (frozen) {
    const hit = lineCache.get(ev);
    if (hit?.info === info) return hit.line;
  }
  const object = ev.type === 'ERROR' ? JSON.stringify(ev.object) : objectJson(info, ev.object);
  const line = Buffer.from(`{"type":"${ev.type}","object":${object}}\n`);
  if (frozen) lineCache.set(ev, { info, line });
  return line;
};

/** A List body built from the objects' (memoised) JSON. */
export const listJson = (apiVersion: string, kind: string, meta: object, info: ResourceInfo, items: ApiObject[]): string => {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = objectJson(info, items[i]);
  return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`;
};
