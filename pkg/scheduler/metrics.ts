// Scheduler metrics, named as upstream's (pkg/scheduler/metrics/metrics.go) so dashboards carry over.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueName } from './queue';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export interface SchedulerMetrics {
  attempt(result: AttemptResult, profile: string, seconds: number): void;
  /** From the pod's first entry in the queue to its successful binding. */
  e2eScheduled(seconds: number, attempts: number): void;
}

export const newSchedulerMetrics = (registry: Registry, pending: () => Record<QueueName, number>): SchedulerMetrics => {
  const attempts = new Counter({
    name: 'scheduler_schedule_attempts_total', help: 'Number of attempts to schedule pods, by result.',
    labelNames: ['result', 'profile'], registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'scheduler_scheduling_attempt_duration_seconds', help: 'Scheduling attempt latency (algorithm + binding).',
    labelNames: ['result', 'profile'], buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const e2e = new Histogram({
    name: 'scheduler_pod_scheduling_sli_duration_seconds',
    help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue.',
    labelNames: ['attempts'], buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60, 120],
    registers: [registry],
  });
  new Gauge({
    name: 'scheduler_pending_pods', help: 'Number of pending pods, by the queue type.',
    labelNames: ['queue'], registers: [registry],
    collect() {
      for (const [queue, n] of Object.entries(pending())) this.set({ queue }, n);
    },
  });
  return {
    attempt: (result, profile, seconds) => {
      attempts.inc({ result, profile });
      attemptDuration.observe({ result, profile }, seconds);
    },
    e2eScheduled: (seconds, n) => e2e.observe({ attempts: String(Math.min(n, 15)) }, seconds),
  };
};
