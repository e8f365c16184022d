// WatchOptions (predicate with transitions, sendInitialEvents) over a plain Store watch: the
// etcd store and the fake use this; the cacher does the same from its own state. Bookmarks are
// a watch-cache feature (as upstream) and are not sent by plain stores.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import type { ListOptions, ListResult, WatchOptions } from './interface';
import { parseResourceVersion } from './keys';

export const initialEventsEndAnnotation = 'k8s.io/initial-events-end';

/** A BOOKMARK: an object with only metadata.resourceVersion (the handler adds kind and apiVersion). */
export const bookmarkEvent = (resourceVersion: string, initialEventsEnd = false): WatchEvent => ({
  type: 'BOOKMARK',
  object: {
    metadata: { resourceVersion, ...(initialEventsEnd ? { annotations: { [initialEventsEndAnnotation]: 'true' } } : {}) },
  },
});

type Predicate = WatchOptions['predicate'];

/**
 * What a watcher with `predicate` sees of a change from `prev` to `ev.object` (upstream
 * cacheWatcher.convertToWatchEvent). For DELETED, `prev` is the last state. An object that stops
 * matching is DELETED with its previous content at the event's resourceVersion.
 */
export const filterTransition = (predicate: Predicate, ev: WatchEvent, prev: ApiObject | undefined): WatchEvent | undefined => {
  if (!predicate || ev.type === 'BOOKMARK' || ev.type === 'ERROR') return ev;
  const now = ev.type !== 'DELETED' && predicate(ev.object);
  const was = prev !== undefined && predicate(prev);
  if (now) {
    const type = was ? 'MODIFIED' : 'ADDED';
    return ev.type === type ? ev : { type, object: ev.object };
  }
  if (!was) return undefined;
  if (ev.type === 'DELETED') return ev;
  const deleted = prev as ApiObject;
  return { type: 'DELETED', object: { ...deleted, metadata: { ...deleted.metadata, resourceVersion: ev.object.metadata.resourceVersion } } };
};

/** Identity of an object within one watched prefix. */
const idOf = (o: ApiObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export interface PlainWatchSource {
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  currentRevision(): Promise<string>;
  /** The store's own watch without options. */
  watch(prefix: string, fromRV: string, signal: AbortSignal): AsyncIterable<WatchEvent>;
}

/** Initial events (ADDED for a listed state, then the end bookmark), or the start revision. */
async function* initialState(src: PlainWatchSource, prefix: string, fromRV: string, opts: WatchOptions,
  prevs: Map<string, ApiObject>, start: { rv: string }): AsyncGenerator<WatchEvent> {
  const at = parseResourceVersion(fromRV);
  const wantsInitial = opts.sendInitialEvents ?? at === 0;
  if (wantsInitial) {
    const state = await src.list(prefix, at > 0 ? { resourceVersion: fromRV, resourceVersionMatch: 'NotOlderThan' } : {});
    for (const item of state.items) {
      if (opts.predicate) prevs.set(idOf(item), item);
      if (!opts.predicate || opts.predicate(item)) yield { type: 'ADDED', object: item };
    }
    if (opts.sendInitialEvents) yield bookmarkEvent(state.resourceVersion, true);
    start.rv = state.resourceVersion;
  } else if (at === 0) {
    start.rv = await src.currentRevision();
  } else if (opts.predicate) {
    // What matched at fromRV decides the first transitions.
    for (const item of (await src.list(prefix, { resourceVersion: fromRV })).items) prevs.set(idOf(item), item);
  }
}

export async function* watchWithOptions(src: PlainWatchSource, prefix: string, fromRV: string, signal: AbortSignal,
  opts: WatchOptions): AsyncGenerator<WatchEvent> {
  const prevs = new Map<string, ApiObject>();
  const start = { rv: fromRV };
  yield* initialState(src, prefix, fromRV, opts, prevs, start);
  for await (const ev of src.watch(prefix, start.rv, signal)) {
    if (!opts.predicate) { yield ev; continue; }
    const id = idOf(ev.object);
    const prev = ev.type === 'DELETED' ? ev.object : prevs.get(id);
    if (ev.type === 'DELETED') prevs.delete(id); else prevs.set(id, ev.object);
    const out = filterTransition(opts.predicate, ev, prev);
    if (out) yield out;
  }
}
