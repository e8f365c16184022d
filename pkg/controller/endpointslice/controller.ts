// EndpointSlice controller (k8s pkg/controller/endpointslice/endpointslice_controller.go):
// for each Service with a selector, discovery.k8s.io/v1 EndpointSlices owned by it, labelled
// kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io. Services are the
// primary resource; pod changes enqueue the services that select them; a change to one of our
// slices enqueues its service so an edited or deleted slice is put back.
import type { ApiPod, ApiService } from '../../../api/core/v1';
import type { ApiEndpointSlice } from '../../../api/discovery/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { isNotFound } from '../../apimachinery/errors';
import {
  objectFromDeleted, defineController, namespaceIndex, realClock, splitMetaNamespaceKey,
  type Clock, type Controller, type ControllerMetrics, type IndexFunc, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { enqueueServicesOnPodChange, hasSelector, lastChangeTriggerTime, lastChangeTriggerTimeAnnotation, selectedPods } from '../endpoints';
import { desiredEndpointSets } from './desired';
import { controllerManagedBy, managedByLabel, planEndpointSlices, serviceNameLabel, type SlicePlan } from './reconciler';
import { SliceTracker } from './tracker';

export const controllerName = 'endpointslice';

/** Index of slices by `namespace/service-name` (the label), for the slices of one service. */
export const serviceNameIndex = 'endpointslice-service';
export const serviceNameIndexFunc: IndexFunc<ApiObject> = (o) => {
  const name = o.metadata.labels?.[serviceNameLabel];
  return name ? [`${o.metadata.namespace ?? ''}/${name}`] : [];
};

export interface EndpointSliceControllerDeps {
  services: Informer<ApiService>;
  pods: Informer<ApiPod>;
  /** Must carry the serviceNameIndex indexer. */
  slices: Informer<ApiEndpointSlice>;
  sliceClient: Pick<ResourceClient<ApiEndpointSlice>, 'create' | 'update' | 'delete'>;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
  maxEndpointsPerSlice?: number;
}

interface ReconcileDeps extends EndpointSliceControllerDeps { tracker: SliceTracker; clock: Clock }

/** Creates, then updates, then deletes: endpoints are never missing from every slice mid-way. */
const applyPlan = async (key: string, namespace: string, plan: SlicePlan, trigger: string | undefined, d: ReconcileDeps) => {
  const stamp = (s: ApiEndpointSlice) => {
    if (trigger) s.metadata.annotations = { ...(s.metadata.annotations ?? {}), [lastChangeTriggerTimeAnnotation]: trigger };
    return s;
  };
  for (const s of plan.create) d.tracker.written(key, await d.sliceClient.create(namespace, stamp(s)), d.clock.now());
  for (const s of plan.update) d.tracker.written(key, await d.sliceClient.update(namespace, stamp(s)), d.clock.now());
  for (const s of plan.delete) {
    try {
      await d.sliceClient.delete(namespace, s.metadata.name ?? '', { preconditions: { uid: s.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    d.tracker.deleted(key, s.metadata.name ?? '', d.clock.now());
  }
};

export const reconcileEndpointSlices = async (key: string, d: ReconcileDeps): Promise<ReconcileResult> => {
  const { namespace } = splitMetaNamespaceKey(key);
  const svc = d.services.get(key);
  // A deleted service's slices go with it: the garbage collector follows their ownerReferences.
  if (!svc) { d.tracker.forget(key); return; }
  if (!hasSelector(svc) || svc.metadata.deletionTimestamp) return;
  const cached = d.slices.byIndex(serviceNameIndex, key);
  if (!d.tracker.caughtUp(key, cached, d.clock.now())) return { requeueAfterMs: 100 };
  const pods = d.pods.byIndex(namespaceIndex, namespace);
  const plan = planEndpointSlices(svc, desiredEndpointSets(svc, pods), cached, d.maxEndpointsPerSlice);
  if (plan.create.length + plan.update.length + plan.delete.length === 0) return;
  d.log.v(4, 'reconciling endpoint slices', { service: key, create: plan.create.length, update: plan.update.length, delete: plan.delete.length });
  await applyPlan(key, namespace, plan, lastChangeTriggerTime(svc, selectedPods(svc, pods)), d);
};

export const newEndpointSliceController = (d: EndpointSliceControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const tracker = new SliceTracker();
  const controller = defineController({
    name: controllerName, informer: d.services, workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileEndpointSlices(key, { ...d, log, clock, tracker }),
  });
  enqueueServicesOnPodChange(d.pods, d.services, (k) => controller.queue.add(k));
  const enqueueService = (s: ApiEndpointSlice) => {
    const name = s.metadata.labels?.[serviceNameLabel];
    if (name && s.metadata.labels?.[managedByLabel] === controllerManagedBy) controller.queue.add(`${s.metadata.namespace}/${name}`);
  };
  d.slices.addEventHandler({ add: enqueueService, update: (_, s) => enqueueService(s), delete: (deleted) => enqueueService(objectFromDeleted(deleted)) });
  return controller;
};
