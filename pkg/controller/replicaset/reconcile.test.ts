import { StatusError, conflict, internal, notFound } from '../../apimachinery/errors';
import { UIDTrackingControllerExpectations, type EventRecorder } from '../../client';
import { FakeClock, waitFor } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { createLogger, silentLogger } from '../../log';
import type { DeleteOptions } from '../../../api/meta/v1';
import { newReplicaSetController } from './controller';
import {
  BURST_REPLICAS, planReplicaSet, reconcileReplicaSet, type ApiPod, type ApiReplicaSet, type ReplicaSetDeps,
} from './reconcile';

const NOW = Date.parse('2025-01-01T00:10:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface RsOpts { replicas?: number; minReadySeconds?: number; deleting?: boolean; status?: ApiReplicaSet['status']; noTemplate?: boolean }
const rs = (o: RsOpts = {}): ApiReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid', resourceVersion: '10', generation: 2,
    deletionTimestamp: o.deleting ? ago(1) : undefined },
  spec: {
    replicas: o.replicas, minReadySeconds: o.minReadySeconds, selector: { matchLabels: { app: 'web' } },
    template: o.noTemplate ? undefined : { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  },
  status: o.status,
});

interface PodOpts {
  owner?: string | null; phase?: string; readySince?: number; node?: string; createdAgo?: number;
  deleting?: boolean; restarts?: number; labels?: Record<string, string>;
}
const pod = (name: string, o: PodOpts = {}): ApiPod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name, namespace: 'ns', uid: `uid-${name}`, labels: o.labels ?? { app: 'web', tier: 'fe' },
    creationTimestamp: ago(o.createdAgo ?? 60), deletionTimestamp: o.deleting ? ago(1) : undefined,
    ownerReferences: o.owner === null ? undefined
      : [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: o.owner ?? 'rs-uid', controller: true }],
  },
  spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase: o.phase ?? 'Running',
    conditions: o.readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }],
    containerStatuses: [{ name: 'c', ready: true, restartCount: o.restarts ?? 0, image: 'busybox', imageID: '' }],
  },
});
const running = (name: string, o: PodOpts = {}) => pod(name, { readySince: 100, ...o });
const names = (pods: ApiPod[]) => pods.map((p) => p.metadata.name);

describe('planReplicaSet', () => {
  test.each([
    { name: 'scale up from zero', rs: rs({ replicas: 3 }), pods: [], satisfied: true, want: { create: 3, delete: [] } },
    { name: 'replicas defaults to 1', rs: rs(), pods: [], satisfied: true, want: { create: 1, delete: [] } },
    { name: 'steady state', rs: rs({ replicas: 2 }), pods: [running('a'), running('b')], satisfied: true, want: { create: 0, delete: [] } },
    { name: 'unsatisfied expectations hold creates', rs: rs({ replicas: 3 }), pods: [running('a')], satisfied: false, want: { create: 0, delete: [] } },
    { name: 'unsatisfied expectations hold deletes', rs: rs({ replicas: 0 }), pods: [running('a')], satisfied: false, want: { create: 0, delete: [] } },
    { name: 'terminating pods do not count', rs: rs({ replicas: 2 }), pods: [running('a'), running('b', { deleting: true })], satisfied: true, want: { create: 1, delete: [] } },
    { name: 'finished pods do not count', rs: rs({ replicas: 2 }), pods: [pod('a', { phase: 'Succeeded' }), pod('b', { phase: 'Failed' })], satisfied: true, want: { create: 2, delete: [] } },
    { name: 'pods of other owners and orphans are ignored', rs: rs({ replicas: 1 }), pods: [running('a', { owner: 'other' }), running('b', { owner: null })], satisfied: true, want: { create: 1, delete: [] } },
    { name: 'a ReplicaSet being deleted only reports', rs: rs({ replicas: 3, deleting: true }), pods: [], satisfied: true, want: { create: 0, delete: [] } },
    { name: 'burst is capped', rs: rs({ replicas: BURST_REPLICAS + 100 }), pods: [], satisfied: true, want: { create: BURST_REPLICAS, delete: [] } },
    {
      name: 'scale down deletes unscheduled, pending, not ready, then newer pods first',
      rs: rs({ replicas: 2 }),
      pods: [
        running('old', { createdAgo: 500 }), running('new', { createdAgo: 10 }), pod('notready', { phase: 'Running' }),
        pod('pending', { phase: 'Pending', node: 'n1' }), pod('unscheduled', { phase: 'Pending', node: '' }),
        running('restarty', { createdAgo: 500, restarts: 5 }), running('fresh-ready', { createdAgo: 500, readySince: 5 }),
      ],
      satisfied: true,
      want: { create: 0, delete: ['unscheduled', 'pending', 'notready', 'fresh-ready', 'restarty'] },
    },
  ])('$name', ({ rs: r, pods, satisfied, want }) => {
    const plan = planReplicaSet(r, pods, satisfied, NOW);
    expect({ create: plan.create, delete: names(plan.delete) }).toEqual(want);
  });

  test.each([
    {
      name: 'counts replicas, labels, ready, available and terminating',
      rs: rs({ replicas: 4, minReadySeconds: 30 }),
      pods: [running('a', { readySince: 60 }), running('b', { readySince: 10 }), pod('c'), running('d', { labels: { app: 'web' } }),
        running('e', { deleting: true }), running('x', { owner: 'other' })],
      want: { replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 2, terminatingReplicas: 1, observedGeneration: 2 },
    },
    {
      name: 'no pods',
      rs: rs({ replicas: 0 }), pods: [],
      want: { replicas: 0, fullyLabeledReplicas: 0, readyReplicas: 0, availableReplicas: 0, terminatingReplicas: 0, observedGeneration: 2 },
    },
  ])('status: $name', ({ rs: r, pods, want }) => {
    expect(planReplicaSet(r, pods, true, NOW).status).toEqual(want);
  });
});

/** A FakePodControl-style recorder of what reconcile asked the API to do. */
const fakeDeps = (o: { rs?: ApiReplicaSet; pods?: ApiPod[]; createFails?: (n: number) => StatusError | undefined; statusFails?: StatusError } = {}) => {
  const actions: string[] = [];
  const events: string[] = [];
  const created: ApiPod[] = [];
  const statuses: ApiReplicaSet[] = [];
  const deletes: { name: string; opts?: DeleteOptions }[] = [];
  const replicaSets = new FakeInformer<ApiReplicaSet>();
  const pods = new FakeInformer<ApiPod>();
  if (o.rs) replicaSets.seed(o.rs);
  pods.seed(...(o.pods ?? []));
  let n = 0;
  const recorder: EventRecorder = { event: (_obj, type, reason, message) => { events.push(`${type} ${reason} ${message}`); } };
  const deps: ReplicaSetDeps = {
    replicaSets, pods, recorder, log: silentLogger(), clock: new FakeClock(NOW),
    expectations: new UIDTrackingControllerExpectations(new FakeClock(NOW)),
    podClient: {
      create: async (_ns, p) => {
        const i = n++;
        actions.push(`create ${p.metadata.generateName}`);
        const err = o.createFails?.(i);
        if (err) throw err;
        const out = { ...p, metadata: { ...p.metadata, name: `${p.metadata.generateName}${i}`, uid: `new-${i}` } };
        created.push(out);
        return out;
      },
      delete: async (_ns, name, opts) => {
        actions.push(`delete ${name}`);
        deletes.push({ name, opts });
        if (name === 'gone') throw notFound({ group: '', resource: 'pods' }, name);
        return {};
      },
    },
    rsClient: {
      updateStatus: async (_ns, r) => {
        actions.push('updateStatus');
        if (o.statusFails) throw o.statusFails;
        statuses.push(r);
        return r;
      },
    },
  };
  return { deps, actions, events, created, statuses, deletes, replicaSets, pods };
};

describe('reconcileReplicaSet', () => {
  test('creates pods from the template, owned by the ReplicaSet, and writes status with a precondition', async () => {
    const f = fakeDeps({ rs: rs({ replicas: 3 }) });
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions).toEqual(['create web-', 'create web-', 'create web-', 'updateStatus']);
    expect(f.created[0]).toEqual({
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: 'web-0', uid: 'new-0', generateName: 'web-', namespace: 'ns', labels: { app: 'web', tier: 'fe' },
        annotations: undefined, finalizers: undefined,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(f.statuses[0].metadata.resourceVersion).toBe('10');
    expect(f.statuses[0].status).toMatchObject({ replicas: 0, observedGeneration: 2 });
    expect(f.events).toEqual(['Normal SuccessfulCreate Created pod: web-0', 'Normal SuccessfulCreate Created pod: web-1', 'Normal SuccessfulCreate Created pod: web-2']);

    // The cache has not seen the pods yet: a second sync must not create them again.
    f.actions.length = 0;
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions.filter((a) => a.startsWith('create'))).toEqual([]);
    expect(f.deps.expectations.get('ns/web')).toEqual({ add: 3, del: 0 });
  });

  test('status is not rewritten when unchanged', async () => {
    const status = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, terminatingReplicas: 0, observedGeneration: 2 };
    const f = fakeDeps({ rs: rs({ replicas: 1, status }), pods: [running('a')] });
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions).toEqual([]);
  });

  test('deletes extras with a uid precondition and expects their deletion', async () => {
    const f = fakeDeps({ rs: rs({ replicas: 1 }), pods: [running('a', { createdAgo: 500 }), running('b', { createdAgo: 5 }), running('gone', { createdAgo: 1 })] });
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions).toEqual(['delete gone', 'delete b', 'updateStatus']);
    expect(f.deletes[1].opts).toEqual({ preconditions: { uid: 'uid-b' } });
    // 'gone' was already deleted: only 'b' is still expected.
    expect(f.deps.expectations.get('ns/web')).toEqual({ add: 0, del: 1 });
    expect(f.deps.expectations.satisfied('ns/web')).toBe(false);
    f.deps.expectations.deletionObservedOf('ns/web', 'ns/b');
    expect(f.deps.expectations.satisfied('ns/web')).toBe(true);
  });

  test('a failed create lowers expectations, sets ReplicaFailure, and is thrown for a requeue', async () => {
    const f = fakeDeps({ rs: rs({ replicas: 4 }), createFails: (i) => (i === 1 ? internal(new Error('etcd down')) : undefined) });
    const err = await reconcileReplicaSet('ns/web', f.deps).catch((e: unknown) => e);
    expect((err as StatusError).message).toContain('etcd down');
    expect(f.actions).toEqual(['create web-', 'create web-', 'create web-', 'updateStatus']); // batches 1, then 2 (one failed): stop
    expect(f.deps.expectations.get('ns/web')).toEqual({ add: 2, del: 0 }); // 2 created, 2 never expected
    expect(f.statuses[0].status?.conditions).toEqual([expect.objectContaining({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' })]);
    expect(f.events).toContain('Warning FailedCreate Error creating: Internal error occurred: etcd down');
  });

  test('a status conflict is thrown so the worker requeues', async () => {
    const f = fakeDeps({ rs: rs({ replicas: 0 }), statusFails: conflict({ group: 'apps', resource: 'replicasets' }, 'web', 'the object has been modified') });
    await expect(reconcileReplicaSet('ns/web', f.deps)).rejects.toThrow('the object has been modified');
  });

  test('a deleted ReplicaSet: its pods are left to the garbage collector and its expectations dropped', async () => {
    const f = fakeDeps({ pods: [running('a'), running('b', { deleting: true }), running('c', { owner: null }), running('d', { owner: 'other-rs' })] });
    f.deps.expectations.expectCreations('ns/web', 2);
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions).toEqual([]);
    expect(f.deps.expectations.get('ns/web')).toBeUndefined();
  });

  test('pods of a deleted predecessor with the same name are not this ReplicaSet\'s (the GC collects them)', async () => {
    const status = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, terminatingReplicas: 0, observedGeneration: 2 };
    const f = fakeDeps({ rs: rs({ replicas: 1, status }), pods: [running('a'), running('old', { owner: 'old-uid' })] });
    await reconcileReplicaSet('ns/web', f.deps);
    expect(f.actions).toEqual([]);
  });

  test('minReadySeconds: re-check when ready pods are not yet available', async () => {
    const f = fakeDeps({ rs: rs({ replicas: 1, minReadySeconds: 30 }), pods: [running('a', { readySince: 5 })] });
    expect(await reconcileReplicaSet('ns/web', f.deps)).toEqual({ requeueAfterMs: 30_000 });
  });
});

test('through the worker: a failed create is requeued with back-off, then succeeds', async () => {
  const clock = new FakeClock(NOW);
  const lines: string[] = [];
  let fail = true;
  const f = fakeDeps({ rs: rs({ replicas: 1 }), createFails: () => (fail ? internal(new Error('apiserver unavailable')) : undefined) });
  const replicaSets = new FakeInformer<ApiReplicaSet>();
  const pods = new FakeInformer<ApiPod>();
  const ctrl = newReplicaSetController({
    replicaSets, pods, clock, log: createLogger('t', { write: (l) => lines.push(l) }), recorder: f.deps.recorder,
    podClient: f.deps.podClient, rsClient: f.deps.rsClient,
  });
  const ac = new AbortController();
  const run = ctrl.run(ac.signal);
  replicaSets.apply(rs({ replicas: 1 }));
  await waitFor(() => ctrl.queue.numRequeues('ns/web') === 1, 'requeue');
  expect(lines.some((l) => l.includes('reconcile failed, requeuing') && l.includes('apiserver unavailable'))).toBe(true);
  expect(ctrl.expectations.satisfied('ns/web')).toBe(true); // the failed create is not expected
  fail = false;
  clock.step(clock.pendingDelays()[0]);
  await waitFor(() => f.created.length === 1, 'create after requeue');
  await waitFor(() => ctrl.queue.numRequeues('ns/web') === 0, 'forget');
  // The informer then delivers the pod: the expectation is met.
  expect(ctrl.expectations.satisfied('ns/web')).toBe(false);
  pods.apply(f.created[0]);
  expect(ctrl.expectations.satisfied('ns/web')).toBe(true);
  ac.abort();
  await run;
});
