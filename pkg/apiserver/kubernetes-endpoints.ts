// The `kubernetes` Service's Endpoints and EndpointSlice (k8s pkg/controlplane/reconcilers): the
// apiserver's advertised address and secure port, so pods reach the API at the Service's
// cluster IP (client-go's InClusterConfig, through the proxy's rules like any Service).
// Written at start and every 10 s (upstream's EndpointInterval), so a deleted or edited object
// comes back. As upstream's master-count reconciler with one apiserver: the objects name this
// apiserver alone. A loopback address is never advertised: no pod can reach it, and Endpoints
// may not name one.
import type { ApiObject } from '../../api/meta/v1';
import { isAlreadyExists, isNotFound } from '../apimachinery/errors';
import type { Logger } from '../log';
import { objectKey, type Store } from '../storage';
import { rfc3339 } from './handlers/respond';
import { strategies } from './registry';

export const endpointIntervalMs = 10_000;
const name = 'kubernetes';
const namespace = 'default';
const port = (p: number) => ({ name: 'https', port: p, protocol: 'TCP' });

/** The wanted content of each object: what is compared, and what a write sets. */
export const kubernetesEndpoints = (ip: string, p: number) => ({
  endpoints: {
    labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    content: { subsets: [{ addresses: [{ ip }], ports: [port(p)] }] },
  },
  endpointslices: {
    labels: { 'kubernetes.io/service-name': name },
    content: { addressType: 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [port(p)] },
  },
});

const kinds = { endpoints: { apiVersion: 'v1', kind: 'Endpoints' }, endpointslices: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' } };
type Resource = keyof typeof kinds;

const holds = (obj: ApiObject, want: { labels: Record<string, string>; content: Record<string, unknown> }): boolean =>
  Object.entries(want.labels).every(([k, v]) => obj.metadata.labels?.[k] === v) &&
  Object.entries(want.content).every(([k, v]) => JSON.stringify((obj as Record<string, unknown>)[k]) === JSON.stringify(v));

/** Creates or corrects one object; true when it wrote. */
const reconcileOne = async (store: Pick<Store, 'get' | 'create' | 'guaranteedUpdate'>, resource: Resource, want: { labels: Record<string, string>; content: Record<string, unknown> }, now: Date): Promise<boolean> => {
  const key = objectKey(resource, namespace, name);
  let current: ApiObject | undefined;
  try {
    current = await store.get(key);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (current && holds(current, want)) return false;
  if (!current) {
    const obj = strategies[resource].prepareForCreate({
      ...kinds[resource], ...want.content,
      metadata: { name, namespace, uid: crypto.randomUUID(), creationTimestamp: rfc3339(now), generation: 1, labels: want.labels },
    } as ApiObject);
    try {
      await store.create(key, obj);
      return true;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  await store.guaranteedUpdate(key, (cur) => ({
    ...cur, ...want.content, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, ...want.labels } },
  } as ApiObject));
  return true;
};

export const reconcileKubernetesEndpoints = async (store: Pick<Store, 'get' | 'create' | 'guaranteedUpdate'>, ip: string, p: number, now: Date): Promise<Resource[]> => {
  const want = kubernetesEndpoints(ip, p);
  const written: Resource[] = [];
  for (const resource of ['endpoints', 'endpointslices'] as const) {
    if (await reconcileOne(store, resource, want[resource], now)) written.push(resource);
  }
  return written;
};

export const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/** Runs the reconciler until the returned stop is called. */
export const startKubernetesEndpoints = (store: Pick<Store, 'get' | 'create' | 'guaranteedUpdate'>, ip: string, p: number, now: () => Date, log: Logger): () => void => {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const written = await reconcileKubernetesEndpoints(store, ip, p, now());
      if (written.length > 0) log.info('wrote the kubernetes service endpoints', { address: `${ip}:${p}`, resources: written.join(',') });
    } catch (err) {
      log.warn('could not write the kubernetes service endpoints', { error: err instanceof Error ? err.message : String(err) });
    }
    if (!stopped) timer = setTimeout(() => void run(), endpointIntervalMs);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};
