import type { ApiPod } from '../../../api/core/v1';
import type { ApiPodDisruptionBudget } from '../../../api/policy/v1';
import { silentLogger } from '../../log';
import { computeStatus, deletionTimeoutMs, podsOf, reconcileDisruption, scaledValue } from './reconcile';

const now = new Date('2026-01-01T00:10:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const pod = (name: string, o: { ready?: boolean; deleting?: boolean; labels?: Record<string, string>; namespace?: string } = {}): ApiPod => ({
  metadata: { name, namespace: o.namespace ?? 'ns', labels: o.labels ?? { app: 'web' }, ...(o.deleting ? { deletionTimestamp: ago(0) } : {}) },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
} as ApiPod);

const pdb = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, generation = 1): ApiPodDisruptionBudget => ({
  metadata: { name: 'b', namespace: 'ns', generation, resourceVersion: '5' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status,
} as ApiPodDisruptionBudget);

describe('scaledValue', () => {
  it.each([[2, 10, 2], ['50%', 3, 2], ['0%', 5, 0], ['100%', 4, 4], ['34%', 3, 2]])('%p of %p → %p', (v, total, want) => {
    expect(scaledValue(v, total)).toBe(want);
  });
});

describe('computeStatus', () => {
  const three = [pod('a'), pod('b'), pod('c')];
  it.each([
    { what: 'minAvailable 2 of 3 ready', spec: { minAvailable: 2 }, pods: three, want: { expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    { what: 'minAvailable 3 of 3: none allowed', spec: { minAvailable: 3 }, pods: three, want: { currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 } },
    { what: 'minAvailable 50%', spec: { minAvailable: '50%' }, pods: three, want: { desiredHealthy: 2, disruptionsAllowed: 1 } },
    { what: 'maxUnavailable 1', spec: { maxUnavailable: 1 }, pods: three, want: { expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    { what: 'unready and terminating pods are not healthy', spec: { minAvailable: 1 }, pods: [pod('a', { ready: false }), pod('b', { deleting: true }), pod('c')], want: { currentHealthy: 1, disruptionsAllowed: 0 } },
    { what: 'more desired than healthy never goes negative', spec: { minAvailable: 5 }, pods: three, want: { disruptionsAllowed: 0 } },
    { what: 'no pods', spec: { maxUnavailable: 1 }, pods: [], want: { expectedPods: 0, disruptionsAllowed: 0 } },
  ])('$what', ({ spec, pods, want }) => {
    expect(computeStatus(pdb(spec), pods, now)).toMatchObject({ ...want, observedGeneration: 1 });
  });

  it('sets DisruptionAllowed True/SufficientPods or False/InsufficientPods, keeping the transition time', () => {
    const allowed = computeStatus(pdb({ minAvailable: 1 }), [pod('a'), pod('b')], now);
    expect(allowed.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', lastTransitionTime: '2026-01-01T00:10:00Z' })]);
    const prev = pdb({ minAvailable: 2 }, { conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', lastTransitionTime: ago(60_000) }] });
    expect(computeStatus(prev, [pod('a'), pod('b')], now).conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'InsufficientPods', lastTransitionTime: ago(60_000) })]);
  });

  it('keeps recent disruptedPods out of currentHealthy and prunes old, terminating or gone ones', () => {
    const disruptedPods = { a: ago(1000), b: ago(deletionTimeoutMs + 1000), c: ago(0), gone: ago(0) };
    const s = computeStatus(pdb({ minAvailable: 1 }, { disruptedPods }), [pod('a'), pod('b'), pod('c', { deleting: true })], now);
    expect(s.disruptedPods).toEqual({ a: ago(1000) });
    expect(s.currentHealthy).toBe(1);
  });
});

describe('podsOf', () => {
  it('matches the selector within the namespace; no selector matches none', () => {
    const pods = [pod('a'), pod('b', { labels: { app: 'db' } }), pod('c', { namespace: 'other' })];
    expect(podsOf(pdb({}), pods).map((p) => p.metadata.name)).toEqual(['a']);
    expect(podsOf({ ...pdb({}), spec: {} }, pods)).toEqual([]);
  });
});

describe('reconcileDisruption', () => {
  const deps = (b: ApiPodDisruptionBudget | undefined, pods: ApiPod[]) => {
    const updateStatus = jest.fn(async (_ns: string, o: ApiPodDisruptionBudget) => o);
    return {
      updateStatus,
      d: { pdbs: { get: () => b }, pods: { byIndex: () => pods }, pdbClient: { updateStatus }, log: silentLogger(), clock: { now: () => now.getTime() } as never },
    };
  };
  it('writes a changed status, and asks to look again when a disruptedPods entry expires', async () => {
    const { d, updateStatus } = deps(pdb({ minAvailable: 1 }, { disruptedPods: { a: ago(1000) } }), [pod('a'), pod('b')]);
    const r = await reconcileDisruption('ns/b', d);
    expect(updateStatus).toHaveBeenCalledWith('ns', expect.objectContaining({ status: expect.objectContaining({ currentHealthy: 1, disruptionsAllowed: 0 }) }));
    expect(r).toEqual({ requeueAfterMs: deletionTimeoutMs - 1000 });
  });
  it('writes nothing when the status is current, and nothing for a deleted budget', async () => {
    const current = computeStatus(pdb({ minAvailable: 1 }), [pod('a')], now);
    const same = deps(pdb({ minAvailable: 1 }, current), [pod('a')]);
    expect(await reconcileDisruption('ns/b', same.d)).toBeUndefined();
    expect(same.updateStatus).not.toHaveBeenCalled();
    const gone = deps(undefined, []);
    expect(await reconcileDisruption('ns/b', gone.d)).toBeUndefined();
  });
});
