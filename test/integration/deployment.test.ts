// The deployment controller in-process against a real etcd and apiserver (no nodes: pods stay
// Pending, so nothing ever becomes available): adoption and release through the apiserver's JSON
// patch with uid/resourceVersion tests, an undo-style template patch carrying
// `creationTimestamp: null` finding the old ReplicaSet again, and ProgressDeadlineExceeded.
import { findResource, type ResourceInfo } from '../../api/resources';
import type { ApiDeployment, ApiReplicaSet } from '../../api/apps/v1';
import { createClient, loadKubeconfig, type ResourceClient } from '../../pkg/client';
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { waitFor } from './harness';

jest.setTimeout(60_000);

let c: TestCluster;
let cm: RunningControllers;
let deployments: ResourceClient<ApiDeployment>;
let replicaSets: ResourceClient<ApiReplicaSet>;

beforeAll(async () => {
  c = await startTestCluster();
  cm = startControllerManager(c.kubeconfig);
  const client = createClient({ ...loadKubeconfig({ path: c.kubeconfig }), userAgent: 'deployment-test' });
  deployments = client.resource<ApiDeployment>(findResource('apps', 'v1', 'deployments') as ResourceInfo);
  replicaSets = client.resource<ApiReplicaSet>(findResource('apps', 'v1', 'replicasets') as ResourceInfo);
});
afterAll(async () => {
  await cm?.stop();
  await c?.stop();
});

const template = (app: string, image = 'busybox') => ({
  metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
});
const deployment = (name: string, extra: Partial<NonNullable<ApiDeployment['spec']>> = {}): ApiDeployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: template(name), ...extra },
});
const owned = async (app: string) => (await replicaSets.list('default', { labelSelector: `app=${app}` })).items
  .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.controller));

test('an orphan ReplicaSet with the template is adopted and becomes the new one; a relabelled one is released', async () => {
  const orphan = await replicaSets.create('default', {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'adopt-manual', labels: { app: 'adopt' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'adopt' } }, template: template('adopt') },
  });
  const d = await deployments.create('default', deployment('adopt'));
  const [rs] = await waitFor(async () => { const o = await owned('adopt'); return o.length > 0 ? o : undefined; }, { what: 'adoption' }) as ApiReplicaSet[];
  expect(rs.metadata.uid).toBe(orphan.metadata.uid);
  expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'adopt', uid: d.metadata.uid, controller: true })]);
  await waitFor(async () => (await replicaSets.get('default', 'adopt-manual')).metadata.annotations?.['deployment.kubernetes.io/revision'] === '1', { what: 'revision 1' });
  expect((await replicaSets.list('default', { labelSelector: 'app=adopt' })).items).toHaveLength(1);

  await replicaSets.patch('default', 'adopt-manual', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
  await waitFor(async () => (await replicaSets.get('default', 'adopt-manual')).metadata.ownerReferences === undefined, { what: 'release' });
});

test('a template patched back to an old one, as kubectl rollout undo sends it, reuses the old ReplicaSet', async () => {
  await deployments.create('default', deployment('undo'));
  const [first] = await waitFor(async () => { const o = await owned('undo'); return o.length === 1 ? o : undefined; }, { what: 'the first ReplicaSet' }) as ApiReplicaSet[];
  await deployments.patch('default', 'undo', 'merge', { spec: { template: template('undo', 'busybox:2') } });
  await waitFor(async () => (await owned('undo')).length === 2, { what: 'the second ReplicaSet' });
  // What kubectl's undo sends: the old ReplicaSet's template, hash label removed, with Go's zero values.
  const old = structuredClone(first.spec?.template) as Record<string, unknown> & { metadata: { labels: Record<string, string> } };
  delete old.metadata.labels['pod-template-hash'];
  const value = { ...old, metadata: { ...old.metadata, creationTimestamp: null } };
  await deployments.patch('default', 'undo', 'json', [{ op: 'replace', path: '/spec/template', value }]);
  await waitFor(async () => (await replicaSets.get('default', first.metadata.name ?? '')).metadata.annotations?.['deployment.kubernetes.io/revision'] === '3',
    { what: 'the first ReplicaSet at revision 3' });
  expect(await owned('undo')).toHaveLength(2);
  // The Deployment's own annotation is written after its ReplicaSet's, in a later request.
  await waitFor(async () => (await deployments.get('default', 'undo')).metadata.annotations?.['deployment.kubernetes.io/revision'] === '3',
    { what: 'the Deployment at revision 3' });
});

test('a rollout that makes no progress for progressDeadlineSeconds reports ProgressDeadlineExceeded', async () => {
  await deployments.create('default', deployment('stuck', { progressDeadlineSeconds: 1 }));
  const d = await waitFor(async () => {
    const cur = await deployments.get('default', 'stuck');
    return cur.status?.conditions?.some((x) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded') ? cur : undefined;
  }, { what: 'ProgressDeadlineExceeded', timeoutMs: 20_000 }) as ApiDeployment;
  const progressing = d.status?.conditions?.find((x) => x.type === 'Progressing');
  expect(progressing).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/) });
  expect(d.status?.conditions?.find((x) => x.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
});
