// runScheduler: informers for nodes and pods → queue/cache → one scheduling cycle at a time,
// bindings in the background; /healthz and /metrics on healthPort. Resolves after `signal`
// aborts and every loop, binding and watch has finished.
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject } from '../../api/meta/v1';
import { createClient, createEventRecorder, createInformer, loadKubeconfig, realClock, type EventHandler } from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { newBinder, newPodConditionUpdater } from './api-writes';
import { SchedulerCache } from './cache';
import type { ApiNode, ApiPod } from './node-info';
import { defaultSchedulerName, nodeEventHandler, podEventHandler } from './event-handlers';
import { newSchedulerMetrics } from './metrics';
import { SchedulingQueue } from './queue';
import { buildProfile, defaultProfileConfig } from './registry';
import { scheduleOne, type CycleDeps } from './schedule-one';

export interface SchedulerOptions {
  kubeconfig: string;
  healthPort: number;
  schedulerName?: string;
}

const flushIntervalMs = 1000;

/** A handler that throws (a malformed object) is logged; the informer's other handlers still run. */
const guarded = <T extends ApiObject>(h: EventHandler<T>, log: Logger): EventHandler<T> => {
  const run = (what: string, obj: T, fn: () => void) => {
    try { fn(); } catch (err) {
      log.error('event handler failed', { event: what, object: `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, err });
    }
  };
  return {
    add: (obj) => run('add', obj, () => h.add?.(obj)),
    update: (old, obj) => run('update', obj, () => h.update?.(old, obj)),
    delete: (obj) => run('delete', obj, () => h.delete?.(obj)),
  };
};

const mustFind = (plural: string): ResourceInfo => {
  const info = findResource('', 'v1', plural);
  if (!info) throw new Error(`resource v1 ${plural} is not in api/resources.ts`);
  return info;
};

/** Back-off expiry and the unschedulable pool's max wait are checked on a ticker (upstream: 1s and 30s). */
const startFlushTicker = (queue: SchedulingQueue, signal: AbortSignal): void => {
  const timer = setInterval(() => {
    queue.flushBackoffQCompleted();
    queue.flushUnschedulablePodsLeftover();
  }, flushIntervalMs);
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
};

/** One cycle at a time; bindings and failure reports continue in the background, tracked in `inFlight`. */
const runSchedulingLoop = async (deps: CycleDeps, signal: AbortSignal): Promise<void> => {
  const inFlight = new Set<Promise<void>>();
  while (!signal.aborted) {
    const outcome = await scheduleOne(deps, signal);
    if (!outcome) break;
    const p = outcome.pending.catch((err: unknown) => deps.log.error('scheduling attempt failed', { pod: outcome.key, err }));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
};

export const runScheduler = async (opts: SchedulerOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  const schedulerName = opts.schedulerName ?? defaultSchedulerName;
  const client = createClient(loadKubeconfig({ path: opts.kubeconfig }));
  const pods = client.resource<ApiPod>(mustFind('pods'));
  const nodeInformer = createInformer(client.resource<ApiNode>(mustFind('nodes')), { log });
  const podInformer = createInformer(pods, { namespace: '', log });
  const queue = new SchedulingQueue({ clock: realClock });
  const cache = new SchedulerCache();
  nodeInformer.addEventHandler(guarded(nodeEventHandler({ queue, cache, schedulerName }), log));
  podInformer.addEventHandler(guarded(podEventHandler({ queue, cache, schedulerName }), log));

  const registry = newRegistry('scheduler');
  const recorder = createEventRecorder(client, schedulerName, log);
  const deps: CycleDeps = {
    profile: buildProfile(defaultProfileConfig(schedulerName)),
    queue, cache,
    bind: newBinder(pods),
    updatePodCondition: newPodConditionUpdater(pods, realClock, log),
    recorder,
    metrics: newSchedulerMetrics(registry, () => queue.lengths()),
    clock: realClock, rand: Math.random, log,
  };
  const synced = () => nodeInformer.hasSynced() && podInformer.hasSynced();
  await serveHealth({ port: opts.healthPort, registry, check: () => (synced() ? undefined : 'informers not synced'), log }, signal);
  signal.addEventListener('abort', () => queue.close(), { once: true });

  const informers = Promise.all([nodeInformer.run(signal), podInformer.run(signal)]);
  await Promise.all([nodeInformer.waitForSync(signal), podInformer.waitForSync(signal)]);
  log.info('scheduler started', { schedulerName, nodes: cache.nodeCount(), pending: queue.lengths().active });
  startFlushTicker(queue, signal);
  await Promise.all([runSchedulingLoop(deps, signal), informers]);
  await recorder.flush();
  log.info('scheduler stopped');
};
