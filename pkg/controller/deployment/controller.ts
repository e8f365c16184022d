// Deployment controller wiring (k8s deployment_controller.go NewDeploymentController): deployments
// are the primary resource; a ReplicaSet event enqueues its controlling deployment, or, for an
// orphan, every deployment of its namespace that selects it (adoption); a pod deletion enqueues a
// Recreate deployment, which waits for its old pods to be gone. No expectations: as upstream, each
// write carries a resourceVersion, and a stale cache ends in a conflict and a requeue, not a repeat.
import type { ApiPod } from '../../../api/core/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import {
  objectFromDeleted, controllerRef, defineController, metaNamespaceKey, namespaceIndex, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { reconcileDeployment } from './reconcile';
import type { ApiDeployment, ApiReplicaSet } from './util';

export const controllerName = 'deployment';

export interface DeploymentControllerDeps {
  deployments: Informer<ApiDeployment>;
  replicaSets: Informer<ApiReplicaSet>;
  pods: Informer<ApiPod>;
  dClient: Pick<ResourceClient<ApiDeployment>, 'get' | 'update' | 'updateStatus'>;
  rsClient: Pick<ResourceClient<ApiReplicaSet>, 'create' | 'update' | 'get' | 'delete' | 'patch'>;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

export const newDeploymentController = (d: DeploymentControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const controller = defineController({
    name: controllerName, informer: d.deployments,
    owns: [{ informer: d.replicaSets, ownerKind: 'Deployment' }, { informer: d.pods, ownerKind: '' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileDeployment(key, {
      deployments: d.deployments, replicaSets: d.replicaSets, pods: d.pods,
      dClient: d.dClient, rsClient: d.rsClient, recorder: d.recorder, log, clock,
    }),
  });
  // getDeploymentsForReplicaSet: an orphan goes to every deployment that selects it.
  const enqueueSelecting = (rs: ApiReplicaSet) => {
    if (controllerRef(rs)) return;
    for (const dep of d.deployments.byIndex(namespaceIndex, rs.metadata.namespace ?? '')) {
      if (selectorFromLabelSelector(dep.spec?.selector).matches(rs.metadata.labels ?? {})) controller.queue.add(metaNamespaceKey(dep));
    }
  };
  d.replicaSets.addEventHandler({ add: enqueueSelecting, update: (_, rs) => enqueueSelecting(rs) });
  // deletePod: Recreate scales up only once the old pods are gone, which no ReplicaSet event reports.
  d.pods.addEventHandler({
    delete: (deleted) => {
      const pod = objectFromDeleted(deleted);
      const rsRef = controllerRef(pod);
      if (rsRef?.kind !== 'ReplicaSet') return;
      const rs = d.replicaSets.byIndex(namespaceIndex, pod.metadata.namespace ?? '').find((r) => r.metadata.uid === rsRef.uid);
      const depRef = rs && controllerRef(rs);
      if (depRef?.kind !== 'Deployment') return;
      const dep = d.deployments.get(`${pod.metadata.namespace}/${depRef.name}`);
      if (dep?.spec?.strategy?.type === 'Recreate') controller.queue.add(metaNamespaceKey(dep));
    },
  });
  return controller;
};
