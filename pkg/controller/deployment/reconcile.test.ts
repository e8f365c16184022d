import type { ApiPod } from '../../../api/core/v1';
import { isConflict } from '../../apimachinery/errors';
import { FakeCluster, deployment } from './fake-cluster';
import { computeHash } from './hash';
import { reconcileDeployment } from './reconcile';
import { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, type ApiDeployment, type ApiReplicaSet } from './util';

const snapshot = (c: FakeCluster) => JSON.stringify([c.rs(), c.deployments.list()]);
const replicas = (c: FakeCluster): Record<string, number> => Object.fromEntries(c.rs().map((rs) => [rs.metadata.name ?? '', rs.spec?.replicas ?? 1]));

/** Syncs, lets the ReplicaSets settle, and repeats until nothing changes (a conflict is a requeue). */
const drive = async (c: FakeCluster, name: string, o: { ready?: (rs: ApiReplicaSet) => number; check?: () => void } = {}) => {
  for (let i = 0; i < 100; i++) {
    const before = snapshot(c);
    try {
      await reconcileDeployment(`default/${name}`, c.deps());
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    o.check?.();
    c.settleReplicaSets(o.ready);
    if (snapshot(c) === before) return;
  }
  throw new Error('the deployment did not settle');
};
const setImage = (c: FakeCluster, image: string) => c.updateDeploymentSpec('web', (d) => {
  d.spec!.template.spec!.containers[0].image = image;
});

test('a new deployment gets <name>-<pod-template-hash>, owned, labelled, at revision 1, and completes', async () => {
  const c = new FakeCluster();
  const d = c.addDeployment(deployment('web', { replicas: 3 }));
  await drive(c, 'web');
  const hash = computeHash(d.spec?.template);
  const [rs] = c.rs();
  expect(rs.metadata.name).toBe(`web-${hash}`);
  expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
  expect(rs.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
  expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
  expect(rs.metadata.annotations).toEqual({
    [REVISION_ANNOTATION]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4',
  });
  expect(c.events).toEqual([`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`]);
  const status = c.deployment('web').status;
  expect(c.deployment('web').metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
  expect(status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  expect(status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
    ['Available', 'True', 'MinimumReplicasAvailable'], ['Progressing', 'True', 'NewReplicaSetAvailable'],
  ]);
});

test('a rolling update stays within maxSurge and maxUnavailable at every step and ends on the new ReplicaSet', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
  await drive(c, 'web');
  setImage(c, 'busybox:2');
  let steps = 0;
  await drive(c, 'web', {
    check: () => {
      steps++;
      const rss = c.rs();
      expect(rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0)).toBeLessThanOrEqual(13);
      expect(rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0)).toBeGreaterThanOrEqual(8);
    },
  });
  expect(steps).toBeGreaterThan(3);
  const [newRS, oldRS] = [...c.rs()].sort((a, b) => (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0));
  expect([newRS.spec?.replicas, oldRS.spec?.replicas]).toEqual([10, 0]);
  expect(newRS.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
  expect(c.deployment('web').metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
  expect(c.events.filter((e) => e.includes('Scaled down'))).not.toHaveLength(0);
});

test('going back to an old template (rollout undo) reuses its ReplicaSet at the next revision, with revision-history', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 2 }));
  await drive(c, 'web');
  const first = c.rs()[0].metadata.name;
  setImage(c, 'busybox:2');
  await drive(c, 'web');
  setImage(c, 'busybox');
  await drive(c, 'web');
  expect(c.rs()).toHaveLength(2);
  const back = c.rs().find((rs) => rs.metadata.name === first);
  expect(back?.spec?.replicas).toBe(2);
  expect(back?.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
  expect(back?.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1');
  // Each sync goes on from its own writes: no conflicts with itself.
  expect(c.conflicts).toBe(0);
});

test('a paused deployment does not roll out a new template but still scales and reports DeploymentPaused', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 2 }));
  await drive(c, 'web');
  c.updateDeploymentSpec('web', (d) => { d.spec!.paused = true; d.spec!.template.spec!.containers[0].image = 'busybox:2'; d.spec!.replicas = 4; });
  await drive(c, 'web');
  expect(Object.values(replicas(c))).toEqual([4]);
  const progressing = c.deployment('web').status?.conditions?.find((x) => x.type === 'Progressing');
  expect(progressing).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
  c.updateDeploymentSpec('web', (d) => { d.spec!.paused = false; });
  await drive(c, 'web');
  expect(Object.values(replicas(c)).sort()).toEqual([0, 4]);
});

test('resizing mid-rollout shares the change proportionally (upstream scale())', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
  await drive(c, 'web');
  const old = c.rs()[0].metadata.name ?? '';
  setImage(c, 'broken');
  // New pods never become available: the rollout stops at old 8, new 5 (10 + 3 surge, 8 available).
  await drive(c, 'web', { ready: (rs) => (rs.metadata.name === old ? rs.spec?.replicas ?? 0 : 0) });
  expect(replicas(c)[old]).toBe(8);
  c.updateDeploymentSpec('web', (d) => { d.spec!.replicas = 20; });
  await reconcileDeployment('default/web', c.deps());
  // 23 allowed, 13 there: +10, shared 8:5 by the max-replicas annotation (13) → old 8*23/13=14, new 5*23/13=9.
  const sizes = replicas(c);
  expect(sizes[old]).toBe(14);
  expect(Object.values(sizes).reduce((a, b) => a + b, 0)).toBe(23);
});

test('Recreate scales the old ReplicaSet to 0 and creates the new one only once the old pods are gone', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 2, strategy: { type: 'Recreate' } }));
  await drive(c, 'web');
  const old = c.rs()[0];
  const pod: ApiPod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'p', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old.metadata.name ?? '', uid: old.metadata.uid ?? '', controller: true }] },
    spec: { containers: [] }, status: { phase: 'Running' },
  };
  c.pods.apply(pod);
  setImage(c, 'busybox:2');
  await drive(c, 'web');
  expect(c.rs()).toHaveLength(1);
  expect(c.rs()[0].spec?.replicas).toBe(0);
  c.pods.remove(pod);
  await drive(c, 'web');
  expect(Object.values(replicas(c)).sort()).toEqual([0, 2]);
});

test('revisionHistoryLimit deletes the oldest scaled-down ReplicaSets', async () => {
  const c = new FakeCluster();
  c.addDeployment(deployment('web', { replicas: 1, revisionHistoryLimit: 1 }));
  for (const image of ['busybox', 'busybox:2', 'busybox:3', 'busybox:4']) {
    setImage(c, image);
    await drive(c, 'web');
  }
  expect(c.rs().map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION]).sort()).toEqual(['3', '4']);
});

test('an orphan ReplicaSet the selector matches is adopted (and reused); an owned one it no longer matches is released', async () => {
  const c = new FakeCluster();
  const d = deployment('web', { replicas: 1 });
  const hash = computeHash(d.spec?.template);
  const orphan = c.addReplicaSet({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-manual', namespace: 'default', labels: { app: 'web' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { ...d.spec!.template, metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } },
  });
  const stored = c.addDeployment(d);
  await drive(c, 'web');
  expect(c.rs()).toHaveLength(1);
  expect(c.rs()[0].metadata.ownerReferences?.[0]).toMatchObject({ uid: stored.metadata.uid, controller: true });
  c.replicaSets.apply({ ...structuredClone(c.rs()[0]), metadata: { ...structuredClone(c.rs()[0].metadata), labels: { app: 'elsewhere' } } });
  await reconcileDeployment('default/web', c.deps()).catch(() => undefined);
  expect(c.replicaSets.get(`default/${orphan.metadata.name}`)?.metadata.ownerReferences).toBeUndefined();
});

test('a name taken by a different ReplicaSet bumps collisionCount and the next hash differs', async () => {
  const c = new FakeCluster();
  const d = deployment('web', { replicas: 1 });
  const hash = computeHash(d.spec?.template);
  c.addReplicaSet({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `web-${hash}`, namespace: 'default', labels: { other: 'x' } },
    spec: { replicas: 0, selector: { matchLabels: { other: 'x' } }, template: { metadata: { labels: { other: 'x' } }, spec: { containers: [] } } },
  });
  c.addDeployment(d);
  await expect(reconcileDeployment('default/web', c.deps())).rejects.toThrow('already exists');
  expect(c.deployment('web').status?.collisionCount).toBe(1);
  await drive(c, 'web');
  const ours = c.rs().find((rs) => rs.metadata.ownerReferences?.length);
  expect(ours?.metadata.name).toBe(`web-${computeHash(d.spec?.template, 1)}`);
});

test('a deployment being deleted only reports status', async () => {
  const c = new FakeCluster();
  const d: ApiDeployment = { ...deployment('web', { replicas: 2 }), metadata: { name: 'web', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z' } };
  c.addDeployment(d);
  await drive(c, 'web');
  expect(c.rs()).toHaveLength(0);
  expect(c.deployment('web').status?.observedGeneration).toBe(1);
});
