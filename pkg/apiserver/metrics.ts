// apiserver metrics (upstream names): requests by verb/resource/code, latency, in-flight
// requests (watches excluded, as upstream), and open watches per resource.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiserverMetrics {
  requests: Counter<'verb' | 'resource' | 'code'>;
  latency: Histogram<'verb' | 'resource'>;
  inflight: Gauge;
  watchers: Gauge<'resource'>;
}

export const apiserverMetrics = (registry: Registry): ApiserverMetrics => ({
  requests: new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'], registers: [registry] }),
  latency: new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Request latency by verb and resource.', labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60], registers: [registry],
  }),
  inflight: new Gauge({ name: 'apiserver_current_inflight_requests', help: 'Requests being served (watches excluded).', registers: [registry] }),
  watchers: new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['resource'], registers: [registry] }),
});
