// Records core/v1 Events about objects (client-go tools/record: event.go + events_cache.go,
// simplified). A repeat of the same object+type+reason+message within the LRU's memory bumps
// count/lastTimestamp on the existing Event instead of creating another. Recording never throws
// and never blocks the caller: sends are queued on one chain and failures are logged.
import os from 'node:os';
import type { ApiObject } from '../../api/meta/v1';
import type { Event } from '../../api/core/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { isNotFound } from '../apimachinery/errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';
import type { Client, EventRecorder } from './types';

export interface EventRecorderOptions {
  clock?: Clock;
  /** Distinct events remembered for de-duplication (default 256). */
  cacheSize?: number;
  host?: string;
  /** Events queued beyond this are dropped (and logged) rather than held in memory. */
  maxPending?: number;
}

export interface FlushableEventRecorder extends EventRecorder {
  /** Resolves once every event recorded so far has been sent (or has failed). */
  flush(): Promise<void>;
}

const eventsInfo = findResource('', 'v1', 'events') as ResourceInfo;

/** RFC 3339 with second precision, as upstream's metav1.Time serialises. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const createEventRecorder = (client: Client, component: string, log: Logger, opts: EventRecorderOptions = {}): FlushableEventRecorder => {
  const clock = opts.clock ?? realClock;
  const host = opts.host ?? os.hostname().toLowerCase();
  const cacheSize = opts.cacheSize ?? 256;
  const maxPending = opts.maxPending ?? 1000;
  const events = client.resource<Event & ApiObject>(eventsInfo);
  const seen = new Map<string, { name: string; count: number }>(); // insertion order = LRU order
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  // A random start keeps two recorders (two processes) from picking the same name in one millisecond.
  let seq = Math.floor(Math.random() * 1_000_000);

  const remember = (key: string, entry: { name: string; count: number }) => {
    seen.delete(key);
    seen.set(key, entry);
    if (seen.size > cacheSize) seen.delete(seen.keys().next().value as string);
  };

  /** Bumps the count of a known Event; false when it is gone and must be created again. */
  const bump = async (ns: string, key: string, hit: { name: string; count: number }, now: string): Promise<boolean> => {
    try {
      await events.patch(ns, hit.name, 'merge', { count: hit.count + 1, lastTimestamp: now });
      remember(key, { name: hit.name, count: hit.count + 1 });
      return true;
    } catch (err) {
      if (isNotFound(err)) { seen.delete(key); return false; }
      throw err;
    }
  };

  const send = async (obj: ApiObject, type: string, reason: string, message: string): Promise<void> => {
    const ns = obj.metadata.namespace || 'default'; // cluster-scoped objects' events live in default, as upstream
    const involvedObject = {
      apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name,
      uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion,
    };
    const key = [ns, obj.kind, obj.metadata.name, obj.metadata.uid, type, reason, message].join('\u0000');
    const now = rfc3339(clock.now());
    const hit = seen.get(key);
    if (hit && await bump(ns, key, hit, now)) return;
    // `<name>.<hex unix nanos>` like upstream; the sequence keeps names unique within one millisecond.
    const name = `${obj.metadata.name}.${(BigInt(clock.now()) * 1_000_000n + BigInt(seq++ % 1_000_000)).toString(16)}`;
    await events.create(ns, {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, involvedObject, type, reason, message,
      source: { component, host }, firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: component, reportingInstance: host,
    });
    remember(key, { name, count: 1 });
  };

  return {
    event(obj, type, reason, message) {
      log.v(2, 'event', { object: `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, type, reason, message });
      if (pending >= maxPending) {
        log.warn('dropping event, too many pending', { reason, object: obj.metadata.name });
        return;
      }
      pending++;
      tail = tail.then(() => send(obj, type, reason, message)).catch((err: unknown) => {
        log.warn('failed to record event', { reason, object: obj.metadata.name, error: err });
      }).finally(() => { pending--; });
    },
    flush: () => tail,
  };
};
