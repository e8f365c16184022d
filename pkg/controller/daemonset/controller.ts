// DaemonSet controller wiring (k8s daemon_controller.go NewDaemonSetsController): DaemonSets are
// the primary resource, pods are owned; any node change makes every DaemonSet look again (a
// node joining, leaving, or changing labels or taints changes where daemon pods belong).
import type { ApiControllerRevision, ApiDaemonSet } from '../../../api/apps/v1';
import type { ApiNode, ApiPod } from '../../../api/core/v1';
import {
  UIDTrackingControllerExpectations, createWorkQueue, defineController, metaNamespaceKey, realClock,
  type Clock, type Controller, type ControllerMetrics, type EventRecorder, type Informer, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';
import type { RevisionClient } from '../revision-writes';
import { trackPodExpectations } from '../pod-expectations';
import { reconcileDaemonSet } from './reconcile';

export const controllerName = 'daemonset';

export interface DaemonSetControllerDeps {
  daemonSets: Informer<ApiDaemonSet>;
  nodes: Informer<ApiNode>;
  pods: Informer<ApiPod>;
  podClient: Pick<ResourceClient<ApiPod>, 'create' | 'delete'>;
  dsClient: Pick<ResourceClient<ApiDaemonSet>, 'updateStatus'>;
  revisions: Informer<ApiControllerRevision>;
  revisionClient: RevisionClient;
  recorder: EventRecorder;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}


export const newDaemonSetController = (d: DaemonSetControllerDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const expectations = new UIDTrackingControllerExpectations(clock);
  const queue = createWorkQueue({ clock });
  trackPodExpectations(d.pods, 'DaemonSet', expectations);
  const everyDaemonSet = () => { for (const ds of d.daemonSets.list()) queue.add(metaNamespaceKey(ds)); };
  d.nodes.addEventHandler({
    add: everyDaemonSet,
    update: (old, node) => {
      const changed = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(node.metadata.labels ?? {})
        || JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(node.spec?.taints ?? []);
      if (changed) everyDaemonSet();
    },
    delete: everyDaemonSet,
  });
  return defineController({
    name: controllerName, informer: d.daemonSets,
    owns: [{ informer: d.pods, ownerKind: 'DaemonSet' }, { informer: d.revisions, ownerKind: 'DaemonSet' }], queue,
    workers: d.workers, log: d.log, clock, metrics: d.metrics,
    reconcile: (key) => reconcileDaemonSet(key, {
      daemonSets: d.daemonSets, nodes: d.nodes, pods: d.pods, podClient: d.podClient, dsClient: d.dsClient,
      revisions: d.revisions, revisionClient: d.revisionClient, expectations, recorder: d.recorder, log, clock,
    }),
  });
};
