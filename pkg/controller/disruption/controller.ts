// Disruption controller wiring (k8s disruption.go NewDisruptionController): PDBs are the primary
// resource; a pod event enqueues every PDB of its namespace whose selector matches the pod
// (before or after the change), as upstream's getPdbForPod.
import type { ApiPod } from '../../../api/core/v1';
import type { ApiPodDisruptionBudget } from '../../../api/policy/v1';
import {
  objectFromDeleted, createWorkQueue, defineController, metaNamespaceKey, realClock,
  type Clock, type Controller, type ControllerMetrics, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import { podsOf, reconcileDisruption } from './reconcile';

export const controllerName = 'disruption';

export interface DisruptionControllerDeps {
  pdbs: Informer<ApiPodDisruptionBudget>;
  pods: Informer<ApiPod>;
  pdbClient: Pick<ResourceClient<ApiPodDisruptionBudget>, 'updateStatus'>;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

export const newDisruptionController = (d: DisruptionControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  const enqueueFor = (pod: ApiPod) => {
    for (const pdb of d.pdbs.byIndex('namespace', pod.metadata.namespace ?? '')) {
      if (podsOf(pdb, [pod]).length > 0) queue.add(metaNamespaceKey(pdb));
    }
  };
  d.pods.addEventHandler({
    add: enqueueFor,
    update: (old, pod) => { enqueueFor(old); enqueueFor(pod); },
    delete: (deleted) => enqueueFor(objectFromDeleted(deleted)),
  });
  return defineController({
    name: controllerName, informer: d.pdbs,
    // No pod has a controller of kind '': listed only so the workers wait for the pod cache to sync.
    owns: [{ informer: d.pods, ownerKind: '' }],
    workers: d.workers, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileDisruption(key, { pdbs: d.pdbs, pods: d.pods, pdbClient: d.pdbClient, log, clock }),
  });
};
