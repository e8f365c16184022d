// Proxy metrics, named as kube-proxy's (pkg/proxy/metrics) so dashboards carry over.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ProxyMetrics {
  synced(seconds: number, natRules: number, filterRules: number, nowMs: number): void;
  restoreFailed(): void;
}

export const newProxyMetrics = (registry: Registry): ProxyMetrics => {
  const duration = new Histogram({
    name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds (its _count is the number of syncs).',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10], registers: [registry],
  });
  const last = new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'The last time proxy rules were successfully synced.', registers: [registry] });
  const total = new Gauge({ name: 'kubeproxy_sync_proxy_rules_iptables_total', help: 'Total number of iptables rules owned by kube-proxy.', labelNames: ['table'], registers: [registry] });
  const failures = new Counter({ name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', help: 'Cumulative proxy iptables restore failures.', registers: [registry] });
  return {
    synced: (seconds, natRules, filterRules, nowMs) => {
      duration.observe(seconds);
      last.set(nowMs / 1000);
      total.set({ table: 'nat' }, natRules);
      total.set({ table: 'filter' }, filterRules);
    },
    restoreFailed: () => failures.inc(),
  };
};
