import type { ApiControllerRevision, ApiStatefulSet, StatefulSetSpec } from '../../../api/apps/v1';
import type { ApiPod } from '../../../api/core/v1';
import { claimsFor, newStatefulSetPod, planStatefulSet, POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_HASH_LABEL, statusFor, type Revisions } from './plan';
import { planStatefulSetHistory, templateHash } from './revisions';
import { revisionTemplate } from '../daemonset/history';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

const sts = (over: Partial<StatefulSetSpec> = {}, image = 'busybox:1'): ApiStatefulSet => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'sts-uid', generation: 2 },
  spec: {
    replicas: 3, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10,
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
    ...over,
  },
});

/** The revision the controller would have recorded for `set`'s template. */
const revisionFor = (set: ApiStatefulSet): ApiControllerRevision => {
  const r = planStatefulSetHistory(set, [], []).revisions?.update;
  if (!r) throw new Error('no revision');
  return r;
};
const revs = (set: ApiStatefulSet, current = revisionFor(set)): Revisions => ({ current, update: revisionFor(set) });

interface PodOpts { ready?: boolean; phase?: string; rev?: ApiControllerRevision; deleting?: boolean; readyFor?: number }
/** Pod `ordinal` of `set`, Running and Ready unless told otherwise. */
const pod = (set: ApiStatefulSet, ordinal: number, o: PodOpts = {}): ApiPod => {
  const rev = o.rev ?? revisionFor(set);
  const p = newStatefulSetPod(set, revisionTemplate(rev), ordinal, rev.metadata.name ?? '');
  return {
    ...p, metadata: { ...p.metadata, uid: `pod-${ordinal}`, deletionTimestamp: o.deleting ? ago(1) : undefined },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readyFor ?? 60) }] },
  };
};
const names = (pods: ApiPod[]) => pods.map((p) => p.metadata.name);
const plan = (set: ApiStatefulSet, pods: ApiPod[], r = revs(set)) => planStatefulSet(set, pods, r, true, NOW);

describe('newStatefulSetPod', () => {
  it('names the pod by ordinal, gives it the identity labels, hostname, subdomain, claim volumes and the set as controller', () => {
    const set = sts({ volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }] });
    const p = newStatefulSetPod(set, set.spec?.template ?? {}, 1, 'web-abc');
    expect(p.metadata).toMatchObject({
      name: 'web-1', namespace: 'ns',
      labels: { app: 'web', [POD_NAME_LABEL]: 'web-1', [POD_INDEX_LABEL]: '1', [REVISION_HASH_LABEL]: 'web-abc' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'sts-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(p.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }] });
  });
});

describe('claimsFor', () => {
  const templates = [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'] } }];
  it('names each claim <template>-<set>-<ordinal>, with the selector labels, and no owner under Retain', () => {
    const [claim] = claimsFor(sts({ volumeClaimTemplates: templates }), 2);
    expect(claim.metadata).toEqual({ name: 'www-web-2', namespace: 'ns', labels: { tier: 'data', app: 'web' } });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'] });
  });
  it('is owned by the set when the retention policy deletes claims with it', () => {
    const [claim] = claimsFor(sts({ volumeClaimTemplates: templates, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }), 0);
    expect(claim.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'StatefulSet', uid: 'sts-uid', controller: true })]);
  });
});

describe('planStatefulSet', () => {
  it('OrderedReady creates one pod at a time, in order, each once the previous is Running and Ready', () => {
    const set = sts();
    expect(names(plan(set, []).create)).toEqual(['web-0']);
    const pending = pod(set, 0, { phase: 'Pending', ready: false });
    expect(plan(set, [pending])).toMatchObject({ create: [], delete: [], pending: [pending] });
    expect(plan(set, [pod(set, 0, { ready: false })]).create).toEqual([]);
    expect(names(plan(set, [pod(set, 0)]).create)).toEqual(['web-1']);
    // A hole is filled first: web-1 before anything above it.
    expect(names(plan(set, [pod(set, 0), pod(set, 2)]).create)).toEqual(['web-1']);
  });

  it('waits minReadySeconds for a pod to be available before the next', () => {
    const set = sts({ minReadySeconds: 30 });
    expect(plan(set, [pod(set, 0, { readyFor: 10 })]).create).toEqual([]);
    expect(names(plan(set, [pod(set, 0, { readyFor: 31 })]).create)).toEqual(['web-1']);
  });

  it('honours spec.ordinals.start', () => {
    const set = sts({ ordinals: { start: 5 }, replicas: 2 });
    expect(names(plan(set, []).create)).toEqual(['web-5']);
    expect(names(plan(set, [pod(set, 5)]).create)).toEqual(['web-6']);
    expect(names(plan(sts({ ordinals: { start: 5 }, replicas: 1 }), [pod(set, 5), pod(set, 0)]).delete)).toEqual(['web-0']);
  });

  it('Parallel creates and deletes everything at once', () => {
    const set = sts({ podManagementPolicy: 'Parallel' });
    expect(names(plan(set, []).create)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(names(plan(set, [pod(set, 0, { ready: false })]).create)).toEqual(['web-1', 'web-2']);
    const down = sts({ podManagementPolicy: 'Parallel', replicas: 1 });
    expect(names(plan(down, [0, 1, 2, 3].map((i) => pod(down, i, { ready: i !== 3 }))).delete)).toEqual(['web-3', 'web-2', 'web-1']);
  });

  it('scales down from the highest ordinal, one at a time, only while the rest are healthy', () => {
    const set = sts({ replicas: 1 });
    const ready = [0, 1, 2].map((i) => pod(set, i));
    expect(plan(set, ready)).toMatchObject({ create: [], delete: [ready[2]] });
    // web-2 is terminating: wait for it to go.
    expect(plan(set, [ready[0], ready[1], pod(set, 2, { deleting: true })]).delete).toEqual([]);
    // A remaining pod is unhealthy: nothing goes.
    expect(plan(set, [pod(set, 0, { ready: false }), ready[1], ready[2]]).delete).toEqual([]);
    // The unhealthy condemned pod is the first unavailable one: it may go.
    const broken = pod(set, 2, { ready: false });
    expect(plan(set, [ready[0], ready[1], broken]).delete).toEqual([broken]);
    // A healthy highest pod still goes first, whatever the state of the condemned below it.
    expect(plan(set, [ready[0], pod(set, 1, { ready: false }), ready[2]]).delete).toEqual([ready[2]]);
  });

  it('deletes a failed pod, and recreates it under the same name once it is gone', () => {
    const set = sts();
    const failed = pod(set, 1, { phase: 'Failed', ready: false });
    expect(plan(set, [pod(set, 0), failed, pod(set, 2)])).toMatchObject({ create: [], delete: [failed], failed: [failed] });
    expect(plan(set, [pod(set, 0), { ...failed, metadata: { ...failed.metadata, deletionTimestamp: ago(1) } }, pod(set, 2)]).delete).toEqual([]);
    expect(names(plan(set, [pod(set, 0), pod(set, 2)]).create)).toEqual(['web-1']);
  });

  it('rolls a new template from the highest ordinal down, one pod at a time, down to the partition', () => {
    const old = sts();
    const set = sts({}, 'busybox:2');
    const r = revs(set, revisionFor(old));
    const olds = [0, 1, 2].map((i) => pod(old, i));
    expect(names(plan(set, olds, r).delete)).toEqual(['web-2']);
    // The replacement is created at the update revision…
    const [created] = plan(set, olds.slice(0, 2), r).create;
    expect(created.metadata.labels?.[REVISION_HASH_LABEL]).toBe(r.update.metadata.name);
    expect(created.spec?.containers[0].image).toBe('busybox:2');
    // …and nothing more goes until it is ready.
    expect(plan(set, [...olds.slice(0, 2), pod(set, 2, { ready: false })], r).delete).toEqual([]);
    expect(names(plan(set, [...olds.slice(0, 2), pod(set, 2)], r).delete)).toEqual(['web-1']);
    // partition 2: only web-2 is updated; a missing web-0 comes back at the current revision.
    const parted = sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }, 'busybox:2');
    const pr = revs(parted, revisionFor(old));
    expect(plan(parted, [...olds.slice(0, 2), pod(parted, 2)], pr).delete).toEqual([]);
    const [recreated] = plan(parted, [olds[1], pod(parted, 2)], pr).create;
    expect(recreated.metadata).toMatchObject({ name: 'web-0', labels: { [REVISION_HASH_LABEL]: pr.current.metadata.name } });
    expect(recreated.spec?.containers[0].image).toBe('busybox:1');
  });

  it('OnDelete replaces only the pods that were deleted', () => {
    const old = sts({ updateStrategy: { type: 'OnDelete' } });
    const set = sts({ updateStrategy: { type: 'OnDelete' } }, 'busybox:2');
    const r = revs(set, revisionFor(old));
    const olds = [0, 1, 2].map((i) => pod(old, i));
    expect(plan(set, olds, r)).toMatchObject({ create: [], delete: [] });
    const [created] = plan(set, [olds[0], olds[2]], r).create;
    expect(created.metadata).toMatchObject({ name: 'web-1', labels: { [REVISION_HASH_LABEL]: r.update.metadata.name } });
  });

  it('only reports status for a set being deleted or with unsatisfied expectations', () => {
    const set = sts();
    expect(planStatefulSet(set, [], revs(set), false, NOW)).toMatchObject({ create: [], delete: [] });
    const deleting = { ...set, metadata: { ...set.metadata, deletionTimestamp: ago(1) } };
    expect(planStatefulSet(deleting, [], revs(set), true, NOW)).toMatchObject({ create: [], delete: [] });
  });

  it('ignores pods it does not control or not named after it', () => {
    const set = sts({ replicas: 1 });
    const other = { ...pod(set, 0), metadata: { ...pod(set, 0).metadata, ownerReferences: [] } };
    const stray = { ...pod(set, 1), metadata: { ...pod(set, 1).metadata, name: 'other-1' } };
    expect(names(plan(set, [other, stray]).create)).toEqual(['web-0']);
  });
});

describe('statusFor', () => {
  it('counts replicas, ready, available, current and updated pods, and completes a finished rolling update', () => {
    const old = sts();
    const set = sts({ minReadySeconds: 30 }, 'busybox:2');
    const r = revs(set, revisionFor(old));
    const status = statusFor(set, [pod(old, 0), pod(set, 1, { readyFor: 10 }), pod(set, 2, { ready: false }), pod(old, 3, { deleting: true })], r, NOW);
    expect(status).toEqual({
      observedGeneration: 2, replicas: 4, readyReplicas: 3, availableReplicas: 2, currentReplicas: 1, updatedReplicas: 2,
      currentRevision: r.current.metadata.name, updateRevision: r.update.metadata.name, collisionCount: 0,
    });
    const done = statusFor(set, [0, 1, 2].map((i) => pod(set, i)), r, NOW);
    expect(done).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: r.update.metadata.name });
  });
});

describe('planStatefulSetHistory', () => {
  it('records the template as revision 1 named <set>-<hash>, both current and update', () => {
    const set = sts();
    const { history, revisions } = planStatefulSetHistory(set, [], []);
    expect(history.create).toMatchObject({
      revision: 1, metadata: { name: `web-${templateHash(set)}`, labels: { app: 'web', [REVISION_HASH_LABEL]: templateHash(set) },
        ownerReferences: [expect.objectContaining({ kind: 'StatefulSet', uid: 'sts-uid' })] },
    });
    expect(revisions?.current).toBe(revisions?.update);
  });

  it('keeps status.currentRevision as current while a new template is the update revision', () => {
    const first = { ...revisionFor(sts()), metadata: { ...revisionFor(sts()).metadata, uid: 'r1' } };
    const set = { ...sts({}, 'busybox:2'), status: { replicas: 3, currentRevision: first.metadata.name } };
    const { history, revisions } = planStatefulSetHistory(set, [first], []);
    expect(history.create?.revision).toBe(2);
    expect(revisions?.current).toBe(first);
    expect(revisions?.update).toBe(history.create);
    // Back to the first template (rollout undo): it is renumbered rather than recreated.
    const second = { ...(history.create as ApiControllerRevision), metadata: { ...history.create?.metadata, uid: 'r2' } };
    expect(planStatefulSetHistory(sts(), [first, second], []).history.renumber).toMatchObject({ metadata: { name: first.metadata.name }, revision: 3 });
  });

  it('reports a collision when a revision of that name holds another template', () => {
    const other = { ...revisionFor(sts({}, 'busybox:9')), metadata: { ...revisionFor(sts()).metadata, uid: 'rx' } };
    expect(planStatefulSetHistory(sts(), [other], []).history.collision).toBe(true);
  });
});
