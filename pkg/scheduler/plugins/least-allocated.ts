// NodeResourcesLeastAllocated prefers the emptiest nodes: per resource
// (allocatable - requested) * 100 / allocatable, then the weighted average (upstream
// plugins/noderesources/least_allocated.go). Requests use the non-zero defaults so that
// pods without requests still spread.
import type { ScorePlugin } from '../framework';
import { StateKey, maxNodeScore } from '../framework';
import { computePodRequests, type Resource } from '../resource';

export const name = 'NodeResourcesLeastAllocated';

export interface ResourceSpec { name: 'cpu' | 'memory'; weight: number }
export interface LeastAllocatedArgs { resources: ResourceSpec[] }
export const defaultLeastAllocatedArgs: LeastAllocatedArgs = {
  resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }],
};

export const leastRequestedScore = (requested: number, capacity: number): number => {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * maxNodeScore) / capacity);
};

const pick = (r: Resource, n: ResourceSpec['name']): number => (n === 'cpu' ? r.milliCPU : r.memory);

/** Pure core: the score of a node with `allocatable`, `requested` already on it, for `podRequest`. */
export const leastAllocatedScore = (
  podRequest: Resource, nodeRequested: Resource, allocatable: Resource, args: LeastAllocatedArgs = defaultLeastAllocatedArgs,
): number => {
  let score = 0;
  let weightSum = 0;
  for (const r of args.resources) {
    const capacity = pick(allocatable, r.name);
    if (capacity === 0) continue;
    score += leastRequestedScore(pick(nodeRequested, r.name) + pick(podRequest, r.name), capacity) * r.weight;
    weightSum += r.weight;
  }
  return weightSum === 0 ? 0 : Math.floor(score / weightSum);
};

const preScoreKey = new StateKey<Resource>(`PreScore${name}`);

export const newLeastAllocated = (args: LeastAllocatedArgs = defaultLeastAllocatedArgs) => ({
  name,
  preFilter: (state, pod) => {
    state.write(preScoreKey, computePodRequests(pod, { nonZero: true }));
    return undefined;
  },
  score: (state, pod, nodeInfo) => {
    const req = state.read(preScoreKey) ?? computePodRequests(pod, { nonZero: true });
    return leastAllocatedScore(req, nodeInfo.nonZeroRequested, nodeInfo.allocatable, args);
  },
}) satisfies ScorePlugin;
