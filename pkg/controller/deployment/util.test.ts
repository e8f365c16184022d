import {
  DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION,
  findActiveOrLatest, findNewReplicaSet, getProportion, isSaturated, maxSurge, maxUnavailable, newRSNewReplicas,
  resolveFenceposts, scaledValue, setNewReplicaSetAnnotations, type ApiDeployment, type ApiReplicaSet,
} from './util';
import { deployment } from './fake-cluster';

const rs = (name: string, replicas: number, o: { created?: string; annotations?: Record<string, string>; available?: number; image?: string } = {}): ApiReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', uid: name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', annotations: o.annotations },
  spec: { replicas, selector: {}, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'busybox', resources: {} }] } } },
  status: { replicas, availableReplicas: o.available ?? replicas },
});
const rolling = (replicas: number, maxSurgeV: number | string, maxUnavailableV: number | string): ApiDeployment =>
  deployment('web', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: maxSurgeV, maxUnavailable: maxUnavailableV } } });

test('percentages scale as intstr.GetScaledValueFromIntOrPercent: surge rounds up, unavailable down', () => {
  expect(scaledValue('25%', 10, true)).toBe(3);
  expect(scaledValue('25%', 10, false)).toBe(2);
  expect(scaledValue(4, 10, true)).toBe(4);
  expect(scaledValue('0%', 10, true)).toBe(0);
  expect(() => scaledValue('abc', 10, true)).toThrow('invalid value for IntOrString');
});

test('resolveFenceposts never gives 0 and 0 (the rollout could not move)', () => {
  expect(resolveFenceposts('25%', '25%', 3)).toEqual([1, 0]);
  expect(resolveFenceposts('25%', '25%', 10)).toEqual([3, 2]);
  expect(resolveFenceposts('10%', '10%', 1)).toEqual([1, 0]);
  expect(resolveFenceposts(0, '10%', 5)).toEqual([0, 1]);
});

test('maxUnavailable is capped at replicas and 0 for Recreate or 0 replicas; maxSurge 0 for Recreate', () => {
  expect(maxUnavailable(rolling(2, 0, 5))).toBe(2);
  expect(maxUnavailable(rolling(0, 1, 1))).toBe(0);
  const recreate = deployment('web', { replicas: 3, strategy: { type: 'Recreate' } });
  expect(maxUnavailable(recreate)).toBe(0);
  expect(maxSurge(recreate)).toBe(0);
  expect(maxSurge(rolling(10, '25%', '25%'))).toBe(3);
});

test('NewRSNewReplicas: the new ReplicaSet grows only within the surge, never past replicas', () => {
  const d = rolling(10, 3, 2);
  const newRS = rs('new', 0);
  expect(newRSNewReplicas(d, [rs('old', 10), newRS], newRS)).toBe(3);
  expect(newRSNewReplicas(d, [rs('old', 12), newRS], newRS)).toBe(1);
  expect(newRSNewReplicas(d, [rs('old', 13), newRS], newRS)).toBe(0);
  const almost = rs('new', 9);
  expect(newRSNewReplicas(d, [rs('old', 0), almost], almost)).toBe(10);
  expect(newRSNewReplicas(deployment('web', { replicas: 4, strategy: { type: 'Recreate' } }), [newRS], newRS)).toBe(4);
});

test('GetProportion: shares by max-replicas annotation, capped by what is left to hand out', () => {
  const d = rolling(15, 3, 0); // scaled from 10 to 15; surge 3 → 18 allowed
  const old = rs('old', 5, { annotations: { [MAX_REPLICAS_ANNOTATION]: '13' } });
  // 5 * 18 / 13 = 6.92 → 7: two more.
  expect(getProportion(old, d, 5, 0)).toBe(2);
  expect(getProportion(old, d, 5, 4)).toBe(1);
  expect(getProportion(rs('zero', 0), d, 5, 0)).toBe(0);
  expect(getProportion(old, d, 0, 0)).toBe(0);
});

test('new-RS annotations: revision, revision-history when an old revision comes back, replica annotations on create', () => {
  const d = { ...rolling(3, 1, 0), metadata: { name: 'web', namespace: 'default', annotations: { team: 'a', [REVISION_ANNOTATION]: '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } };
  const fresh = rs('new', 0);
  expect(setNewReplicaSetAnnotations(d, fresh, 1, false)).toBe(true);
  expect(fresh.metadata.annotations).toEqual({ team: 'a', [REVISION_ANNOTATION]: '1', [DESIRED_REPLICAS_ANNOTATION]: '3', [MAX_REPLICAS_ANNOTATION]: '4' });
  const back = rs('old', 0, { annotations: { [REVISION_ANNOTATION]: '1', [REVISION_HISTORY_ANNOTATION]: '0' } });
  setNewReplicaSetAnnotations(d, back, 3, true);
  expect(back.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
  expect(back.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('0,1');
  // Already at the revision: nothing changes.
  expect(setNewReplicaSetAnnotations(d, back, 3, true)).toBe(false);
});

test('FindNewReplicaSet picks the oldest ReplicaSet with the template; FindActiveOrLatest the only active one', () => {
  const d = rolling(3, 1, 0);
  const a = rs('a', 1, { created: '2026-01-01T00:00:02Z' });
  const b = rs('b', 1, { created: '2026-01-01T00:00:01Z' });
  expect(findNewReplicaSet(d, [a, b])?.metadata.name).toBe('b');
  expect(findNewReplicaSet(d, [rs('c', 1, { image: 'other' })])).toBeUndefined();
  expect(findActiveOrLatest(a, [b])).toBeUndefined();
  expect(findActiveOrLatest(rs('n', 0), [b])?.metadata.name).toBe('b');
  expect(findActiveOrLatest(undefined, [rs('x', 0, { created: '2026-01-01T00:00:01Z' }), rs('y', 0, { created: '2026-01-01T00:00:03Z' })])?.metadata.name).toBe('y');
});

test('IsSaturated needs size, desired-replicas annotation and availability to agree', () => {
  const d = rolling(3, 1, 0);
  expect(isSaturated(d, rs('n', 3, { annotations: { [DESIRED_REPLICAS_ANNOTATION]: '3' } }))).toBe(true);
  expect(isSaturated(d, rs('n', 3, { annotations: { [DESIRED_REPLICAS_ANNOTATION]: '2' } }))).toBe(false);
  expect(isSaturated(d, rs('n', 3, { annotations: { [DESIRED_REPLICAS_ANNOTATION]: '3' }, available: 2 }))).toBe(false);
  expect(isSaturated(d, undefined)).toBe(false);
});
