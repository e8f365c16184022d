// observeRequest's cached children count into the same series prom-client's label lookups do.
import { Registry } from 'prom-client';
import { apiserverMetrics } from './metrics';

test('observeRequest counts each label set and observes its latency', async () => {
  const registry = new Registry();
  const m = apiserverMetrics(registry);
  m.observeRequest('create', 'pods', '201', 0.002);
  m.observeRequest('create', 'pods', '201', 0.02);
  m.observeRequest('create', 'pods', '409', 0.003);
  m.observeRequest('get', 'pods', '200', 0.0005);
  const text = await registry.metrics();
  expect(text).toContain('apiserver_request_total{verb="create",resource="pods",code="201"} 2');
  expect(text).toContain('apiserver_request_total{verb="create",resource="pods",code="409"} 1');
  expect(text).toContain('apiserver_request_total{verb="get",resource="pods",code="200"} 1');
  expect(text).toContain('apiserver_request_duration_seconds_count{verb="create",resource="pods"} 3');
  expect(text).toContain('apiserver_request_duration_seconds_bucket{le="0.0025",verb="create",resource="pods"} 1');
});
