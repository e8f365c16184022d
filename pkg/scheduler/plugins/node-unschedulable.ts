// NodeUnschedulable rejects cordoned nodes (spec.unschedulable) unless the pod tolerates the
// node.kubernetes.io/unschedulable:NoSchedule taint (upstream plugins/nodeunschedulable).
import type { FilterPlugin } from '../framework';
import { unresolvable } from '../framework';
import { podToleratesTaint } from './tolerations';

export const name = 'NodeUnschedulable';
export const errReasonUnschedulable = 'node(s) were unschedulable';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable = {
  name,
  filter: (_state, pod, nodeInfo) => {
    if (!nodeInfo.node.spec?.unschedulable) return undefined;
    if (podToleratesTaint(pod, unschedulableTaint)) return undefined;
    return unresolvable(errReasonUnschedulable);
  },
} satisfies FilterPlugin;
