// The client contract every component codes against. Implementations live beside this file.
import type { ApiObject, DeleteOptions, List, WatchEvent } from '../../api/meta/v1';
import type { ResourceRef } from '../../api/resources';
import type { DeletedObject } from './tombstone';

/** What a kubeconfig context resolves to. */
export interface ClientConfig {
  server: string;            // https://127.0.0.1:6443
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  /** Re-read every minute; its last good value wins over `token` (client-go BearerTokenFile). */
  tokenFile?: string;
  namespace?: string;        // the context's namespace, default 'default'
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  timeoutMs?: number;
  /** Client-side rate limit (client-go QPS/Burst): unset means 50/100 (rateLimits); a negative qps disables it. */
  qps?: number;
  burst?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  contentType?: string;      // default application/json
  accept?: string;           // default application/json
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Overrides ClientConfig.timeoutMs for this request (client-go Request.Timeout). */
  timeoutMs?: number;
}

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchQuery extends ListQuery {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

/**
 * Typed access to one resource (`client.resource(podsInfo)`). `namespace` is ignored for
 * cluster-scoped resources; '' lists across all namespaces. Errors are StatusError.
 */
export interface ResourceClient<T extends ApiObject = ApiObject> {
  readonly info: ResourceRef;
  get(namespace: string, name: string, signal?: AbortSignal): Promise<T>;
  list(namespace: string, q?: ListQuery, signal?: AbortSignal): Promise<List<T>>;
  create(namespace: string, obj: T, opts?: { dryRun?: boolean; fieldManager?: string; signal?: AbortSignal }): Promise<T>;
  update(namespace: string, obj: T, opts?: { signal?: AbortSignal }): Promise<T>;
  updateStatus(namespace: string, obj: T): Promise<T>;
  patch(namespace: string, name: string, type: PatchType, patch: unknown, opts?: { subresource?: string; fieldManager?: string; dryRun?: boolean; force?: boolean }): Promise<T>;
  delete(namespace: string, name: string, opts?: DeleteOptions): Promise<unknown>;
  /** POST to a subresource, e.g. pods/binding. */
  createSubresource(namespace: string, name: string, subresource: string, body: unknown): Promise<unknown>;
  /** Yields events until the server closes the stream or `signal` aborts; an ERROR event with a 410 Status is thrown as expired(). */
  watch(namespace: string, q: WatchQuery, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

export interface Client {
  readonly config: ClientConfig;
  resource<T extends ApiObject = ApiObject>(info: ResourceRef): ResourceClient<T>;
  /** Raw request; resolves with the parsed JSON body (or text), throws StatusError on >= 400. */
  request<R = unknown>(method: string, path: string, opts?: RequestOptions): Promise<R>;
  /** Raw streaming GET (pods/log?follow=true); the caller reads the stream. */
  stream(path: string, opts?: RequestOptions): Promise<NodeJS.ReadableStream>;
}

/**
 * Informer callbacks. A handler that returns a promise is "busy" until it settles: later
 * notifications for it are queued in order (client-go processorListener) while the watch and
 * the other handlers carry on. Any other return value is ignored (hence `unknown`, so that
 * `add: (o) => list.push(o)` still type-checks).
 */
export type EventHandler<T> = {
  add?(obj: T): unknown;
  update?(oldObj: T, newObj: T): unknown;
  /**
   * The final state from a DELETED watch event, or a DeletedFinalStateUnknown when a relist found
   * the object gone (unwrap with objectFromDeleted). A property, not a method, so that the
   * compiler rejects a handler that only accepts T.
   */
  delete?: (obj: DeletedObject<T>) => unknown;
};

/** A shared informer: list, then watch, into an indexed cache; handlers only enqueue keys. */
export interface Informer<T extends ApiObject = ApiObject> {
  addEventHandler(h: EventHandler<T>): void;
  /** Runs until signal aborts. */
  run(signal: AbortSignal): Promise<void>;
  hasSynced(): boolean;
  /** Resolves when the first list has been delivered. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** `namespace/name` or `name` for cluster-scoped objects. */
  get(key: string): T | undefined;
  list(): T[];
  /** Objects indexed under `value` by the named indexer (`namespace` is always present). */
  byIndex(indexName: string, value: string): T[];
}

export interface WorkQueue {
  add(key: string): void;
  addRateLimited(key: string): void;
  addAfter(key: string, ms: number): void;
  forget(key: string): void;
  /** Resolves with the next key, or undefined once shut down. A key is never handed out twice at once. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  shutDown(): void;
  len(): number;
}

export interface EventRecorder {
  event(obj: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}
