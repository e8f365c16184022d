// The namespace controller (k8s pkg/controller/namespace): a namespace with a deletionTimestamp
// is emptied, then its `kubernetes` finalizer is removed and it is deleted. While content
// remains (graceful pods, finalizers) the namespace is looked at again shortly.
import type { ApiObject } from '../../../api/meta/v1';
import { resources, type ResourceInfo } from '../../../api/resources';
import {
  defineController, realClock, type Clock, type Controller, type ControllerMetrics, type Informer, type ReconcileResult,
} from '../../client';
import type { Logger } from '../../log';
import { deleteAllContent, finalizerKubernetes, specFinalizers, type NamespaceAccess } from './deleter';

export const controllerName = 'namespace';

/** How soon a namespace whose content is still going away is looked at again. */
export const CONTENT_REMAINING_RECHECK_MS = 500;

export interface NamespaceControllerDeps {
  namespaces: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get'>;
  access: NamespaceAccess;
  /** Namespaced resources to empty (default: every namespaced resource served, each storage once). */
  namespaced?: readonly ResourceInfo[];
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

/** Every namespaced resource, one per group and plural (a resource served at two versions is emptied once). */
export const namespacedResources = (all: readonly ResourceInfo[] = resources): ResourceInfo[] => {
  const seen = new Set<string>();
  return all.filter((r) => {
    const id = `${r.group}/${r.plural}`;
    if (!r.namespaced || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
};

export const reconcileNamespace = async (name: string, d: Required<Pick<NamespaceControllerDeps, 'access' | 'namespaced' | 'log'>> & Pick<NamespaceControllerDeps, 'namespaces'>): Promise<ReconcileResult> => {
  const cached = d.namespaces.get(name);
  if (!cached?.metadata.deletionTimestamp) return;
  // Act on the live namespace: the cache may be behind our own last write.
  const ns = await d.access.getNamespace(name);
  if (!ns?.metadata.deletionTimestamp) return;
  if (!specFinalizers(ns).includes(finalizerKubernetes)) {
    await d.access.deleteNamespace(ns);
    return;
  }
  const remaining = await deleteAllContent(d.access, name, d.namespaced);
  if (remaining.length > 0) {
    d.log.v(2, 'namespace content remaining', { namespace: name, resources: remaining.join(',') });
    return { requeueAfterMs: CONTENT_REMAINING_RECHECK_MS };
  }
  const finalized = await d.access.finalize(ns);
  if (specFinalizers(finalized).includes(finalizerKubernetes)) {
    throw new Error(`namespace ${name}: the ${finalizerKubernetes} finalizer could not be removed (spec.finalizers is not writable)`);
  }
  await d.access.deleteNamespace(finalized);
  d.log.info('namespace deleted', { namespace: name });
};

export const newNamespaceController = (d: NamespaceControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const deps = { namespaces: d.namespaces, access: d.access, namespaced: d.namespaced ?? namespacedResources(), log };
  return defineController({
    name: controllerName, informer: d.namespaces, workers: d.workers ?? 2, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileNamespace(key, deps),
  });
};
