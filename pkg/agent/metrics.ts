// The agent's metrics (names after upstream's kubelet_* series) and a RuntimeService wrapper
// that times every runtime call.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RuntimeService } from './runtime-client';

export interface AgentMetrics {
  podWorkers: Gauge;
  podSyncDuration: Histogram;
  runtimeOperationDuration: Histogram;
  runtimeOperationErrors: Counter;
}

export const newAgentMetrics = (registry: Registry): AgentMetrics => ({
  podWorkers: new Gauge({ name: 'berth_agent_pod_workers', help: 'Pod workers alive.', registers: [registry] }),
  podSyncDuration: new Histogram({
    name: 'berth_agent_pod_worker_duration_seconds', help: 'Duration of one pod sync.', labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  }),
  runtimeOperationDuration: new Histogram({
    name: 'berth_agent_runtime_operations_duration_seconds', help: 'Duration of runtime operations.', labelNames: ['operation_type'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [registry],
  }),
  runtimeOperationErrors: new Counter({
    name: 'berth_agent_runtime_operations_errors_total', help: 'Runtime operations that failed.', labelNames: ['operation_type'],
    registers: [registry],
  }),
});

const runtimeMethods: (keyof RuntimeService)[] = [
  'version', 'status', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'podSandboxStatus', 'listPodSandbox',
  'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'containerStatus',
  'reopenContainerLog', 'pullImage', 'imageStatus',
];

/** Wraps every method of `rt` to observe its latency and count its errors. */
export const instrumentRuntime = (rt: RuntimeService, m: AgentMetrics): RuntimeService => {
  const wrapped: Partial<Record<keyof RuntimeService, unknown>> = {};
  for (const key of runtimeMethods) {
    const fn = rt[key];
    if (typeof fn !== 'function') continue;
    wrapped[key] = async (...args: unknown[]) => {
      const end = m.runtimeOperationDuration.startTimer({ operation_type: key });
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(rt, args);
      } catch (err) {
        m.runtimeOperationErrors.inc({ operation_type: key });
        throw err;
      } finally {
        end();
      }
    };
  }
  return wrapped as RuntimeService;
};
