// runScheduler: informers for nodes and pods → queue/cache → one scheduling cycle at a time,
// bindings in the background; /healthz and /metrics on healthPort. As kube-scheduler, the
// informers run (and sync) on every replica, and only the holder of the kube-system/kube-scheduler
// Lease runs the scheduling loop, so a standby takes over with a warm cache. Resolves after
// `signal` aborts and every loop, binding and watch has finished; throws if leadership is lost.
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject } from '../../api/meta/v1';
import {
  LeaderHealthzAdaptor, objectFromDeleted, createClient, createEventRecorder, createInformer, loadKubeconfig, rateLimits, realClock, runLeaderElected,
  type EventHandler, type LeaderElectionConfig,
} from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { newLeaderElectionMetrics } from '../client/leader-election-metrics';
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
  /** --leader-elect (default true) and its timings; the Lease is kube-system/kube-scheduler. */
  leaderElection?: Omit<LeaderElectionConfig, 'name'>;
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
    delete: (obj) => run('delete', objectFromDeleted(obj), () => h.delete?.(obj)),
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
  const client = createClient({ ...rateLimits.scheduler, ...loadKubeconfig({ path: opts.kubeconfig }), userAgent: 'berth-scheduler' });
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
  // One signal for every loop: the caller's, or a lost leadership.
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  const synced = () => nodeInformer.hasSynced() && podInformer.hasSynced();
  const leaderHealth = new LeaderHealthzAdaptor(20_000); // kube-scheduler's tolerance
  await serveHealth({ port: opts.healthPort, registry, check: () => (synced() ? leaderHealth.check() : 'informers not synced'), log }, ac.signal);
  ac.signal.addEventListener('abort', () => queue.close(), { once: true });

  const informers = Promise.all([nodeInformer.run(ac.signal), podInformer.run(ac.signal)]);
  const schedule = async (leading: AbortSignal) => {
    leading.addEventListener('abort', () => queue.close(), { once: true });
    log.info('scheduler started', { schedulerName, nodes: cache.nodeCount(), pending: queue.lengths().active });
    startFlushTicker(queue, leading);
    await runSchedulingLoop(deps, leading);
  };
  try {
    await Promise.all([nodeInformer.waitForSync(ac.signal), podInformer.waitForSync(ac.signal)]);
    await runLeaderElected({
      ...opts.leaderElection, name: 'kube-scheduler', client, log, healthz: leaderHealth, metrics: newLeaderElectionMetrics(registry),
    }, ac.signal, schedule);
  } finally {
    stop();
    await informers;
    await recorder.flush();
    signal.removeEventListener('abort', stop);
    client.close();
    log.info('scheduler stopped');
  }
};
