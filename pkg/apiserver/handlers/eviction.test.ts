import type { ApiPod } from '../../../api/core/v1';
import type { ApiPodDisruptionBudget } from '../../../api/policy/v1';
import { canIgnorePdb, decideEviction, matchingPdbs } from './eviction';

const now = new Date('2026-01-01T00:00:00Z');

const pod = (o: { ready?: boolean; phase?: string; deleting?: boolean; labels?: Record<string, string> } = {}): ApiPod => ({
  metadata: { name: 'p', namespace: 'ns', resourceVersion: '7', labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [] },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
} as ApiPod);

const pdb = (status: Record<string, unknown>, o: { generation?: number; policy?: string; selector?: unknown; name?: string } = {}): ApiPodDisruptionBudget => ({
  metadata: { name: o.name ?? 'b', namespace: 'ns', generation: o.generation ?? 1 },
  spec: { selector: o.selector === undefined ? { matchLabels: { app: 'web' } } : o.selector, ...(o.policy ? { unhealthyPodEvictionPolicy: o.policy } : {}) },
  status: { observedGeneration: 1, ...status },
} as ApiPodDisruptionBudget);

describe('decideEviction', () => {
  it.each([
    { what: 'budget allows: decrement', pod: pod(), pdb: pdb({ disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1 }), action: 'decrement' },
    { what: 'budget spent: reject', pod: pod(), pdb: pdb({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }), action: 'reject' },
    { what: 'status behind the spec: reject', pod: pod(), pdb: pdb({ disruptionsAllowed: 3 }, { generation: 2 }), action: 'reject' },
    { what: 'unready pod, healthy budget: delete', pod: pod({ ready: false }), pdb: pdb({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }), action: 'delete' },
    { what: 'unready pod, AlwaysAllow: delete', pod: pod({ ready: false }), pdb: pdb({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 2 }, { policy: 'AlwaysAllow' }), action: 'delete' },
    { what: 'unready pod, unhealthy budget: reject', pod: pod({ ready: false }), pdb: pdb({ disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 }), action: 'reject' },
    { what: 'negative budget: reject', pod: pod(), pdb: pdb({ disruptionsAllowed: -1 }), action: 'reject' },
  ])('$what', ({ pod: p, pdb: b, action }) => {
    expect(decideEviction(p, b, false, now).action).toBe(action);
  });

  it('spends one disruption and records the pod; the last one flips DisruptionAllowed to False', () => {
    const d = decideEviction(pod(), pdb({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 }), false, now);
    expect(d).toMatchObject({ action: 'decrement', pdb: { status: { disruptionsAllowed: 0, disruptedPods: { p: '2026-01-01T00:00:00Z' }, conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }] } } });
    const dry = decideEviction(pod(), pdb({ disruptionsAllowed: 2 }), true, now);
    expect(dry).toMatchObject({ action: 'decrement', pdb: { status: { disruptionsAllowed: 1 } } });
    if (dry.action === 'decrement') expect(dry.pdb.status?.disruptedPods).toBeUndefined();
  });

  it('rejects with 429 TooManyRequests and the budget in the cause', () => {
    const d = decideEviction(pod(), pdb({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }, { name: 'web' }), false, now);
    if (d.action !== 'reject') throw new Error('expected a rejection');
    expect(d.error.status).toMatchObject({
      code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
  });
});

describe('canIgnorePdb and matchingPdbs', () => {
  it.each([
    [pod(), false], [pod({ phase: 'Succeeded' }), true], [pod({ phase: 'Failed' }), true], [pod({ phase: 'Pending' }), true], [pod({ deleting: true }), true],
  ])('%#: %p', (p, want) => { expect(canIgnorePdb(p)).toBe(want); });

  it('matches by selector; an empty or missing selector matches nothing', () => {
    const budgets = [pdb({}, { name: 'yes' }), pdb({}, { name: 'other', selector: { matchLabels: { app: 'db' } } }), pdb({}, { name: 'empty', selector: {} }), pdb({}, { name: 'none', selector: null })];
    expect(matchingPdbs(pod(), budgets).map((b) => b.metadata.name)).toEqual(['yes']);
  });
});
