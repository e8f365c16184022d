// runProxy: informers on Services and EndpointSlices → a coalesced, rate-limited full sync of
// this proxy's iptables chains (./rules.ts) → iptables-restore; /healthz and /metrics on
// healthPort. On a clean stop it leaves the rules in place, as kube-proxy does (Services keep
// working while it restarts); `berth proxy --cleanup` and `berth down` remove them.
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiObject } from '../../api/meta/v1';
import type { Service } from '../../api/core/v1';
import type { EndpointSlice } from '../../api/discovery/v1';
import { createClient, createInformer, loadKubeconfig, rateLimits, realClock, type Clock } from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { enableRouteLocalnet, hostNetwork, installRoutes, removeRoutes } from './host';
import { iptablesRestore, iptablesSave } from './iptables';
import { defaultServiceCIDR } from '../apiserver/allocators/ranges';
import { newProxyMetrics } from './metrics';
import { servicePorts } from './model';
import { chainNames, chainPrefix } from './names';
import { buildCleanup, buildRules } from './rules';
import { SyncRunner } from './runner';

// The service CIDR the apiserver allocates cluster IPs from by default (one definition).
export { defaultServiceCIDR } from '../apiserver/allocators/ranges';

export interface ProxyOptions {
  kubeconfig: string;
  healthPort: number;
  /** The pod bridge: names this proxy's chains and gets route_localnet. */
  bridge: string;
  /** The pod CIDR (--cluster-cidr): service traffic from outside it is masqueraded. */
  clusterCIDR?: string;
  serviceCIDR?: string;
  minSyncIntervalMs?: number;
  syncPeriodMs?: number;
  clock?: Clock;
}

const mustFind = (group: string, version: string, plural: string): ResourceInfo => {
  const info = findResource(group, version, plural);
  if (!info) throw new Error(`resource ${group}/${version} ${plural} is not in api/resources.ts`);
  return info;
};

/** Removes this proxy's chains, jump rules and routes; safe to run when none exist. */
export const cleanupProxy = async (bridge: string, log: Logger, serviceCIDR = defaultServiceCIDR): Promise<void> => {
  const prefix = chainPrefix(bridge);
  const text = buildCleanup({ names: chainNames(prefix), current: await iptablesSave() });
  if (text) await iptablesRestore(text);
  await removeRoutes(hostNetwork(prefix, serviceCIDR, bridge));
  log.info('removed proxy rules and routes', { prefix });
};

export const runProxy = async (opts: ProxyOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  const clock = opts.clock ?? realClock;
  const names = chainNames(chainPrefix(opts.bridge));
  const host = hostNetwork(names.prefix, opts.serviceCIDR ?? defaultServiceCIDR, opts.bridge);
  const client = createClient({ ...rateLimits.default, ...loadKubeconfig({ path: opts.kubeconfig }), userAgent: 'berth-proxy' });
  // As kube-proxy: objects that ask for another proxy, and headless services' slices, are not watched.
  const selected = { namespace: '', labelSelector: '!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless', log };
  const services = createInformer(client.resource<Service & ApiObject>(mustFind('', 'v1', 'services')), selected);
  const slices = createInformer(client.resource<EndpointSlice & ApiObject>(mustFind('discovery.k8s.io', 'v1', 'endpointslices')), selected);
  const registry = newRegistry('proxy');
  const metrics = newProxyMetrics(registry);
  let lastSyncOk = false;

  const sync = async () => {
    const started = clock.now();
    enableRouteLocalnet(opts.bridge);
    const ports = servicePorts(services.list(), slices.list());
    const rules = buildRules(ports, { names, clusterCIDR: opts.clusterCIDR, current: await iptablesSave() });
    try {
      await iptablesRestore(rules.text);
    } catch (err) {
      metrics.restoreFailed();
      throw err;
    }
    lastSyncOk = true;
    metrics.synced((clock.now() - started) / 1000, rules.natRules, rules.filterRules, clock.now());
    log.v(2, 'synced proxy rules', { servicePorts: ports.length, natRules: rules.natRules, filterRules: rules.filterRules });
  };
  const runner = new SyncRunner({
    minIntervalMs: opts.minSyncIntervalMs ?? 1000, maxIntervalMs: opts.syncPeriodMs ?? 30_000, clock, run: sync,
    onError: (err) => { lastSyncOk = false; log.error('sync of proxy rules failed', { err }); },
  });
  const changed = { add: () => runner.request(), update: () => runner.request(), delete: () => runner.request() };
  services.addEventHandler(changed);
  slices.addEventHandler(changed);

  await installRoutes(host);
  log.info('service CIDR routed to a discard interface', { serviceCIDR: host.serviceCIDR, discard: host.discard, metric: host.metric });
  const synced = () => services.hasSynced() && slices.hasSynced();
  await serveHealth({ port: opts.healthPort, registry, check: () => (!synced() ? 'informers not synced' : !lastSyncOk ? 'rules not synced' : undefined), log }, signal);
  const informers = Promise.all([services.run(signal), slices.run(signal)]);
  try {
    await Promise.all([services.waitForSync(signal), slices.waitForSync(signal)]);
    runner.start();
    runner.request();
    log.info('proxy started', { prefix: names.prefix });
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await runner.stop();
    await informers;
    client.close();
    log.info('proxy stopped');
  }
};
