// apiserver metrics (upstream names): requests by verb/resource/code, latency, in-flight
// requests (watches excluded, as upstream), open watches per resource, etcd request latency by
// operation and resource, and stored objects per resource (counted by the watch cache).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiserverMetrics {
  requests: Counter<'verb' | 'resource' | 'code'>;
  latency: Histogram<'verb' | 'resource'>;
  inflight: Gauge;
  watchers: Gauge<'resource'>;
  /** Counts one finished request and its latency (what every request pays: see requestObserver). */
  observeRequest(verb: string, resource: string, code: string, seconds: number): void;
  /** One etcd call's latency (etcd_request_duration_seconds). */
  observeEtcd(operation: string, resource: string, seconds: number): void;
  /** apiserver_storage_objects reads the counts from `objects` at every scrape. */
  countObjects(objects: () => Array<{ resource: string; count: number }>): void;
}

/**
 * prom-client hashes the label object on every inc/observe; a request's label sets are few
 * (verb × resource × code), so each set's children are looked up once and kept.
 */
const requestObserver = (requests: ApiserverMetrics['requests'], latency: ApiserverMetrics['latency']) => {
  const counters = new Map<string, { inc(): void }>();
  const histograms = new Map<string, { observe(v: number): void }>();
  return (verb: string, resource: string, code: string, seconds: number): void => {
    const vr = `${verb} ${resource}`;
    const vrc = `${vr} ${code}`;
    let counter = counters.get(vrc);
    if (!counter) {
      counter = requests.labels({ verb, resource, code });
      counters.set(vrc, counter);
    }
    let histogram = histograms.get(vr);
    if (!histogram) {
      histogram = latency.labels({ verb, resource });
      histograms.set(vr, histogram);
    }
    counter.inc();
    histogram.observe(seconds);
  };
};

/** The histogram's child per label set, looked up once (as requestObserver does). */
const etcdObserver = (latency: Histogram<'operation' | 'type'>) => {
  const children = new Map<string, { observe(v: number): void }>();
  return (operation: string, type: string, seconds: number): void => {
    const k = `${operation} ${type}`;
    let child = children.get(k);
    if (!child) {
      child = latency.labels({ operation, type });
      children.set(k, child);
    }
    child.observe(seconds);
  };
};

export const apiserverMetrics = (registry: Registry): ApiserverMetrics => {
  const requests = new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'] as const, registers: [registry] });
  const latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Request latency by verb and resource.', labelNames: ['verb', 'resource'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60], registers: [registry],
  });
  return {
    requests, latency,
    inflight: new Gauge({ name: 'apiserver_current_inflight_requests', help: 'Requests being served (watches excluded).', registers: [registry] }),
    watchers: new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['resource'], registers: [registry] }),
    observeRequest: requestObserver(requests, latency),
    observeEtcd: etcdObserver(new Histogram({
      name: 'etcd_request_duration_seconds', help: 'etcd request latency by operation and resource (type).', labelNames: ['operation', 'type'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    })),
    countObjects: (objects) => {
      new Gauge({
        name: 'apiserver_storage_objects', help: 'Stored objects by resource.', labelNames: ['resource'] as const, registers: [registry],
        collect() {
          for (const o of objects()) this.set({ resource: o.resource }, o.count);
        },
      });
    },
  };
};
