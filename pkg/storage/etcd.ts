// The etcd3 Store (apiserver storage/etcd3/store.go, kine's txn shapes). Every write is one
// txn guarded by create_revision == 0 (create) or mod_revision == rev (update, delete), so
// optimistic concurrency is etcd's own. resourceVersion is the key's mod_revision.
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { alreadyExists, notFound, requestEntityTooLarge, timeout } from '../apimachinery/errors';
import type { Logger } from '../log';
import type { KeyRevisions, ListOptions, ListResult, Preconditions, RevisionReader, Store, WatchOptions, WriteOptions } from './interface';
import {
  checkPreconditions, cloneObject, continueExpired, decodeContinue, decodeObject, encodeContinue,
  encodeObject, groupResourceOfKey, listExpired, nameOfKey, parseResourceVersion, prefixEnd,
} from './keys';
import { watchEtcd } from './etcd-watch';
import { watchWithOptions } from './watch-options';
import { realClock } from './clock';
import { LeaseManager } from './lease-manager';
import { createEtcdKv } from './etcd-kv';
import type { KeyValue, RangeArgs, RangeResult } from './etcd-proto';

/** Told the duration of every etcd call: the store's operation and the resource of its key. */
export type EtcdObserver = (operation: string, resource: string, seconds: number) => void;

export interface EtcdStoreOptions {
  endpoints: string[];
  log: Logger;
  /** Per-call deadline; etcd calls never hang forever. */
  callTimeoutMs?: number;
  /** etcd request latency (the apiserver's etcd_request_duration_seconds). */
  observe?: EtcdObserver;
}

/** `/registry/pods/ns/x` → `pods`. */
const resourceOfKey = (key: string): string => key.split('/')[2] ?? '';

export interface EtcdStore extends Store, RevisionReader {
  /** Drops history before `revision` (the apiserver calls this on a timer). */
  compact(revision: string): Promise<void>;
}

const decodeKv = (kv: KeyValue): ApiObject => decodeObject(kv.value.toString('utf8'), kv.mod_revision);

/** etcd answers these for reads at a compacted or a future revision. */
const isCompactedError = (err: unknown) => err instanceof Error && err.message.includes('required revision has been compacted');
const isFutureRevError = (err: unknown) => err instanceof Error && err.message.includes('required revision is a future revision');
/**
 * etcd refuses a write over its --max-request-bytes (1.5 MiB) with "request is too large", and
 * its gRPC server one over 2 MiB before reading it; upstream answers both 413, not 500.
 */
const tooLargeAsStatus = (err: unknown): never => {
  if (err instanceof Error && (err.message.includes('etcdserver: request is too large') || /RESOURCE_EXHAUSTED.*larger than max/.test(err.message))) {
    throw requestEntityTooLarge('etcdserver: request is too large');
  }
  throw err;
};

export const createEtcdStore = (opts: EtcdStoreOptions): EtcdStore => {
  const callTimeoutMs = opts.callTimeoutMs ?? 10_000;
  const client = new Etcd3({
    hosts: opts.endpoints,
    dialTimeout: callTimeoutMs,
    // Unary calls get a deadline; watch streams live until cancelled.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    // Lists of many objects exceed gRPC's 4 MiB default; etcd itself bounds responses.
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
  });
  // Range and Txn (every get, create, update, delete and list) skip the etcd3 wrappers.
  const kv = createEtcdKv(opts.endpoints, callTimeoutMs);
  const log = opts.log;
  const leases = new LeaseManager({
    clock: realClock,
    grant: async (ttl) => (await client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 })).ID,
  });
  /** The lease a write attaches its key to: none without a ttl. */
  const leaseOf = async (w?: WriteOptions): Promise<string | undefined> =>
    (w?.ttlSeconds && w.ttlSeconds > 0 ? leases.leaseFor(w.ttlSeconds) : undefined);

  const observe = opts.observe;
  /** Runs one etcd call, telling `observe` how long it took. */
  const timed = async <T>(operation: string, key: string, call: () => Promise<T>): Promise<T> => {
    if (!observe) return call();
    const t0 = performance.now();
    try {
      return await call();
    } finally {
      observe(operation, resourceOfKey(key), (performance.now() - t0) / 1000);
    }
  };

  const range = async (operation: string, req: RangeArgs): Promise<RangeResult> => {
    try {
      return await timed(operation, req.key, () => kv.range(req));
    } catch (err) {
      if (isFutureRevError(err)) {
        const cur = await currentRevision();
        throw timeout(`Too large resource version: ${String(req.revision)}, current: ${cur}`);
      }
      throw err;
    }
  };

  const getKv = async (key: string): Promise<KeyValue | undefined> => (await range('get', { key })).kvs[0];

  const currentRevision = async (): Promise<string> =>
    (await timed('currentRevision', '/registry/', () => kv.range({ key: '/registry/', countOnly: true }))).revision;

  const create = async (key: string, obj: ApiObject, w?: WriteOptions): Promise<ApiObject> => {
    const encoded = encodeObject(obj);
    const lease = await leaseOf(w);
    const res = await timed('create', key, () => kv.txn({
      compare: [{ key, target: 'Create', revision: '0' }],
      success: [{ put: { key, value: encoded, ...(lease ? { lease } : {}) } }],
    })).catch(tooLargeAsStatus);
    if (!res.succeeded) throw alreadyExists(groupResourceOfKey(key), nameOfKey(key));
    log.v(6, 'etcd create', { key, rv: res.revision });
    // What was stored is `obj` at the txn's revision: no need to parse the bytes back.
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.revision } };
  };

  const get = async (key: string): Promise<ApiObject> => {
    const cur = await getKv(key);
    if (!cur) throw notFound(groupResourceOfKey(key), nameOfKey(key));
    return decodeKv(cur);
  };

  /** Writes `value` only if the key is still at `rev`; on a lost race returns the new current kv. */
  const casPut = async (key: string, rev: string, value: string | null, lease?: string) => {
    const res = await timed(value === null ? 'delete' : 'update', key, () => kv.txn({
      compare: [{ key, target: 'Mod', revision: rev }],
      success: [value === null ? { deleteKey: key } : { put: { key, value, ...(lease ? { lease } : {}) } }],
      failure: [{ rangeKey: key }],
    })).catch(tooLargeAsStatus);
    if (res.succeeded) return { ok: true as const, revision: res.revision };
    return { ok: false as const, current: res.ranges[0]?.[0] };
  };

  const guaranteedUpdate = async (key: string, tryUpdate: (cur: ApiObject) => ApiObject, pre?: Preconditions, w?: WriteOptions) => {
    let stored = await getKv(key);
    for (;;) {
      if (!stored) throw notFound(groupResourceOfKey(key), nameOfKey(key));
      const cur = decodeKv(stored);
      checkPreconditions(key, cur, pre);
      const encoded = encodeObject(tryUpdate(cloneObject(cur)));
      // A no-op update writes nothing and keeps the resourceVersion, as upstream does.
      if (encoded === stored.value.toString('utf8')) return cur;
      // Every write of a ttl'd object renews its expiry (upstream's event TTLFunc applies to updates too).
      const res = await casPut(key, stored.mod_revision, encoded, await leaseOf(w));
      if (res.ok) {
        log.v(6, 'etcd update', { key, rv: res.revision });
        return decodeObject(encoded, res.revision);
      }
      log.v(4, 'etcd update lost a race, retrying', { key });
      stored = res.current;
    }
  };

  const del = async (key: string, pre?: Preconditions): Promise<ApiObject> => {
    let stored = await getKv(key);
    for (;;) {
      if (!stored) throw notFound(groupResourceOfKey(key), nameOfKey(key));
      const cur = decodeKv(stored);
      checkPreconditions(key, cur, pre);
      const res = await casPut(key, stored.mod_revision, null);
      if (res.ok) {
        log.v(6, 'etcd delete', { key, rv: res.revision });
        return cur;
      }
      stored = res.current;
    }
  };

  const list = async (prefix: string, o: ListOptions = {}): Promise<ListResult> => {
    let start = prefix;
    let rev = parseResourceVersion(o.resourceVersion);
    // NotOlderThan N: the latest state, which is at N or later unless N lies in the future.
    const notOlderThan = o.resourceVersionMatch === 'NotOlderThan' && !o.continue ? rev : 0;
    if (notOlderThan > 0) rev = 0;
    if (o.continue) {
      const token = decodeContinue(o.continue, prefix);
      start = token.start;
      rev = parseResourceVersion(token.rv);
    }
    const limit = o.limit && o.limit > 0 ? o.limit : 0;
    let res: RangeResult;
    try {
      res = await range('list', { key: start, rangeEnd: prefixEnd(prefix), revision: rev, limit });
    } catch (err) {
      if (isCompactedError(err)) throw o.continue ? continueExpired() : listExpired();
      throw err;
    }
    if (notOlderThan > Number(res.revision)) {
      throw timeout(`Too large resource version: ${notOlderThan}, current: ${res.revision}`);
    }
    const resourceVersion = rev > 0 ? String(rev) : res.revision;
    const items = res.kvs.map(decodeKv);
    const last = res.kvs[res.kvs.length - 1];
    const next = res.more && last ? encodeContinue(resourceVersion, last.key.toString('utf8') + '\x00') : undefined;
    return { items, resourceVersion, ...(next ? { continue: next } : {}) };
  };

  const rawWatch = (prefix: string, fromRV: string, signal: AbortSignal): AsyncIterable<WatchEvent> =>
    watchEtcd({ kv, prefix, fromRV, signal, log, list: (p) => list(p) });
  const watch = (prefix: string, fromRV: string, signal: AbortSignal, opts?: WatchOptions): AsyncIterable<WatchEvent> =>
    (opts ? watchWithOptions({ list, currentRevision, watch: rawWatch }, prefix, fromRV, signal, opts) : rawWatch(prefix, fromRV, signal));

  const compact = async (revision: string): Promise<void> => {
    try {
      await client.kv.compact({ revision, physical: true });
      log.v(2, 'etcd compacted', { revision });
    } catch (err) {
      if (!isCompactedError(err)) throw err;
      log.v(4, 'etcd compaction already done', { revision });
    }
  };

  const close = async (): Promise<void> => { kv.close(); client.close(); };

  /** One Txn of keys-only ranges: a linearizable read of where each key stands. */
  const readRevisions = async (keys: string[]): Promise<KeyRevisions> => {
    const res = await timed('readRevisions', keys[0] ?? '', () => kv.txn({ compare: [], success: keys.map((key) => ({ rangeKey: key, keysOnly: true })) }));
    return { revision: res.revision, modRevisions: res.ranges.map((r) => r[0]?.mod_revision) };
  };

  return { create, get, list, guaranteedUpdate, delete: del, watch, currentRevision, compact, close, readRevisions };
};
