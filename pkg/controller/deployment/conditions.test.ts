import type { DeploymentStatus } from '../../../api/apps/v1';
import {
  NEW_RS_AVAILABLE_REASON, PROGRESSING, RS_UPDATED_REASON, TIMED_OUT_REASON,
  calculateStatus, getCondition, newCondition, rfc3339, rolloutStatus, setCondition, statusEqual, stuckRequeueAfter,
} from './conditions';
import { deployment } from './fake-cluster';
import type { ApiDeployment, ApiReplicaSet } from './util';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const rs = (name: string, replicas: number, available: number, ready = available): ApiReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, uid: name },
  spec: { replicas, selector: {} }, status: { replicas, readyReplicas: ready, availableReplicas: available },
});
const withStatus = (d: ApiDeployment, status: DeploymentStatus, generation = 1): ApiDeployment =>
  ({ ...d, metadata: { ...d.metadata, generation }, status });

test('calculateStatus counts from the ReplicaSets, omits zeros, and sets Available from maxUnavailable', () => {
  const d = withStatus(deployment('web', { replicas: 4 }), {});
  const s = calculateStatus([rs('old', 1, 1), rs('new', 3, 2, 3)], rs('new', 3, 2, 3), d, NOW);
  expect(s).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 1 });
  // 25% of 4 is 1 unavailable allowed: 3 available is enough.
  expect(getCondition(s, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  const short = calculateStatus([rs('new', 4, 2)], rs('new', 4, 2), d, NOW);
  expect(getCondition(short, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  const none = calculateStatus([], undefined, withStatus(deployment('web', { replicas: 0 }), {}), NOW);
  expect(Object.keys(none).sort()).toEqual(['conditions', 'observedGeneration']);
});

test('setCondition keeps lastTransitionTime while the status stays, and ignores a repeat', () => {
  const s: DeploymentStatus = {};
  setCondition(s, newCondition(PROGRESSING, 'True', 'A', 'a', NOW));
  setCondition(s, newCondition(PROGRESSING, 'True', 'B', 'b', NOW + 5000));
  expect(getCondition(s, PROGRESSING)).toMatchObject({ reason: 'B', lastTransitionTime: rfc3339(NOW), lastUpdateTime: rfc3339(NOW + 5000) });
  setCondition(s, newCondition(PROGRESSING, 'True', 'B', 'other', NOW + 9000));
  expect(getCondition(s, PROGRESSING)?.message).toBe('b');
});

test('Progressing: ReplicaSetUpdated on progress, NewReplicaSetAvailable when complete, ProgressDeadlineExceeded when stalled', () => {
  const started = newCondition(PROGRESSING, 'True', 'NewReplicaSetCreated', 'Created new replica set "web-1"', NOW - 60_000);
  const d = withStatus(deployment('web', { replicas: 2, progressDeadlineSeconds: 30 }), { replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [started] });
  const newRS = rs('web-1', 2, 0);
  const progressing = rolloutStatus([rs('old', 1, 1), newRS], newRS, d, NOW);
  expect(getCondition(progressing, PROGRESSING)).toMatchObject({
    status: 'True', reason: RS_UPDATED_REASON, message: 'ReplicaSet "web-1" is progressing.',
    lastTransitionTime: rfc3339(NOW - 60_000), lastUpdateTime: rfc3339(NOW),
  });
  const stalled = rolloutStatus([rs('old', 1, 1), rs('web-1', 1, 0)], rs('web-1', 1, 0), d, NOW);
  expect(getCondition(stalled, PROGRESSING)).toMatchObject({ status: 'False', reason: TIMED_OUT_REASON, message: 'ReplicaSet "web-1" has timed out progressing.' });
  const done = rolloutStatus([rs('web-1', 2, 2)], rs('web-1', 2, 2), d, NOW);
  expect(getCondition(done, PROGRESSING)).toMatchObject({ status: 'True', reason: NEW_RS_AVAILABLE_REASON, message: 'ReplicaSet "web-1" has successfully progressed.' });
});

test('without a progress deadline there is no Progressing condition', () => {
  const d = withStatus({ ...deployment('web'), spec: { ...deployment('web').spec!, progressDeadlineSeconds: undefined } },
    { conditions: [newCondition(PROGRESSING, 'True', 'X', 'x', NOW)] });
  expect(getCondition(rolloutStatus([rs('a', 1, 1)], rs('a', 1, 1), d, NOW), PROGRESSING)).toBeUndefined();
});

test('a ReplicaFailure on the new ReplicaSet is surfaced on the deployment', () => {
  const newRS = { ...rs('web-1', 1, 0), status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota' }] } };
  const s = rolloutStatus([newRS], newRS, withStatus(deployment('web'), {}), NOW);
  expect(getCondition(s, 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate', message: 'quota' });
});

test('a stuck rollout is looked at again just after its deadline; a complete or timed-out one is not', () => {
  const cond = newCondition(PROGRESSING, 'True', RS_UPDATED_REASON, 'x', NOW - 10_000);
  const d = withStatus(deployment('web', { progressDeadlineSeconds: 30 }), { conditions: [cond] });
  expect(stuckRequeueAfter(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 0, observedGeneration: 1 }, NOW)).toBe(21_000);
  expect(stuckRequeueAfter(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 1 }, NOW)).toBeUndefined();
  expect(stuckRequeueAfter(d, {}, NOW + 29_500)).toBe(0);
});

test('statusEqual ignores key order and absent-versus-zero', () => {
  const c = newCondition(PROGRESSING, 'True', 'A', 'a', NOW);
  const reordered = Object.fromEntries(Object.entries(c).reverse()) as typeof c;
  expect(statusEqual({ replicas: 0, conditions: [c] }, { conditions: [reordered] })).toBe(true);
  expect(statusEqual({ replicas: 1 }, {})).toBe(false);
});
