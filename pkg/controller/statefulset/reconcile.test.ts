import type { ApiControllerRevision, ApiStatefulSet } from '../../../api/apps/v1';
import type { ApiPersistentVolumeClaim, ApiPod } from '../../../api/core/v1';
import { alreadyExists } from '../../apimachinery/errors';
import { UIDTrackingControllerExpectations, type EventRecorder } from '../../client';
import { FakeClock } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import { trackPodExpectations } from '../pod-expectations';
import { reconcileStatefulSet, type StatefulSetDeps } from './reconcile';

const NOW = Date.parse('2026-01-01T00:10:00Z');

const sts: ApiStatefulSet = {
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'sts-uid', generation: 1, resourceVersion: '5' },
  spec: {
    replicas: 2, serviceName: 'web', selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }],
  },
};

/** A FakePodControl-style recorder of what reconcile asked the API to do. */
const fake = (o: { claimExists?: boolean } = {}) => {
  const actions: string[] = [];
  const events: string[] = [];
  const statuses: ApiStatefulSet[] = [];
  const statefulSets = new FakeInformer<ApiStatefulSet>();
  const pods = new FakeInformer<ApiPod>();
  const claims = new FakeInformer<ApiPersistentVolumeClaim>();
  const revisions = new FakeInformer<ApiControllerRevision>();
  statefulSets.seed(sts);
  const recorder: EventRecorder = { event: (_obj, type, reason, message) => { events.push(`${type} ${reason} ${message}`); } };
  const clock = new FakeClock(NOW);
  const expectations = new UIDTrackingControllerExpectations(clock);
  trackPodExpectations(pods, 'StatefulSet', expectations);
  const deps: StatefulSetDeps = {
    statefulSets, pods, claims, revisions, recorder, log: silentLogger(), clock, expectations,
    podClient: {
      create: async (_ns, p) => { actions.push(`create pod ${p.metadata.name}`); return { ...p, metadata: { ...p.metadata, uid: `uid-${p.metadata.name}` } }; },
      delete: async (_ns, name) => { actions.push(`delete pod ${name}`); return {}; },
    },
    claimClient: {
      create: async (_ns, c) => {
        actions.push(`create claim ${c.metadata.name}`);
        if (o.claimExists) throw alreadyExists({ group: '', resource: 'persistentvolumeclaims' }, c.metadata.name ?? '');
        return c;
      },
    },
    stsClient: { updateStatus: async (_ns, s) => { actions.push('updateStatus'); statuses.push(s); return s; } },
    revisionClient: {
      create: async (_ns, r) => { actions.push(`create revision ${r.revision}`); revisions.seed({ ...r, metadata: { ...r.metadata, uid: 'rev-1' } }); return r; },
      update: async (_ns, r) => r,
      delete: async () => ({}),
    },
  };
  return { deps, actions, events, statuses, pods };
};

test('records the revision, creates web-0 after its claim, reports status, and waits for the pod before going on', async () => {
  const f = fake();
  await reconcileStatefulSet('ns/web', f.deps);
  expect(f.actions).toEqual(['create revision 1', 'create claim www-web-0', 'create pod web-0', 'updateStatus']);
  expect(f.events).toEqual([
    'Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success',
    'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
  ]);
  expect(f.statuses[0].status).toMatchObject({ observedGeneration: 1, replicas: 0, currentRevision: expect.stringMatching(/^web-/) });
  expect(f.statuses[0].status?.updateRevision).toBe(f.statuses[0].status?.currentRevision);

  // Until the cache shows web-0, nothing more happens.
  f.actions.length = 0;
  await reconcileStatefulSet('ns/web', f.deps);
  expect(f.actions).toEqual(['updateStatus']);
});

test('a claim that already exists is not an error', async () => {
  const f = fake({ claimExists: true });
  await reconcileStatefulSet('ns/web', f.deps);
  expect(f.actions).toContain('create pod web-0');
  expect(f.events).toEqual(['Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful']);
});
