// The root CA certificate publisher (k8s pkg/controller/certificates/rootcacertpublisher/publisher.go):
// every active namespace holds a ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster CA, so
// pods can verify the apiserver at kubernetes.default.svc. Namespaces are the queue's keys: a
// namespace added or updated, or that ConfigMap updated or deleted, makes its namespace look again.
// A missing ConfigMap is created, a drifted one is put back; terminating namespaces are left alone.
import type { ApiObject } from '../../../api/meta/v1';
import {
  objectFromDeleted, createWorkQueue, defineController, realClock,
  type ClientConfig, type Clock, type Controller, type ControllerMetrics, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import { StatusError, isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import type { Logger } from '../../log';

/** The name kube-controller-manager's --controllers flag uses. */
export const controllerName = 'root-ca-cert-publisher';
export const rootCACertConfigMapName = 'kube-root-ca.crt';
export const rootCACertKey = 'ca.crt';
export const descriptionAnnotation = 'kubernetes.io/description';
/** Upstream's text, verbatim: clients may compare it. */
export const description = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints '
  + 'such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** How long to wait for the cache after a create answered AlreadyExists (the ConfigMap's add event does not enqueue). */
export const cacheLagRecheckMs = 1000;

export interface RootCACertPublisherDeps {
  namespaces: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get'>;
  configMaps: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get'>;
  cmClient: Pick<ResourceClient<ApiObject>, 'create' | 'update'>;
  /** The CA bundle (PEM) to publish, from rootCAFromConfig. */
  rootCA: string;
  log: Logger;
  clock?: Clock;
  /** Default 1, as upstream (`sac.Run(ctx, 1)`). */
  workers?: number;
  metrics?: ControllerMetrics;
}

export type RootCACertPlan = { action: 'create' | 'update'; configMap: ApiObject };

/**
 * The CA the controller-manager trusts the apiserver with: its kubeconfig's certificate-authority
 * (or -data). Upstream prefers --root-ca-file and falls back to the same; berth has no such flag.
 */
export const rootCAFromConfig = (config: Pick<ClientConfig, 'ca'>, kubeconfig: string): string => {
  const pem = config.ca?.toString('utf8') ?? '';
  if (!pem.trim()) {
    throw new Error(`kubeconfig ${kubeconfig} has no certificate-authority or certificate-authority-data for its cluster, `
      + `so there is no CA to publish in ${rootCACertConfigMapName} ConfigMaps`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`the certificate-authority of kubeconfig ${kubeconfig} is not a PEM certificate`);
  }
  return pem;
};

const isActive = (ns: ApiObject): boolean => {
  const status = ns.status;
  const phase = status && typeof status === 'object' && 'phase' in status ? status.phase : undefined;
  return !ns.metadata.deletionTimestamp && phase !== 'Terminating';
};

/** The namespace lifecycle admission refused the create (upstream's HasStatusCause(err, NamespaceTerminatingCause)). */
const isNamespaceTerminating = (e: unknown): boolean => e instanceof StatusError && e.status.reason === 'Forbidden'
  && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');

/** Whether `data` is exactly `{ ca.crt: rootCA }`: a stray extra key counts as drift, as upstream's DeepEqual. */
const hasExactData = (data: unknown, rootCA: string): boolean => {
  if (!data || typeof data !== 'object') return false;
  const entries = Object.entries(data);
  return entries.length === 1 && entries[0][0] === rootCACertKey && entries[0][1] === rootCA;
};

/**
 * What `namespace`'s ConfigMap needs, given the cached one (if any); undefined when it is right.
 * An update replaces `data` whole and sets the description annotation; labels, other annotations,
 * binaryData and the resourceVersion precondition are kept, as upstream.
 */
export const planRootCACert = (namespace: string, existing: ApiObject | undefined, rootCA: string): RootCACertPlan | undefined => {
  const data = { [rootCACertKey]: rootCA };
  if (!existing) {
    return {
      action: 'create',
      configMap: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: rootCACertConfigMapName, namespace, annotations: { [descriptionAnnotation]: description } },
        data,
      },
    };
  }
  if (hasExactData(existing.data, rootCA) && existing.metadata.annotations?.[descriptionAnnotation]) return undefined;
  // The cached object is frozen: build a new one rather than mutate it.
  return {
    action: 'update',
    configMap: {
      ...existing,
      metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, [descriptionAnnotation]: description } },
      data,
    },
  };
};

/**
 * Brings `namespace`'s kube-root-ca.crt to the plan. NotFound (namespace or ConfigMap gone meanwhile)
 * and a namespace that started terminating are not errors; AlreadyExists means the cache is behind,
 * so the namespace is looked at again shortly. Any other error is thrown for a rate-limited requeue.
 */
export const reconcileRootCACert = async (
  namespace: string, d: Pick<RootCACertPublisherDeps, 'namespaces' | 'configMaps' | 'cmClient' | 'rootCA' | 'log'>,
): Promise<ReconcileResult> => {
  const ns = d.namespaces.get(namespace);
  if (!ns || !isActive(ns)) return;
  const plan = planRootCACert(namespace, d.configMaps.get(`${namespace}/${rootCACertConfigMapName}`), d.rootCA);
  if (!plan) return;
  try {
    if (plan.action === 'create') await d.cmClient.create(namespace, plan.configMap);
    else await d.cmClient.update(namespace, plan.configMap);
    d.log.v(2, plan.action === 'create' ? 'created configmap' : 'updated configmap', { namespace, name: rootCACertConfigMapName });
  } catch (err) {
    if (isAlreadyExists(err)) return { requeueAfterMs: cacheLagRecheckMs };
    if (isNotFound(err) || isNamespaceTerminating(err)) return;
    throw err;
  }
};

export const newRootCACertPublisher = (d: RootCACertPublisherDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  const enqueueNamespaceOf = (cm: ApiObject) => {
    const { namespace, name } = cm.metadata;
    if (namespace && name === rootCACertConfigMapName) queue.add(namespace);
  };
  d.configMaps.addEventHandler({
    update: (_, cm) => enqueueNamespaceOf(cm),
    delete: (deleted) => enqueueNamespaceOf(objectFromDeleted(deleted)),
  });
  return defineController({
    name: controllerName, informer: d.namespaces,
    // Listed so the workers wait for the ConfigMap cache to sync; the ConfigMap has no controller ref.
    owns: [{ informer: d.configMaps, ownerKind: '' }],
    workers: d.workers ?? 1, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileRootCACert(key, { ...d, log }),
  });
};
