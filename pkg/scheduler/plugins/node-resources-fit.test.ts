import { CycleState, unschedulable } from '../framework';
import { node, nodeInfo, pod, usedPods } from '../testing';
import { fits, nodeResourcesFit } from './node-resources-fit';

describe('NodeResourcesFit', () => {
  test.each([
    { name: 'no requests always fits', pod: pod(), node: nodeInfo(node({ cpu: '1' }), usedPods(1, { cpu: '1' })), want: undefined },
    { name: 'fits in free cpu and memory', pod: pod({ cpu: '1', memory: '1Gi' }),
      node: nodeInfo(node({ cpu: '2', memory: '2Gi' }), usedPods(1, { cpu: '1', memory: '1Gi' })), want: undefined },
    { name: 'too much cpu', pod: pod({ cpu: '1' }), node: nodeInfo(node({ cpu: '10' }), usedPods(10, { cpu: '1' })),
      want: unschedulable('Insufficient cpu') },
    { name: 'too much memory', pod: pod({ memory: '2Gi' }), node: nodeInfo(node({ memory: '3Gi' }), usedPods(1, { memory: '2Gi' })),
      want: unschedulable('Insufficient memory') },
    { name: 'too much of both', pod: pod({ cpu: '3', memory: '9Gi' }), node: nodeInfo(node({ cpu: '2', memory: '8Gi' })),
      want: unschedulable('Insufficient cpu', 'Insufficient memory') },
    { name: 'init container counts', pod: pod({ cpu: '1', init: [{ cpu: '5' }] }), node: nodeInfo(node({ cpu: '4' })),
      want: unschedulable('Insufficient cpu') },
    { name: 'limits-only pod counts its limits', pod: pod({ limits: { cpu: '3' } }), node: nodeInfo(node({ cpu: '2' })),
      want: unschedulable('Insufficient cpu') },
    { name: 'pod count is full', pod: pod(), node: nodeInfo(node({ pods: 2 }), usedPods(2)), want: unschedulable('Too many pods') },
    { name: 'pod count first, then resources', pod: pod({ cpu: '1' }), node: nodeInfo(node({ cpu: '1', pods: 1 }), usedPods(1, { cpu: '1' })),
      want: unschedulable('Too many pods', 'Insufficient cpu') },
  ])('$name', ({ pod, node, want }) => {
    expect(nodeResourcesFit.filter(new CycleState(), pod, node)).toEqual(want);
    const state = new CycleState();
    nodeResourcesFit.preFilter(state, pod);
    expect(nodeResourcesFit.filter(state, pod, node)).toEqual(want);
  });

  test('fits reports amounts for admission messages', () => {
    const got = fits({ milliCPU: 1500, memory: 0 }, nodeInfo(node({ cpu: '2' }), usedPods(1, { cpu: '1' })));
    expect(got).toEqual([{ resourceName: 'cpu', reason: 'Insufficient cpu', requested: 1500, used: 1000, capacity: 2000 }]);
  });
});
