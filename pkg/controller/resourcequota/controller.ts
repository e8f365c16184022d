// The resource quota controller (k8s pkg/controller/resourcequota): keeps every ResourceQuota's
// status.hard and status.used true to its namespace. Admission charges creates as they happen;
// this controller gives the charge back when objects go away. A quota is synced when it is
// added or its spec.hard changes (not on status writes, which admission makes on every create),
// when an object it limits is deleted, a pod turns terminal or a service changes to or from
// NodePort/LoadBalancer (the QuotaMonitor's replenishment), and every 5 minutes.
import type { Pod, ResourceQuota, Service } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { resources } from '../../../api/resources';
import {
  createWorkQueue, defineController, metaNamespaceKey, namespaceIndex, objectFromDeleted, realClock,
  type Client, type Clock, type Controller, type ControllerMetrics, type Informer, type ResourceClient,
} from '../../client';
import { equalLists, evaluatorFor, fromApi, quotaV1Pod, resourceNames } from '../../apimachinery/quota';
import type { Logger } from '../../log';
import { reconcileResourceQuota, type ListObjects } from './reconcile';

/** The name kube-controller-manager's --controllers flag uses. */
export const controllerName = 'resourcequota';

type QuotaInformer = Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get' | 'byIndex'>;
type MonitoredInformer = Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'hasSynced' | 'byIndex'>;

/** An informer of one resource whose changes can release quota, and whose cache is counted. */
export interface QuotaMonitor { group: string; resource: string; informer: MonitoredInformer }

export interface ResourceQuotaControllerDeps {
  quotas: QuotaInformer;
  /** Informers of quotable resources; pods, services and persistentvolumeclaims at least. */
  monitors: QuotaMonitor[];
  quotaClient: Pick<ResourceClient<ApiObject>, 'updateStatus'>;
  /** Lists a resource no monitor has synced (undefined: not served). */
  listFallback: ListObjects;
  log: Logger;
  clock?: Clock;
  /** Default 5, as upstream's --concurrent-resource-quota-syncs. */
  workers?: number;
  metrics?: ControllerMetrics;
}

/** The QuotaMonitor's update filter: only changes that can lower usage replenish. */
const releasesQuota = (group: string, resource: string, old: ApiObject, cur: ApiObject, now: Date): boolean => {
  if (group !== '') return false;
  if (resource === 'pods') return quotaV1Pod(old as Pod, now) && !quotaV1Pod(cur as Pod, now);
  if (resource === 'services') {
    const quotaType = (s: ApiObject) => ((s as Service).spec?.type === 'NodePort' || (s as Service).spec?.type === 'LoadBalancer' ? (s as Service).spec?.type : '');
    return quotaType(old) !== quotaType(cur);
  }
  return false;
};

const specHardChanged = (old: ApiObject, cur: ApiObject): boolean =>
  !equalLists(fromApi((old as ResourceQuota).spec?.hard), fromApi((cur as ResourceQuota).spec?.hard));

/** Objects of a monitored resource come from its cache once synced, else from the fallback. */
export const listFromMonitors = (monitors: QuotaMonitor[], fallback: ListObjects): ListObjects => async (group, resource, namespace) => {
  const m = monitors.find((x) => x.group === group && x.resource === resource);
  if (m?.informer.hasSynced()) return m.informer.byIndex(namespaceIndex, namespace);
  return fallback(group, resource, namespace);
};

/** Lists through the API, for resources without a synced informer (events); paging is left to the server's default. */
export const clientListObjects = (client: Pick<Client, 'resource'>): ListObjects => async (group, resource, namespace) => {
  const info = resources.find((r) => r.group === group && r.plural === resource && r.namespaced);
  if (!info) return undefined;
  return (await client.resource(info).list(namespace)).items;
};

export const newResourceQuotaController = (d: ResourceQuotaControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  /** replenishQuota: the namespace's quotas that limit something of this resource look again. */
  const replenish = (group: string, resource: string, obj: ApiObject) => {
    const namespace = obj.metadata.namespace;
    if (!namespace) return;
    const evaluator = evaluatorFor(group, resource);
    for (const q of d.quotas.byIndex(namespaceIndex, namespace)) {
      if (evaluator.matchingResources(resourceNames((q as ResourceQuota).status?.hard)).length > 0) queue.add(metaNamespaceKey(q));
    }
  };
  for (const { group, resource, informer } of d.monitors) {
    informer.addEventHandler({
      update: (old, cur) => { if (releasesQuota(group, resource, old, cur, new Date(clock.now()))) replenish(group, resource, cur); },
      delete: (deleted) => replenish(group, resource, objectFromDeleted(deleted)),
    });
  }
  // Status updates are admission's charges and this controller's own writes: they do not sync.
  const quotaEvents: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync'> = {
    addEventHandler: (h) => d.quotas.addEventHandler({
      add: h.add, delete: h.delete, update: (old, cur) => (specHardChanged(old, cur) ? h.update?.(old, cur) : undefined),
    }),
    waitForSync: (signal) => d.quotas.waitForSync(signal),
  };
  const core = d.monitors.filter((m) => m.group === '' && ['pods', 'services', 'persistentvolumeclaims'].includes(m.resource));
  const listObjects = listFromMonitors(d.monitors, d.listFallback);
  return defineController({
    name: controllerName, informer: quotaEvents,
    // Listed so the workers wait for the caches they count from; nothing here has a controller ref.
    owns: core.map((m) => ({ informer: m.informer, ownerKind: '' })),
    workers: d.workers ?? 5, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileResourceQuota(key, { quotas: d.quotas, listObjects, quotaClient: d.quotaClient, now: () => new Date(clock.now()), log }),
  });
};
