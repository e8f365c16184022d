import type { ApiObject } from '../../api/meta/v1';
import { createLogger } from '../log';
import { defineController, terminal, type ReconcileResult } from './controller';
import { createWorkQueue } from './workqueue';
import { FakeInformer } from './fake-informer';
import { FakeClock, waitFor } from './fake-clock';

const rs = (name: string): ApiObject => ({ kind: 'ReplicaSet', metadata: { name, namespace: 'ns', uid: `u-${name}` } });
const pod = (name: string, owner?: string, controller = true, kind = 'ReplicaSet'): ApiObject => ({
  kind: 'Pod', metadata: { name, namespace: 'ns', ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind, name: owner, uid: `u-${owner}`, controller }] : undefined },
});

const setup = (reconcile: (key: string) => Promise<ReconcileResult>) => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const primary = new FakeInformer<ApiObject>();
  const pods = new FakeInformer<ApiObject>();
  const queue = createWorkQueue({ clock });
  const calls: string[] = [];
  const ctrl = defineController({
    name: 'replicaset', informer: primary, owns: [{ informer: pods, ownerKind: 'ReplicaSet' }], workers: 2, clock, queue,
    log: createLogger('t', { write: (l) => lines.push(l) }),
    reconcile: async (key) => { calls.push(key); return reconcile(key); },
  });
  const ac = new AbortController();
  const running = ctrl.run(ac.signal);
  const stop = async () => { ac.abort(); await running; expect(clock.pending()).toBe(0); };
  return { clock, lines, primary, pods, queue, calls, stop };
};

test('primary and owned events enqueue the owner key', async () => {
  const t = setup(async () => undefined);
  t.primary.apply(rs('a'));
  await waitFor(() => t.calls.length === 1);
  t.pods.apply(pod('p1', 'b'));              // controller ref → owner key
  t.pods.apply(pod('p2', 'c', false));       // not the controller: ignored
  t.pods.apply(pod('p3', 'd', true, 'Job')); // another kind: ignored
  t.pods.apply(pod('p4'));                   // orphan: ignored
  await waitFor(() => t.calls.length === 2);
  t.pods.apply(pod('p1', 'e'));              // controller moved: both owners
  await waitFor(() => t.calls.length === 4);
  t.pods.remove(pod('p1', 'e'));
  await waitFor(() => t.calls.length === 5);
  expect(t.calls).toEqual(['ns/a', 'ns/b', 'ns/b', 'ns/e', 'ns/e']);
  await t.stop();
});

test('an error requeues with growing back-off; success forgets it', async () => {
  let failures = 2;
  const t = setup(async () => { if (failures-- > 0) throw new Error('apiserver says no'); });
  t.primary.apply(rs('a'));
  await waitFor(() => t.calls.length === 1 && t.clock.pending() === 1);
  expect(t.clock.pendingDelays()).toEqual([5]);
  expect(t.queue.numRequeues('ns/a')).toBe(1);
  t.clock.step(5);
  await waitFor(() => t.calls.length === 2 && t.clock.pending() === 1);
  expect(t.clock.pendingDelays()).toEqual([10]);
  t.clock.step(10);
  await waitFor(() => t.calls.length === 3);
  await waitFor(() => t.queue.numRequeues('ns/a') === 0);
  expect(t.lines.filter((l) => l.includes('reconcile failed, requeuing') && l.includes('apiserver says no'))).toHaveLength(2);
  await t.stop();
});

test('requeueAfterMs re-checks later; terminal errors are not retried', async () => {
  const t = setup(async (key) => {
    if (key === 'ns/t') throw terminal(new Error('bad spec'));
    return { requeueAfterMs: 30_000 };
  });
  t.primary.apply(rs('r'));
  await waitFor(() => t.clock.pending() === 1);
  expect(t.clock.pendingDelays()).toEqual([30_000]);
  t.clock.step(30_000);
  await waitFor(() => t.calls.length === 2);
  t.primary.apply(rs('t'));
  await waitFor(() => t.lines.some((l) => l.includes('reconcile failed permanently')));
  expect(t.queue.numRequeues('ns/t')).toBe(0);
  expect(t.calls.filter((k) => k === 'ns/t')).toHaveLength(1);
  await t.stop();
});

test('one key is never reconciled by two workers at once', async () => {
  let release: () => void = () => undefined;
  let active = 0;
  let maxActive = 0;
  const t = setup(async () => {
    active++; maxActive = Math.max(maxActive, active);
    await new Promise<void>((r) => { release = r; });
    active--;
  });
  t.primary.apply(rs('a'));
  await waitFor(() => t.calls.length === 1);
  t.primary.apply(rs('a')); // re-added while processing
  t.primary.apply(rs('a'));
  expect(t.calls).toHaveLength(1);
  release();
  await waitFor(() => t.calls.length === 2);
  release();
  await waitFor(() => active === 0);
  expect(maxActive).toBe(1);
  expect(t.calls).toEqual(['ns/a', 'ns/a']);
  await t.stop();
});
