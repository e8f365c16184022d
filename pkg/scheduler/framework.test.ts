import type { Status } from './framework';
import { CycleState, FitError, StateKey, fitErrorMessage, unresolvable, unschedulable } from './framework';
import { pod } from './testing';

const diagnosis = (statuses: Status[], preFilterMsg?: string) => ({
  nodeToStatus: new Map(statuses.map((s, i) => [`n${i}`, s])), unschedulablePlugins: new Set<string>(), preFilterMsg,
});

describe('FitError message', () => {
  test.each([
    { name: 'one reason', statuses: [unschedulable('Insufficient cpu')], want: '0/1 nodes are available: 1 Insufficient cpu.' },
    {
      name: 'counted and sorted as strings (upstream sort.Strings)',
      statuses: [unschedulable('Insufficient cpu'), unschedulable('Too many pods'), unschedulable('Insufficient cpu')],
      want: '0/3 nodes are available: 1 Too many pods, 2 Insufficient cpu.',
    },
    {
      name: 'every reason of a node counts',
      statuses: [unschedulable('Insufficient cpu', 'Insufficient memory'), unresolvable('node(s) were unschedulable')],
      want: '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable.',
    },
    {
      name: 'taint reasons keep upstream wording',
      statuses: [unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'),
        unschedulable('Insufficient cpu'), unschedulable('Insufficient cpu')],
      want: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    },
  ])('$name', ({ statuses, want }) => {
    expect(new FitError(pod(), statuses.length, diagnosis(statuses)).message).toBe(want);
  });

  test('a preFilter rejection replaces the per-node histogram', () => {
    expect(fitErrorMessage(2, diagnosis([unschedulable('x'), unschedulable('x')], 'pod has unbound PVCs')))
      .toBe('0/2 nodes are available: pod has unbound PVCs.');
  });
});

test('CycleState keys are typed and owned', () => {
  const state = new CycleState();
  const a = new StateKey<number>('a');
  const b = new StateKey<number>('a');
  state.write(a, 1);
  expect(state.read(a)).toBe(1);
  expect(state.read(b)).toBeUndefined();
});
