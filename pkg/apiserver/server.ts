// startApiserver / runApiserver: PKI, etcd store, the HTTPS server with client-certificate
// authentication, the bootstrap namespaces and the compaction timer.
import https from 'node:https';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { ApiObject } from '../../api/meta/v1';
import { resources, type ResourceInfo } from '../../api/resources';
import { isAlreadyExists } from '../apimachinery/errors';
import { createValidator, stripUnknownFields } from '../apimachinery';
import {
  createCacher, createEtcdStore, objectKey, resourcePrefix, withResourceTTL, type CacherOptions, type CompactableStore, type Store,
} from '../storage';
import type { Logger } from '../log';
import { newRegistry } from '../observability';
import { serveRequests } from './app';
import { ensurePki, pkiPaths } from './pki';
import { apiserverMetrics } from './metrics';
import type { HandlerContext, Validation } from './handlers/context';
import { rfc3339 } from './handlers/respond';
import { routeUpgrades } from './handlers/upgrade';
import { isLoopback, startKubernetesEndpoints } from './kubernetes-endpoints';
import { ensureBootstrapPolicy } from './authz/bootstrap-policy';
import { strategies } from './registry';
import { randomUUID } from 'node:crypto';
import { ensureKubernetesService, newRepairer, newServiceAllocators, startRepair, withServiceAllocation, type ServiceAllocationOptions } from './allocators';

export interface ApiserverOptions {
  etcdServers: string[];
  bind: string;
  port: number;
  pkiDir: string;
  /** Reserved: keys are always under /registry (the store has no prefix option yet). */
  etcdPrefix?: string;
  /** Extra SANs for the serving certificate. */
  hosts?: string[];
  /**
   * The address pods reach this apiserver at (upstream's --advertise-address), written to the
   * `kubernetes` Service's Endpoints. Default: `bind` when it is one address and not loopback.
   */
  advertiseAddress?: string;
  /** How often to compact etcd; history older than one interval is dropped. Default 5 minutes. */
  compactionIntervalMs?: number;
  /** How long Events live (upstream's --event-ttl, default 1 h); each write renews it. */
  eventTTLSeconds?: number;
  /** Watch cache tuning (ring size, per-watcher buffer, bookmark period, freshness wait). */
  watchCache?: Pick<CacherOptions, 'ringSize' | 'watcherBufferSize' | 'bookmarkIntervalMs' | 'freshTimeoutMs'>;
  /** --service-cluster-ip-range (default 10.96.0.0/16) and --service-node-port-range (default 30000-32767). */
  serviceRanges?: ServiceAllocationOptions;
}

export interface RunningApiserver { url: string; port: number; close(): Promise<void> }

/** Upstream's --event-ttl default: one hour. */
export const defaultEventTTLSeconds = 3600;

export const bootstrapNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const ensureNamespaces = async (store: Store, now: () => Date, log: Logger): Promise<void> => {
  for (const name of bootstrapNamespaces) {
    const obj: ApiObject = strategies.namespaces.prepareForCreate({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name, uid: randomUUID(), creationTimestamp: rfc3339(now()), generation: 1, labels: { 'kubernetes.io/metadata.name': name } },
    });
    try {
      await store.create(objectKey('namespaces', undefined, name), obj);
      log.info('created namespace', { name });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
};

/** Compacts to the revision seen one interval ago, so watches keep ~one interval of history. */
const startCompaction = (store: CompactableStore, intervalMs: number, log: Logger): (() => void) => {
  let previous: string | undefined;
  const timer = setInterval(() => {
    void (async () => {
      const current = await store.currentRevision();
      if (previous) await store.compact(previous);
      log.v(2, 'compacted etcd', { revision: previous });
      previous = current;
    })().catch((err: unknown) => log.warn('etcd compaction failed', { err }));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};

const validatorsFor = () => {
  const cache = new Map<string, (obj: unknown) => Validation>();
  return (info: ResourceInfo, obj: ApiObject): Validation => {
    // Keyed by group and version: core and events.k8s.io share the plural `events`, autoscaling v1 and v2
    // `horizontalpodautoscalers`, but not the schema.
    const key = `${info.group}/${info.version}/${info.plural}`;
    let v = cache.get(key);
    if (!v) {
      v = createValidator(info.schema);
      cache.set(key, v);
    }
    return v(obj);
  };
};

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> => Promise.race([
  p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms).unref()),
]);

/** The names in-cluster clients use for the API (upstream's serving certificate carries them too). */
const kubernetesServiceNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

const advertiseAddressOf = (opts: ApiserverOptions): string | undefined => {
  const ip = opts.advertiseAddress ?? (opts.bind === '0.0.0.0' || opts.bind === '::' ? undefined : opts.bind);
  return ip && !isLoopback(ip) ? ip : undefined;
};

export const startApiserver = async (opts: ApiserverOptions, log: Logger): Promise<RunningApiserver> => {
  const registry = newRegistry('apiserver');
  const metrics = apiserverMetrics(registry);
  // One etcd watch per resource feeds the watch cache that serves every watch and RV=0 list.
  const store = createCacher({
    backing: createEtcdStore({ endpoints: opts.etcdServers, log: log.child('storage'), observe: metrics.observeEtcd }),
    log: log.child('cacher'),
    resources: [...new Set(resources.map((r) => resourcePrefix(r.plural)))],
    ...opts.watchCache,
  });
  metrics.countObjects(() => store.stats().map((c) => ({ resource: c.root.split('/')[2], count: c.objects })));
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every open watch listens on it
  const now = () => new Date();
  const allocators = newServiceAllocators(store, opts.serviceRanges);
  const advertise = advertiseAddressOf(opts);
  const pki = await ensurePki(opts.pkiDir, {
    hosts: [...(opts.hosts ?? []), ...(opts.bind !== '0.0.0.0' ? [opts.bind] : []), ...(advertise ? [advertise] : []),
      allocators.ips.range.valueAt(0), ...kubernetesServiceNames],
  });
  const ctx: HandlerContext = {
    // Events expire (an etcd lease): core/v1 and events.k8s.io/v1 share /registry/events/.
    // Service writes take and release cluster IPs and node ports (pkg/apiserver/allocators).
    store: withServiceAllocation(withResourceTTL(store, { events: opts.eventTTLSeconds ?? defaultEventTTLSeconds }), allocators),
    log, now, pkiDir: opts.pkiDir,
    validate: validatorsFor(),
    strip: (info, obj) => stripUnknownFields(obj, info.schema) as ApiObject,
    watchers: (info, delta) => metrics.watchers.inc({ resource: info.plural }, delta),
  };
  for (const r of resources) metrics.watchers.set({ resource: r.plural }, 0);
  await ensureNamespaces(store, now, log);
  await ensureBootstrapPolicy(store, now, log); // before serving: RBAC answers every request

  const stopRepair = await startRepair(newRepairer(store, allocators, log), log);
  const readiness = async () => {
    try {
      await withTimeout(store.currentRevision(), 2000);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  };
  const { app, listener } = serveRequests({ ctx, registry, metrics, stop: stop.signal, readiness });
  const p = pkiPaths(pki.dir);
  const server = https.createServer({
    cert: readFileSync(p.apiserverCert), key: readFileSync(p.apiserverKey), ca: readFileSync(p.caCert),
    requestCert: true, rejectUnauthorized: false,
  }, listener);
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', routeUpgrades(app, stop.signal)); // exec, attach, port-forward
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bind, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.bind === '0.0.0.0' || opts.bind === '::' ? '127.0.0.1' : opts.bind;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const stopCompaction = startCompaction(store, opts.compactionIntervalMs ?? 5 * 60_000, log);
  // Not fatal: a user Service may already hold the first address (then upstream also logs and goes on).
  await ensureKubernetesService(ctx.store, allocators.ips.range, port, now())
    .catch((err: unknown) => log.error('could not create the kubernetes service', { error: err }));
  const stopEndpoints = advertise ? startKubernetesEndpoints(ctx.store, advertise, port, now, log) : () => undefined;
  log.info('serving', { url });
  const close = async () => {
    stopCompaction();
    stopEndpoints();
    stopRepair();
    stop.abort();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.close();
    log.info('stopped');
  };
  return { url, port, close };
};

/** Runs until `signal` aborts, then closes everything. */
export const runApiserver = async (opts: ApiserverOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  const running = await startApiserver(opts, log);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await running.close();
};
