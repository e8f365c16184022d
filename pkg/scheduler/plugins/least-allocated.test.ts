import { CycleState } from '../framework';
import { node, nodeInfo, pod, usedPods } from '../testing';
import { leastAllocatedScore, leastRequestedScore, newLeastAllocated } from './least-allocated';

const Gi = 1024 * 1024 * 1024;

describe('NodeResourcesLeastAllocated', () => {
  test.each([
    { name: 'empty node', requested: 0, capacity: 4000, want: 100 },
    { name: 'half used', requested: 2000, capacity: 4000, want: 50 },
    { name: 'rounds down', requested: 1000, capacity: 3000, want: 66 },
    { name: 'full', requested: 4000, capacity: 4000, want: 0 },
    { name: 'over capacity', requested: 5000, capacity: 4000, want: 0 },
    { name: 'no capacity', requested: 0, capacity: 0, want: 0 },
  ])('leastRequestedScore: $name', ({ requested, capacity, want }) => {
    expect(leastRequestedScore(requested, capacity)).toBe(want);
  });

  test.each([
    { name: 'cpu and memory averaged', pod: { milliCPU: 1000, memory: 0 }, used: { milliCPU: 1000, memory: 2 * Gi },
      alloc: { milliCPU: 4000, memory: 4 * Gi }, want: 50 }, // cpu 50, memory 50
    { name: 'unequal resources', pod: { milliCPU: 0, memory: 0 }, used: { milliCPU: 0, memory: 4 * Gi },
      alloc: { milliCPU: 4000, memory: 4 * Gi }, want: 50 }, // cpu 100, memory 0
    { name: 'resource without capacity ignored', pod: { milliCPU: 1000, memory: 0 }, used: { milliCPU: 0, memory: 0 },
      alloc: { milliCPU: 4000, memory: 0 }, want: 75 },
  ])('leastAllocatedScore: $name', ({ pod, used, alloc, want }) => {
    expect(leastAllocatedScore(pod, used, alloc)).toBe(want);
  });

  test('prefers the emptier node, counting missing requests as the defaults', () => {
    const plugin = newLeastAllocated();
    const p = pod({ cpu: '1', memory: '1Gi' });
    const state = new CycleState();
    plugin.preFilter(state, p);
    const empty = plugin.score(state, p, nodeInfo(node({ cpu: '4', memory: '4Gi' })));
    const busy = plugin.score(state, p, nodeInfo(node({ cpu: '4', memory: '4Gi' }), usedPods(5)));
    expect(empty).toBe(75);
    expect(busy).toBeLessThan(empty);
  });
});
