// NodeReady keeps pods off nodes whose Ready condition is not True. Upstream does this through
// the node.kubernetes.io/not-ready taint that the node lifecycle controller adds; until Berth has
// that controller, the scheduler reads the condition itself. A pod that tolerates the not-ready
// taint (DaemonSet-style) may still land there.
import type { Node } from '../../../api/core/v1';
import type { FilterPlugin } from '../framework';
import { unresolvable } from '../framework';
import { podToleratesTaint } from './tolerations';

export const name = 'NodeReady';
export const errReasonNotReady = 'node(s) were not ready';
const notReadyTaint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };

export const isNodeReady = (node: Node): boolean =>
  (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export const nodeReady = {
  name,
  filter: (_state, pod, nodeInfo) => {
    if (isNodeReady(nodeInfo.node) || podToleratesTaint(pod, notReadyTaint)) return undefined;
    return unresolvable(errReasonNotReady);
  },
} satisfies FilterPlugin;
