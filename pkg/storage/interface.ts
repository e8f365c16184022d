// The storage contract (apiserver storage.Interface, kine Backend). Keys are
// /registry/<resource>/<namespace>/<name>; resourceVersion is etcd's revision.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';

export interface Preconditions { resourceVersion?: string; uid?: string }

export interface ListOptions {
  /**
   * '' or undefined: the latest state (a consistent read). '0': any state (the watch cache may
   * answer). N: exactly revision N, or with resourceVersionMatch NotOlderThan any state ≥ N.
   */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
}

/** How a watch filters and annotates its stream (upstream's storage.ListOptions for Watch). */
export interface WatchOptions {
  /**
   * Only objects that match are seen, with transitions: an object that starts matching arrives as
   * ADDED, one that stops matching as DELETED (upstream's watch filtering). Undefined: everything.
   */
  predicate?: (obj: ApiObject) => boolean;
  /** allowWatchBookmarks: periodic BOOKMARK events (object carries only metadata.resourceVersion). */
  bookmarks?: boolean;
  /**
   * true: ADDED for the state not older than fromRV ('' = the latest), then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`, then the changes. false: changes only, even from '' or '0'.
   * undefined: the legacy rule (synthetic ADDED only from '' and '0').
   */
  sendInitialEvents?: boolean;
}

export interface ListResult { items: ApiObject[]; resourceVersion: string; continue?: string }

/** Options of a write (upstream's ttl argument of storage.Interface Create and GuaranteedUpdate). */
export interface WriteOptions {
  /**
   * The object expires this many seconds after the write (etcd: a lease, shared by the writes of
   * a short time window, so the key goes at ttl to ttl + a few percent). Undefined or 0: never.
   */
  ttlSeconds?: number;
}

/** Options of a get (upstream's GetOptions.ResourceVersion). */
export interface GetOptions {
  /** '0': any recent state will do (the watch cache may answer). Otherwise the latest state. */
  resourceVersion?: string;
  /**
   * The caller only reads the object: it may be the watch cache's frozen, shared copy, also for
   * the latest state (the cacher checks the key's revision in etcd first, see cacher.ts).
   */
  readOnly?: boolean;
}

/** Where each key stands at one revision: its mod_revision, or undefined when it does not exist. */
export interface KeyRevisions { revision: string; modRevisions: Array<string | undefined> }

/** A store that can read the revisions of many keys in one linearizable read (etcd: one Txn). */
export interface RevisionReader {
  /** At most `maxRevisionKeys` keys per call (etcd's --max-txn-ops default is 128). */
  readRevisions(keys: string[]): Promise<KeyRevisions>;
}

export const maxRevisionKeys = 128;

export interface Store {
  /** Fails with AlreadyExists (409). The stored object carries its new resourceVersion. */
  create(key: string, obj: ApiObject, opts?: WriteOptions): Promise<ApiObject>;
  /** Fails with NotFound. */
  get(key: string, opts?: GetOptions): Promise<ApiObject>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write with compare-and-swap on mod_revision; retries on a lost race unless the
   * caller pinned a resourceVersion in `pre`, in which case a mismatch is Conflict (409).
   * `tryUpdate` may throw a StatusError to abort.
   */
  guaranteedUpdate(key: string, tryUpdate: (cur: ApiObject) => ApiObject, pre?: Preconditions, opts?: WriteOptions): Promise<ApiObject>;
  /** Fails with NotFound, or Conflict when a precondition does not hold. Returns the last state. */
  delete(key: string, pre?: Preconditions): Promise<ApiObject>;
  /**
   * Events after `fromRV` (exclusive) under `prefix`. '' or '0' (as upstream's "Get State and
   * Start at Most Recent") first yields synthetic ADDED events for the current state, then the
   * changes after that state. Throws expired (410, `too old resource version: X (Y)`) when fromRV
   * has been compacted. Ends when `signal` aborts. DELETED events carry the last state with the
   * deletion's revision as resourceVersion.
   */
  watch(prefix: string, fromRV: string, signal: AbortSignal, opts?: WatchOptions): AsyncIterable<WatchEvent>;
  /** The current revision of the store. */
  currentRevision(): Promise<string>;
  close(): Promise<void>;
}

/** Storage key of an object; cluster-scoped objects have no namespace segment. */
export const objectKey = (resource: string, namespace: string | undefined, name: string): string =>
  namespace ? `/registry/${resource}/${namespace}/${name}` : `/registry/${resource}/${name}`;

/** Prefix of every object of a resource, optionally within one namespace. */
export const resourcePrefix = (resource: string, namespace?: string): string =>
  namespace ? `/registry/${resource}/${namespace}/` : `/registry/${resource}/`;
