// NodeResourcesFit rejects nodes without room for the pod's requests (upstream
// plugins/noderesources/fit.go). The pure core `fits` is what the agent's admission reuses.
import type { Pod } from '../../../api/core/v1';
import type { FilterPlugin } from '../framework';
import { StateKey, unschedulable } from '../framework';
import type { NodeInfo } from '../node-info';
import { computePodRequests, type Resource } from '../resource';

export const name = 'NodeResourcesFit';

export interface InsufficientResource {
  resourceName: 'cpu' | 'memory' | 'pods';
  /** `Insufficient cpu`, `Insufficient memory`, `Too many pods`: the FailedScheduling reasons. */
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/**
 * What the node lacks for a pod requesting `podRequests` (empty = it fits). The pod count is
 * checked first; a pod requesting nothing then fits whatever the node's load (upstream fitsRequest).
 */
export const fits = (podRequests: Resource, nodeInfo: NodeInfo): InsufficientResource[] => {
  const out: InsufficientResource[] = [];
  const { allocatable, requested } = nodeInfo;
  if (nodeInfo.podCount + 1 > allocatable.pods) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.podCount, capacity: allocatable.pods });
  }
  if (podRequests.milliCPU > 0 && podRequests.milliCPU > allocatable.milliCPU - requested.milliCPU) {
    out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: podRequests.milliCPU,
      used: requested.milliCPU, capacity: allocatable.milliCPU });
  }
  if (podRequests.memory > 0 && podRequests.memory > allocatable.memory - requested.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: podRequests.memory,
      used: requested.memory, capacity: allocatable.memory });
  }
  return out;
};

/** Upstream's "PreFilter" + plugin name key: the pod's requests, computed once per cycle. */
const preFilterKey = new StateKey<Resource>(`PreFilter${name}`);

const podRequestsFor = (state: Parameters<FilterPlugin['filter']>[0], pod: Pod): Resource =>
  state.read(preFilterKey) ?? computePodRequests(pod);

export const nodeResourcesFit = {
  name,
  preFilter: (state, pod) => {
    state.write(preFilterKey, computePodRequests(pod));
    return undefined;
  },
  filter: (state, pod, nodeInfo) => {
    const insufficient = fits(podRequestsFor(state, pod), nodeInfo);
    return insufficient.length === 0 ? undefined : unschedulable(...insufficient.map((r) => r.reason));
  },
} satisfies FilterPlugin;
