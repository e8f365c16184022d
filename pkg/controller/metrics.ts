// Controller metrics, named as controller-runtime and client-go's workqueue publish them so that
// existing dashboards read them: reconcile count/errors/latency per controller and queue depth.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Controller, ControllerMetrics } from '../client';

export interface ManagerMetrics extends ControllerMetrics {
  /** Reports `controller.queue.len()` as workqueue_depth{name} at each scrape. */
  watchQueue(controller: Pick<Controller, 'name' | 'queue'>): void;
}

export const newControllerMetrics = (registry: Registry): ManagerMetrics => {
  const reconciles = new Counter({
    name: 'controller_runtime_reconcile_total', help: 'Reconciliations per controller and result.',
    labelNames: ['controller', 'result'], registers: [registry],
  });
  const errors = new Counter({
    name: 'controller_runtime_reconcile_errors_total', help: 'Reconciliations that failed.',
    labelNames: ['controller'], registers: [registry],
  });
  const latency = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds', help: 'Time per reconciliation.',
    labelNames: ['controller'], registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const queues: Pick<Controller, 'name' | 'queue'>[] = [];
  new Gauge({
    name: 'workqueue_depth', help: 'Keys waiting in the work queue.', labelNames: ['name'], registers: [registry],
    collect() { for (const c of queues) this.set({ name: c.name }, c.queue.len()); },
  });
  return {
    reconciled(controller, outcome, seconds) {
      reconciles.inc({ controller, result: outcome });
      if (outcome === 'error') errors.inc({ controller });
      latency.observe({ controller }, seconds);
    },
    watchQueue: (c) => { queues.push(c); },
  };
};
