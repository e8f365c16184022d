// Endpoints controller (k8s pkg/controller/endpoint/endpoints_controller.go): for each Service
// with a selector, an Endpoints of the same name listing the pods behind it. Services are the
// primary resource; pod changes enqueue the services selecting them; an Endpoints change
// enqueues its service so a hand-edited or deleted object is put back.
import type { ApiEndpoints, ApiPod, ApiService } from '../../../api/core/v1';
import { deepEqual } from '../../apimachinery';
import { isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import {
  objectFromDeleted, defineController, namespaceIndex, realClock, splitMetaNamespaceKey,
  type Clock, type Controller, type ControllerMetrics, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { endpointsLabels, hasSelector, lastChangeTriggerTime, lastChangeTriggerTimeAnnotation, selectedPods } from './pods';
import { enqueueServicesOnPodChange } from './service-pods';
import { computeSubsets, overCapacityAnnotation, truncateSubsets } from './subsets';

export const controllerName = 'endpoints';

export interface EndpointsControllerDeps {
  services: Informer<ApiService>;
  pods: Informer<ApiPod>;
  endpoints: Informer<ApiEndpoints>;
  endpointsClient: Pick<ResourceClient<ApiEndpoints>, 'create' | 'update' | 'delete'>;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

type ReconcileDeps = Pick<EndpointsControllerDeps, 'services' | 'pods' | 'endpoints' | 'endpointsClient'> & { log: Logger };

/** The Endpoints the service should have, or undefined when the current one is already right. */
export const desiredEndpoints = (svc: ApiService, pods: readonly ApiPod[], current: ApiEndpoints | undefined): ApiEndpoints | undefined => {
  const backing = selectedPods(svc, pods);
  const { subsets, truncated } = truncateSubsets(computeSubsets(svc, backing));
  const labels = endpointsLabels(svc);
  const wasTruncated = current?.metadata.annotations?.[overCapacityAnnotation] === 'truncated';
  if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels) && wasTruncated === truncated) return undefined;
  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
  if (truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const trigger = lastChangeTriggerTime(svc, backing);
  if (trigger) annotations[lastChangeTriggerTimeAnnotation] = trigger;
  else delete annotations[lastChangeTriggerTimeAnnotation];
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: {
      ...(current ? structuredClone(current.metadata) : { name: svc.metadata.name, namespace: svc.metadata.namespace }),
      labels, annotations,
    },
    subsets,
  };
};

export const reconcileEndpoints = async (key: string, d: ReconcileDeps): Promise<ReconcileResult> => {
  const { namespace, name } = splitMetaNamespaceKey(key);
  const svc = d.services.get(key);
  if (!svc) {
    // The service is gone: so are its endpoints, if this controller could have written them.
    if (!d.endpoints.get(key)) return;
    try {
      await d.endpointsClient.delete(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return;
  }
  if (!hasSelector(svc) || svc.metadata.deletionTimestamp) return;
  const current = d.endpoints.get(key);
  const next = desiredEndpoints(svc, d.pods.byIndex(namespaceIndex, namespace), current);
  if (!next) return;
  d.log.v(4, 'updating endpoints', { service: key, subsets: next.subsets?.length ?? 0 });
  try {
    // The cached resourceVersion rides along: a concurrent change is a 409 and a requeue.
    if (current) await d.endpointsClient.update(namespace, next);
    else await d.endpointsClient.create(namespace, next);
  } catch (err) {
    // The cache has not seen the object yet (or lost it): the informer event brings us back.
    if (!isAlreadyExists(err) && !isNotFound(err)) throw err;
  }
};

export const newEndpointsController = (d: EndpointsControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const controller = defineController({
    name: controllerName, informer: d.services, workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileEndpoints(key, { ...d, log }),
  });
  enqueueServicesOnPodChange(d.pods, d.services, (k) => controller.queue.add(k));
  const enqueueSame = (ep: ApiEndpoints) => controller.queue.add(`${ep.metadata.namespace}/${ep.metadata.name}`);
  d.endpoints.addEventHandler({ update: (_, ep) => enqueueSame(ep), delete: (deleted) => enqueueSame(objectFromDeleted(deleted)) });
  return controller;
};
