import { buildProfile, defaultProfileConfig } from './registry';
import { schedulePod, selectHost } from './schedule-pod';
import { node, nodeInfo, pod, usedPods } from './testing';

const profile = buildProfile(defaultProfileConfig());

describe('schedulePod', () => {
  test('picks the least allocated feasible node', () => {
    const nodes = [
      nodeInfo(node({ name: 'busy', cpu: '4' }), usedPods(1, { cpu: '3' })),
      nodeInfo(node({ name: 'idle', cpu: '4' })),
      nodeInfo(node({ name: 'cordoned', cpu: '64', unschedulable: true })),
    ];
    expect(schedulePod(profile, pod({ cpu: '500m' }), nodes)).toEqual({ kind: 'scheduled', nodeName: 'idle', evaluatedNodes: 3, feasibleNodes: 2 });
  });

  test('fits nowhere: the FitError names every node\'s reason', () => {
    const nodes = [
      nodeInfo(node({ name: 'a', cpu: '1' })),
      nodeInfo(node({ name: 'b', cpu: '1' })),
      nodeInfo(node({ name: 'c', pods: 1 }), usedPods(1)),
      nodeInfo(node({ name: 'd', ready: false })),
    ];
    const got = schedulePod(profile, pod({ cpu: '2' }), nodes);
    if (got.kind !== 'unschedulable') throw new Error(`expected unschedulable, got ${got.kind}`);
    expect(got.error.message).toBe('0/4 nodes are available: 1 Too many pods, 1 node(s) were not ready, 2 Insufficient cpu.');
    expect([...got.error.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeReady', 'NodeResourcesFit']);
  });

  test('no nodes at all is an error, as upstream', () => {
    expect(schedulePod(profile, pod(), [])).toEqual({ kind: 'error', message: 'no nodes available to schedule pods' });
  });

  test('a single feasible node is chosen without scoring', () => {
    const got = schedulePod(profile, pod({ cpu: '3' }), [nodeInfo(node({ name: 'small', cpu: '1' })), nodeInfo(node({ name: 'big', cpu: '4' }))]);
    expect(got).toMatchObject({ kind: 'scheduled', nodeName: 'big' });
  });
});

describe('selectHost', () => {
  const scores = [{ name: 'a', score: 10 }, { name: 'b', score: 90 }, { name: 'c', score: 90 }, { name: 'd', score: 5 }];
  test.each([
    { name: 'rand keeps the first of the tie', rand: 0.9, want: 'b' },
    { name: 'rand replaces with the later tie', rand: 0.1, want: 'c' },
  ])('$name', ({ rand, want }) => {
    expect(selectHost(scores, () => rand)).toBe(want);
  });
});
