// Records core/v1 Events about objects (client-go tools/record event.go + events_cache.go). Each
// event goes through the EventCorrelator (./event-correlator.ts): repeats become a PATCH of
// count/lastTimestamp/message on the existing Event, floods of one reason with varying messages
// are combined, and each object is rate limited (burst 25, then one per 5 minutes). Recording
// never throws and never blocks the caller: sends are queued on one chain and failures logged.
import os from 'node:os';
import type { ApiObject } from '../../api/meta/v1';
import type { Event } from '../../api/core/v1';
import type { ResourceRef } from '../../api/resources';
import { isNotFound } from '../apimachinery/errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';
import { EventCorrelator, type EventCorrelatorOptions, type EventPatch } from './event-correlator';
import type { Client, EventRecorder } from './types';

export interface EventRecorderOptions extends Partial<Omit<EventCorrelatorOptions, 'clock'>> {
  clock?: Clock;
  host?: string;
  /** Events queued beyond this are dropped (and logged) rather than held in memory. */
  maxPending?: number;
}

export interface FlushableEventRecorder extends EventRecorder {
  /** Resolves once every event recorded so far has been sent (or has failed). */
  flush(): Promise<void>;
}

/** core/v1 events (as in api/resources.ts; events.test.ts checks they agree). Not looked up there, so
 * that loading the client does not build every schema. */
export const eventsRef: ResourceRef = { group: '', version: 'v1', kind: 'Event', listKind: 'EventList', plural: 'events', namespaced: true };

/** RFC 3339 with second precision, as upstream's metav1.Time serialises. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type ApiEvent = Event & ApiObject;

export const createEventRecorder = (client: Client, component: string, log: Logger, opts: EventRecorderOptions = {}): FlushableEventRecorder => {
  const clock = opts.clock ?? realClock;
  const host = opts.host ?? os.hostname().toLowerCase();
  const maxPending = opts.maxPending ?? 1000;
  const events = client.resource<ApiEvent>(eventsRef);
  const correlator = new EventCorrelator({ ...opts, clock });
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  // A random start keeps two recorders (two processes) from picking the same name in one millisecond.
  let seq = Math.floor(Math.random() * 1_000_000);

  const build = (obj: ApiObject, type: string, reason: string, message: string): ApiEvent => {
    const ns = obj.metadata.namespace || 'default'; // cluster-scoped objects' events live in default, as upstream
    const now = rfc3339(clock.now());
    // `<name>.<hex unix nanos>` like upstream; the sequence keeps names unique within one millisecond.
    const name = `${obj.metadata.name}.${(BigInt(clock.now()) * 1_000_000n + BigInt(seq++ % 1_000_000)).toString(16)}`;
    return {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name,
        uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion,
      },
      type, reason, message, source: { component, host }, firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: component, reportingInstance: host,
    };
  };

  /** recordToSink: PATCH a known Event; if it is gone, create it again (upstream does the same). */
  const send = async (event: ApiEvent, key: string, patch: EventPatch | undefined): Promise<void> => {
    const ns = event.metadata.namespace ?? 'default';
    if (patch) {
      try {
        await events.patch(ns, event.metadata.name ?? '', 'strategic', patch);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    try {
      await events.create(ns, { ...event, metadata: { name: event.metadata.name, namespace: ns } });
    } catch (err) {
      correlator.forget(key); // never stored: the next repeat must create, not patch
      throw err;
    }
  };

  return {
    event(obj, type, reason, message) {
      log.v(2, 'event', { object: `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, type, reason, message });
      const result = correlator.correlate(build(obj, type, reason, message));
      if (result.skip) {
        log.v(2, 'event dropped by the per-object rate limit', { reason, object: obj.metadata.name });
        return;
      }
      if (pending >= maxPending) {
        log.warn('dropping event, too many pending', { reason, object: obj.metadata.name });
        return;
      }
      pending++;
      const { event, key, patch } = result;
      tail = tail.then(() => send(event as ApiEvent, key, patch)).catch((err: unknown) => {
        log.warn('failed to record event', { reason, object: obj.metadata.name, error: err });
      }).finally(() => { pending--; });
    },
    flush: () => tail,
  };
};
