// Event correlation (client-go tools/record/events_cache.go EventCorrelator), pure and on an
// injected clock. Three steps, in upstream's order:
//  1. aggregate: events with the same source, object, type and reason but different messages
//     are counted per 10-minute window; from the 10th distinct message on they become one
//     event "(combined from similar events): <latest message>" keyed without the message;
//  2. observe: an event seen before under the same key becomes a PATCH of count,
//     lastTimestamp and message on the existing Event (same name, same firstTimestamp);
//  3. spam filter: each source+object has a token bucket (burst 25, one token per 5 minutes);
//     an event without a token is dropped.
import type { Event } from '../../api/core/v1';
import type { Clock } from './clock';
import { TokenBucket } from './rate-limiter';

export interface EventCorrelatorOptions {
  clock: Clock;
  /** Entries remembered by each cache (upstream maxLruCacheEntries 4096). */
  cacheSize?: number;
  /** Distinct messages before aggregation (upstream defaultAggregateMaxEvents 10). */
  maxEvents?: number;
  /** Aggregation window (upstream defaultAggregateIntervalInSeconds 600). */
  maxIntervalMs?: number;
  /** Per-object spam filter (upstream defaultSpamBurst 25, defaultSpamQPS 1/300). */
  spamBurst?: number;
  spamQps?: number;
}

export type EventPatch = Pick<Event, 'count' | 'lastTimestamp' | 'message'>;

export type CorrelationResult =
  | { skip: true }
  | { skip: false; event: Event; key: string; patch?: EventPatch };

export const combinedMessagePrefix = '(combined from similar events): ';

/** A Map used as an LRU: reads move an entry to the back, inserts evict from the front. */
class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) { this.m.delete(k); this.m.set(k, v); }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.size) this.m.delete(this.m.keys().next().value as string);
  }
  delete(k: string): void { this.m.delete(k); }
}

const objectKey = (e: Event): string[] => {
  const o = e.involvedObject;
  return [e.source?.component ?? '', e.source?.host ?? '', o.kind ?? '', o.namespace ?? '', o.name ?? '', o.uid ?? '', o.apiVersion ?? ''];
};
const join = (parts: string[]) => parts.join('\u0000');
/** getEventKey: everything that makes two events the same, message included. */
export const eventKey = (e: Event): string =>
  join([...objectKey(e), e.involvedObject.fieldPath ?? '', e.type ?? '', e.reason ?? '', e.message ?? '']);
const aggregateKey = (e: Event): string => join([...objectKey(e), e.type ?? '', e.reason ?? '', e.reportingComponent ?? '', e.reportingInstance ?? '']);

interface AggregateRecord { messages: Set<string>; lastTimestamp: number }
interface ObservedEvent { name: string; count: number; firstTimestamp?: string | null }

export class EventCorrelator {
  private readonly aggregates: Lru<AggregateRecord>;
  private readonly observed: Lru<ObservedEvent>;
  private readonly spam: Lru<TokenBucket>;
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;

  constructor(private readonly opts: EventCorrelatorOptions) {
    const size = opts.cacheSize ?? 4096;
    [this.aggregates, this.observed, this.spam] = [new Lru(size), new Lru(size), new Lru(size)];
    this.maxEvents = opts.maxEvents ?? 10;
    this.maxIntervalMs = opts.maxIntervalMs ?? 600_000;
  }

  correlate(input: Event): CorrelationResult {
    const { event, key } = this.aggregate(input);
    const { observedEvent, patch } = this.observe(event, key);
    if (!this.allow(observedEvent)) return { skip: true };
    return { skip: false, event: observedEvent, key, patch };
  }

  /** The Event under `key` is gone from the server: the next one with that key is created afresh. */
  forget(key: string): void { this.observed.delete(key); }

  private aggregate(event: Event): { event: Event; key: string } {
    const now = this.opts.clock.now();
    const aKey = aggregateKey(event);
    let rec = this.aggregates.get(aKey);
    if (!rec || now - rec.lastTimestamp > this.maxIntervalMs) rec = { messages: new Set(), lastTimestamp: now };
    rec.messages.add(event.message ?? '');
    rec.lastTimestamp = now;
    if (rec.messages.size >= this.maxEvents) {
      // Keep the set below the limit by forgetting one message, as upstream's PopAny.
      rec.messages.delete(rec.messages.values().next().value as string);
      this.aggregates.set(aKey, rec);
      return { event: { ...event, message: `${combinedMessagePrefix}${event.message ?? ''}` }, key: aKey };
    }
    this.aggregates.set(aKey, rec);
    return { event, key: eventKey(event) };
  }

  private observe(event: Event, key: string): { observedEvent: Event; patch?: EventPatch } {
    const last = this.observed.get(key);
    if (!last) {
      this.observed.set(key, { name: event.metadata.name ?? '', count: event.count ?? 1, firstTimestamp: event.firstTimestamp });
      return { observedEvent: event };
    }
    const count = last.count + 1;
    this.observed.set(key, { ...last, count });
    const observedEvent: Event = { ...event, metadata: { ...event.metadata, name: last.name }, count, firstTimestamp: last.firstTimestamp };
    return { observedEvent, patch: { count, lastTimestamp: event.lastTimestamp, message: event.message } };
  }

  private allow(event: Event): boolean {
    const key = join(objectKey(event));
    let bucket = this.spam.get(key);
    if (!bucket) {
      bucket = new TokenBucket({ qps: this.opts.spamQps ?? 1 / 300, burst: this.opts.spamBurst ?? 25, clock: this.opts.clock });
      this.spam.set(key, bucket);
    }
    return bucket.tryAccept();
  }
}
