// Informer events → queue and cache (upstream eventhandlers.go). Unassigned pods of this
// scheduler go to the queue; assigned pods go to the cache (confirming our assumed ones);
// events that may free room or add capacity move the unschedulable pool back to active.
import type { Node, Pod } from '../../api/core/v1';
import { objectFromDeleted, type EventHandler } from '../client';
import type { SchedulerCache } from './cache';
import { isNodeReady } from './plugins/node-ready';
import type { SchedulingQueue } from './queue';

export const defaultSchedulerName = 'default-scheduler';

const isAssigned = (pod: Pod): boolean => !!pod.spec?.nodeName;
const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export const responsibleForPod = (pod: Pod, schedulerName: string): boolean =>
  (pod.spec?.schedulerName || defaultSchedulerName) === schedulerName;

/** A pod this scheduler has to place: unassigned, ours, not being deleted, not finished. */
export const needsScheduling = (pod: Pod, schedulerName: string): boolean =>
  !isAssigned(pod) && responsibleForPod(pod, schedulerName) && !pod.metadata?.deletionTimestamp && !isTerminal(pod);

export interface HandlerDeps { queue: SchedulingQueue; cache: SchedulerCache; schedulerName: string }

export const podEventHandler = ({ queue, cache, schedulerName }: HandlerDeps): EventHandler<Pod> => ({
  add(pod) {
    if (isAssigned(pod)) cache.addPod(pod);
    else if (needsScheduling(pod, schedulerName)) queue.add(pod);
  },
  update(oldPod, pod) {
    if (isAssigned(pod)) {
      // Bound (by our binding or anyone's): it leaves the queue and counts on its node.
      if (!isAssigned(oldPod)) queue.delete(pod);
      cache.updatePod(oldPod, pod);
      if (isTerminal(pod) && !isTerminal(oldPod)) queue.moveAllToActiveOrBackoffQueue('AssignedPodUpdate');
      return;
    }
    if (needsScheduling(pod, schedulerName)) { queue.update(oldPod, pod); return; }
    queue.delete(pod);
    cache.forgetPod(pod);
  },
  delete(deleted) {
    const pod = objectFromDeleted(deleted);
    if (isAssigned(pod)) {
      cache.removePod(pod);
      queue.moveAllToActiveOrBackoffQueue('AssignedPodDelete');
      return;
    }
    queue.delete(pod);
    cache.forgetPod(pod);
  },
});

/** The parts of a node the filters and scores look at; heartbeats change none of them. */
const schedulingView = (n: Node): string => JSON.stringify([
  n.status?.allocatable ?? n.status?.capacity, n.spec?.unschedulable, n.spec?.taints, n.metadata?.labels, isNodeReady(n),
]);

export const nodeEventHandler = ({ queue, cache }: HandlerDeps): EventHandler<Node> => ({
  add(node) {
    cache.addNode(node);
    queue.moveAllToActiveOrBackoffQueue('NodeAdd');
  },
  update(oldNode, node) {
    cache.updateNode(oldNode, node);
    if (schedulingView(oldNode) !== schedulingView(node)) queue.moveAllToActiveOrBackoffQueue('NodeUpdate');
  },
  delete(node) { cache.removeNode(objectFromDeleted(node)); },
});
