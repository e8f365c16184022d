// runScheduler: informers for nodes and pods → queue/cache → one scheduling cycle at a time,
// bindings in the background; /healthz and /metrics on healthPort. Resolves after `signal`
// aborts and every loop, binding and watch has finished.
import type { Node, Pod } from '../../api/core/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { createClient, createEventRecorder, createInformer, loadKubeconfig, realClock } from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { newBinder, newPodConditionUpdater } from './api-writes';
import { SchedulerCache } from './cache';
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
  const client = createClient(await loadKubeconfig({ path: opts.kubeconfig }));
  const pods = client.resource<Pod>(mustFind('pods'));
  const nodeInformer = createInformer(client.resource<Node>(mustFind('nodes')), { log: log.child('nodes') });
  const podInformer = createInformer(pods, { namespace: '', log: log.child('pods') });
  const queue = new SchedulingQueue({ clock: realClock });
  const cache = new SchedulerCache();
  nodeInformer.addEventHandler(nodeEventHandler({ queue, cache, schedulerName }));
  podInformer.addEventHandler(podEventHandler({ queue, cache, schedulerName }));

  const registry = newRegistry('scheduler');
  const deps: CycleDeps = {
    profile: buildProfile(defaultProfileConfig(schedulerName)),
    queue, cache,
    bind: newBinder(pods),
    updatePodCondition: newPodConditionUpdater(pods, realClock, log),
    recorder: createEventRecorder(client, schedulerName, log),
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
  log.info('scheduler stopped');
};
