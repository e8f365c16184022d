// The etcd3 Store (apiserver storage/etcd3/store.go, kine's txn shapes). Every write is one
// txn guarded by create_revision == 0 (create) or mod_revision == rev (update, delete), so
// optimistic concurrency is etcd's own. resourceVersion is the key's mod_revision.
import { Etcd3, type IKeyValue, type IRangeRequest, type IRangeResponse } from 'etcd3';
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { alreadyExists, notFound, timeout } from '../apimachinery/errors';
import type { Logger } from '../log';
import type { ListOptions, ListResult, Preconditions, Store, WatchOptions, WriteOptions } from './interface';
import {
  checkPreconditions, cloneObject, continueExpired, decodeContinue, decodeObject, encodeContinue,
  encodeObject, groupResourceOfKey, listExpired, nameOfKey, parseResourceVersion, prefixEnd,
} from './keys';
import { watchEtcd } from './etcd-watch';
import { watchWithOptions } from './watch-options';
import { realClock } from './clock';
import { LeaseManager } from './lease-manager';

export interface EtcdStoreOptions {
  endpoints: string[];
  log: Logger;
  /** Per-call deadline; etcd calls never hang forever. */
  callTimeoutMs?: number;
}

export interface EtcdStore extends Store {
  /** Drops history before `revision` (the apiserver calls this on a timer). */
  compact(revision: string): Promise<void>;
}

const decodeKv = (kv: IKeyValue): ApiObject => decodeObject(kv.value.toString('utf8'), kv.mod_revision);

/** etcd answers these for reads at a compacted or a future revision. */
const isCompactedError = (err: unknown) => err instanceof Error && err.message.includes('required revision has been compacted');
const isFutureRevError = (err: unknown) => err instanceof Error && err.message.includes('required revision is a future revision');

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
  const log = opts.log;
  const leases = new LeaseManager({
    clock: realClock,
    grant: async (ttl) => (await client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 })).ID,
  });
  /** The lease a write attaches its key to: none without a ttl. */
  const leaseOf = async (w?: WriteOptions): Promise<string | undefined> =>
    (w?.ttlSeconds && w.ttlSeconds > 0 ? leases.leaseFor(w.ttlSeconds) : undefined);

  const range = async (req: IRangeRequest): Promise<IRangeResponse> => {
    try {
      return await client.kv.range(req);
    } catch (err) {
      if (isFutureRevError(err)) {
        const cur = await currentRevision();
        throw timeout(`Too large resource version: ${String(req.revision)}, current: ${cur}`);
      }
      throw err;
    }
  };

  const getKv = async (key: string): Promise<IKeyValue | undefined> =>
    (await range({ key: Buffer.from(key) })).kvs[0];

  const currentRevision = async (): Promise<string> =>
    (await client.kv.range({ key: Buffer.from('/registry/'), count_only: true })).header.revision;

  const create = async (key: string, obj: ApiObject, w?: WriteOptions): Promise<ApiObject> => {
    const encoded = encodeObject(obj);
    const lease = await leaseOf(w);
    const res = await client.kv.txn({
      compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(encoded), ...(lease ? { lease } : {}) } }],
    });
    if (!res.succeeded) throw alreadyExists(groupResourceOfKey(key), nameOfKey(key));
    log.v(6, 'etcd create', { key, rv: res.header.revision });
    // What was stored is `obj` at the txn's revision: no need to parse the bytes back.
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.header.revision } };
  };

  const get = async (key: string): Promise<ApiObject> => {
    const kv = await getKv(key);
    if (!kv) throw notFound(groupResourceOfKey(key), nameOfKey(key));
    return decodeKv(kv);
  };

  /** Writes `value` only if the key is still at `rev`; on a lost race returns the new current kv. */
  const casPut = async (key: string, rev: string, value: string | null, lease?: string) => {
    const k = Buffer.from(key);
    const res = await client.kv.txn({
      compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: rev }],
      success: [value === null ? { request_delete_range: { key: k } } : { request_put: { key: k, value: Buffer.from(value), ...(lease ? { lease } : {}) } }],
      failure: [{ request_range: { key: k } }],
    });
    if (res.succeeded) return { ok: true as const, revision: res.header.revision };
    return { ok: false as const, current: res.responses[0]?.response_range.kvs[0] };
  };

  const guaranteedUpdate = async (key: string, tryUpdate: (cur: ApiObject) => ApiObject, pre?: Preconditions, w?: WriteOptions) => {
    let kv = await getKv(key);
    for (;;) {
      if (!kv) throw notFound(groupResourceOfKey(key), nameOfKey(key));
      const cur = decodeKv(kv);
      checkPreconditions(key, cur, pre);
      const encoded = encodeObject(tryUpdate(cloneObject(cur)));
      // A no-op update writes nothing and keeps the resourceVersion, as upstream does.
      if (encoded === kv.value.toString('utf8')) return cur;
      // Every write of a ttl'd object renews its expiry (upstream's event TTLFunc applies to updates too).
      const res = await casPut(key, kv.mod_revision, encoded, await leaseOf(w));
      if (res.ok) {
        log.v(6, 'etcd update', { key, rv: res.revision });
        return decodeObject(encoded, res.revision);
      }
      log.v(4, 'etcd update lost a race, retrying', { key });
      kv = res.current;
    }
  };

  const del = async (key: string, pre?: Preconditions): Promise<ApiObject> => {
    let kv = await getKv(key);
    for (;;) {
      if (!kv) throw notFound(groupResourceOfKey(key), nameOfKey(key));
      const cur = decodeKv(kv);
      checkPreconditions(key, cur, pre);
      const res = await casPut(key, kv.mod_revision, null);
      if (res.ok) {
        log.v(6, 'etcd delete', { key, rv: res.revision });
        return cur;
      }
      kv = res.current;
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
    let res: IRangeResponse;
    try {
      res = await range({ key: Buffer.from(start), range_end: prefixEnd(prefix), revision: rev, limit });
    } catch (err) {
      if (isCompactedError(err)) throw o.continue ? continueExpired() : listExpired();
      throw err;
    }
    if (notOlderThan > Number(res.header.revision)) {
      throw timeout(`Too large resource version: ${notOlderThan}, current: ${res.header.revision}`);
    }
    const resourceVersion = rev > 0 ? String(rev) : res.header.revision;
    const items = res.kvs.map(decodeKv);
    const last = res.kvs[res.kvs.length - 1];
    const next = res.more && last ? encodeContinue(resourceVersion, last.key.toString('utf8') + '\x00') : undefined;
    return { items, resourceVersion, ...(next ? { continue: next } : {}) };
  };

  const rawWatch = (prefix: string, fromRV: string, signal: AbortSignal): AsyncIterable<WatchEvent> =>
    watchEtcd({ client, prefix, fromRV, signal, log, list: (p) => list(p) });
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

  const close = async (): Promise<void> => { client.close(); };

  return { create, get, list, guaranteedUpdate, delete: del, watch, currentRevision, compact, close };
};
