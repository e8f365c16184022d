// The small filters: NodeUnschedulable, NodeName, NodeReady, TaintToleration.
import { CycleState, unresolvable } from '../framework';
import { node, nodeInfo, pod } from '../testing';
import { nodeName } from './node-name';
import { nodeReady } from './node-ready';
import { nodeUnschedulable } from './node-unschedulable';
import { taintToleration } from './taint-toleration';
import { toleratesTaint } from './tolerations';

const unschedulableToleration = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

test.each([
  { name: 'schedulable node', pod: pod(), node: node(), want: undefined },
  { name: 'cordoned node', pod: pod(), node: node({ unschedulable: true }), want: unresolvable('node(s) were unschedulable') },
  { name: 'cordoned node, tolerated', pod: pod({ tolerations: [unschedulableToleration] }), node: node({ unschedulable: true }), want: undefined },
])('NodeUnschedulable: $name', ({ pod, node, want }) => {
  expect(nodeUnschedulable.filter(new CycleState(), pod, nodeInfo(node))).toEqual(want);
});

test.each([
  { name: 'no nodeName', pod: pod(), want: undefined },
  { name: 'this node', pod: pod({ nodeName: 'n1' }), want: undefined },
  { name: 'another node', pod: pod({ nodeName: 'n2' }), want: unresolvable("node(s) didn't match the requested node name") },
])('NodeName: $name', ({ pod, want }) => {
  expect(nodeName.filter(new CycleState(), pod, nodeInfo(node({ name: 'n1' })))).toEqual(want);
});

test.each([
  { name: 'ready', pod: pod(), node: node(), want: undefined },
  { name: 'not ready', pod: pod(), node: node({ ready: false }), want: unresolvable('node(s) were not ready') },
  { name: 'not ready, tolerated', pod: pod({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }),
    node: node({ ready: false }), want: undefined },
])('NodeReady: $name', ({ pod, node, want }) => {
  expect(nodeReady.filter(new CycleState(), pod, nodeInfo(node))).toEqual(want);
});

const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
test.each([
  { name: 'no taints', pod: pod(), taints: [], want: undefined },
  { name: 'untolerated', pod: pod(), taints: [taint], want: unresolvable('node(s) had untolerated taint {dedicated: gpu}') },
  { name: 'PreferNoSchedule is not a filter', pod: pod(), taints: [{ ...taint, effect: 'PreferNoSchedule' }], want: undefined },
  { name: 'tolerated by value', pod: pod({ tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), taints: [taint], want: undefined },
  { name: 'tolerated by Exists', pod: pod({ tolerations: [{ operator: 'Exists' }] }), taints: [taint], want: undefined },
])('TaintToleration: $name', ({ pod, taints, want }) => {
  expect(taintToleration.filter(new CycleState(), pod, nodeInfo(node({ taints })))).toEqual(want);
});

test.each([
  { name: 'Equal matches value', t: { key: 'k', operator: 'Equal', value: 'v' }, want: true },
  { name: 'Equal wrong value', t: { key: 'k', operator: 'Equal', value: 'w' }, want: false },
  { name: 'empty operator is Equal', t: { key: 'k', value: 'v' }, want: true },
  { name: 'effect mismatch', t: { key: 'k', operator: 'Exists', effect: 'NoExecute' }, want: false },
  { name: 'unknown operator', t: { key: 'k', operator: 'Gt', value: 'v' }, want: false },
])('toleratesTaint: $name', ({ t, want }) => {
  expect(toleratesTaint(t, { key: 'k', value: 'v', effect: 'NoSchedule' })).toBe(want);
});
