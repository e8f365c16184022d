// An in-memory Store with etcd's semantics (client-go's fake_custom_store, kine's memory
// backend): one revision counter, per-key version history for reads at a revision, a
// bounded event log for watches, compaction and 410s, and TTLs (a write with ttlSeconds is
// deleted when its time is up, on the injected clock). For unit tests of the layers above.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { alreadyExists, notFound, timeout } from '../apimachinery/errors';
import type { KeyRevisions, ListOptions, ListResult, Preconditions, RevisionReader, Store, WatchOptions, WriteOptions } from './interface';
import { realClock, type StorageClock, type TimerHandle } from './clock';
import { watchWithOptions } from './watch-options';
import { EventQueue } from './event-queue';
import {
  checkPreconditions, cloneObject, continueExpired, decodeContinue, decodeObject, encodeContinue,
  encodeObject, groupResourceOfKey, listExpired, nameOfKey, parseResourceVersion, tooOldResourceVersion,
} from './keys';

interface Version { createRev: number; modRev: number; value: string | null }
interface Change { rev: number; key: string; value: string | null; createRev: number; prev?: Version }

export interface FakeStore extends Store, RevisionReader {
  compact(revision: string): Promise<void>;
  /** Open watches, for leak checks in tests. */
  watchCount(): number;
}

export const createFakeStore = (opts: { historySize?: number; clock?: StorageClock } = {}): FakeStore => {
  const historySize = opts.historySize ?? 10_000;
  const clock = opts.clock ?? realClock;
  /** The expiry timer of each key written with a ttl. */
  const expiries = new Map<string, TimerHandle>();
  let rev = 1;
  let compacted = 0;
  const versions = new Map<string, Version[]>();
  const changes: Change[] = [];
  const watchers = new Set<(c: Change) => void>();

  const latest = (key: string): Version | undefined => versions.get(key)?.at(-1);
  const live = (key: string): Version | undefined => { const v = latest(key); return v?.value === null ? undefined : v; };
  const toObject = (v: Version): ApiObject => decodeObject(v.value as string, String(v.modRev));

  /** Arms (or, without a ttl, disarms) the key's expiry: like an etcd lease, every write replaces it. */
  const expireAfter = (key: string, w: WriteOptions | undefined): void => {
    const old = expiries.get(key);
    if (old) clock.clearTimeout(old);
    expiries.delete(key);
    if (!w?.ttlSeconds || w.ttlSeconds <= 0) return;
    expiries.set(key, clock.setTimeout(() => {
      expiries.delete(key);
      if (live(key)) write(key, null);
    }, w.ttlSeconds * 1000));
  };

  const write = (key: string, value: string | null, w?: WriteOptions): number => {
    expireAfter(key, w);
    const prev = live(key);
    rev++;
    const version: Version = { createRev: prev ? prev.createRev : rev, modRev: rev, value };
    versions.set(key, [...(versions.get(key) ?? []), version]);
    const change: Change = { rev, key, value, createRev: version.createRev, prev };
    changes.push(change);
    if (changes.length > historySize) changes.shift();
    for (const w of watchers) w(change);
    return rev;
  };

  // Reads and writes happen without an await in between, so each operation is atomic.
  const getNow = (key: string) => {
    const v = live(key);
    if (!v) throw notFound(groupResourceOfKey(key), nameOfKey(key));
    return toObject(v);
  };
  const get = async (key: string) => getNow(key);

  const create = async (key: string, obj: ApiObject, w?: WriteOptions) => {
    if (live(key)) throw alreadyExists(groupResourceOfKey(key), nameOfKey(key));
    const encoded = encodeObject(obj);
    return decodeObject(encoded, String(write(key, encoded, w)));
  };

  const guaranteedUpdate = async (key: string, tryUpdate: (cur: ApiObject) => ApiObject, pre?: Preconditions, w?: WriteOptions) => {
    const cur = getNow(key);
    checkPreconditions(key, cur, pre);
    const encoded = encodeObject(tryUpdate(cloneObject(cur)));
    if (encoded === live(key)?.value) return cur;
    return decodeObject(encoded, String(write(key, encoded, w)));
  };

  const del = async (key: string, pre?: Preconditions) => {
    const cur = getNow(key);
    checkPreconditions(key, cur, pre);
    write(key, null);
    return cur;
  };

  const list = async (prefix: string, o: ListOptions = {}): Promise<ListResult> => {
    let start = prefix;
    let at = parseResourceVersion(o.resourceVersion);
    if (o.resourceVersionMatch === 'NotOlderThan' && !o.continue) {
      if (at > rev) throw timeout(`Too large resource version: ${at}, current: ${rev}`);
      at = 0;
    }
    if (o.continue) {
      const token = decodeContinue(o.continue, prefix);
      start = token.start;
      at = parseResourceVersion(token.rv);
    }
    if (at > rev) throw timeout(`Too large resource version: ${at}, current: ${rev}`);
    if (at > 0 && at < compacted) throw o.continue ? continueExpired() : listExpired();
    const readAt = at > 0 ? at : rev;
    const keys = [...versions.keys()].filter((k) => k.startsWith(prefix) && k >= start).sort();
    const items: ApiObject[] = [];
    let more: string | undefined;
    for (const k of keys) {
      const v = versions.get(k)?.filter((x) => x.modRev <= readAt).at(-1);
      if (!v || v.value === null) continue;
      if (o.limit && items.length === o.limit) { more = k; break; }
      items.push(toObject(v));
    }
    const resourceVersion = String(readAt);
    return { items, resourceVersion, ...(more ? { continue: encodeContinue(resourceVersion, more) } : {}) };
  };

  const eventOf = (c: Change): WatchEvent => {
    if (c.value !== null) return { type: c.createRev === c.rev ? 'ADDED' : 'MODIFIED', object: decodeObject(c.value, String(c.rev)) };
    return { type: 'DELETED', object: decodeObject(c.prev?.value ?? '{"metadata":{}}', String(c.rev)) };
  };

  async function* rawWatch(prefix: string, fromRV: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    let after = parseResourceVersion(fromRV);
    const initial: WatchEvent[] = [];
    if (after === 0) {
      const state = await list(prefix);
      initial.push(...state.items.map((object): WatchEvent => ({ type: 'ADDED', object })));
      after = Number(state.resourceVersion);
    } else {
      // The first revision still replayable: compacted away or fallen out of the log before it.
      const firstKept = Math.max(compacted, changes[0]?.rev ?? rev + 1);
      if (after + 1 < firstKept && after < rev) throw tooOldResourceVersion(fromRV, String(firstKept));
    }
    // Registered and replayed in one synchronous step, so no change falls in between.
    const queue = new EventQueue<WatchEvent>();
    for (const e of initial) queue.push(e);
    for (const c of changes) if (c.rev > after && c.key.startsWith(prefix)) queue.push(eventOf(c));
    const listener = (c: Change) => { if (c.key.startsWith(prefix)) queue.push(eventOf(c)); };
    watchers.add(listener);
    const onAbort = () => queue.end();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) queue.end();
    try {
      yield* queue.drain();
    } finally {
      watchers.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  const currentRevision = async () => String(rev);
  const watch = (prefix: string, fromRV: string, signal: AbortSignal, opts?: WatchOptions): AsyncIterable<WatchEvent> =>
    (opts ? watchWithOptions({ list, currentRevision, watch: rawWatch }, prefix, fromRV, signal, opts) : rawWatch(prefix, fromRV, signal));

  const compact = async (revision: string) => {
    const r = Number(revision);
    if (r <= compacted) return;
    compacted = r;
    while (changes.length > 0 && changes[0].rev < r) changes.shift();
    for (const [key, vs] of versions) {
      // Keep the newest version at or before r (the state at r) and everything after.
      const keepFrom = Math.max(0, vs.findLastIndex((v) => v.modRev <= r));
      const kept = vs.slice(keepFrom);
      if (kept.length === 1 && kept[0].value === null) versions.delete(key); else versions.set(key, kept);
    }
  };

  const readRevisions = async (keys: string[]): Promise<KeyRevisions> =>
    ({ revision: String(rev), modRevisions: keys.map((k) => { const v = live(k); return v ? String(v.modRev) : undefined; }) });

  return {
    create, get, list, guaranteedUpdate, delete: del, watch,
    currentRevision, readRevisions,
    compact,
    close: async () => {
      watchers.clear();
      for (const t of expiries.values()) clock.clearTimeout(t);
      expiries.clear();
    },
    watchCount: () => watchers.size,
  };
};
