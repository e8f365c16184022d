// Server-side apply on /scale: PATCH …/scale with application/apply-patch+yaml sets
// spec.replicas, conflicts with the parent's manager of .spec.replicas unless forced, and
// records the new owner on the parent's managedFields with subresource "scale" (upstream's
// ScaleHandler), while the previous owner loses .spec.replicas.
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';

jest.setTimeout(60_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;
beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
});
afterAll(async () => { await c?.stop(); });

interface Entry { manager: string; operation: string; subresource?: string; apiVersion: string; fieldsV1: { 'f:spec'?: Record<string, unknown> } }
const base = '/apis/apps/v1/namespaces/default/deployments';
const apply = (path: string, body: unknown, manager: string, force = false) => req('PATCH', `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`,
  { body: JSON.stringify(body), contentType: 'application/apply-patch+yaml' });
const deployment = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const scale = (replicas: number) => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas } });
const entries = async (name: string): Promise<Entry[]> =>
  ((await req('GET', `${base}/${name}`)).json as { metadata: { managedFields: Entry[] } }).metadata.managedFields;
const ownsReplicas = (e: Entry | undefined) => !!e?.fieldsV1['f:spec'] && 'f:replicas' in (e.fieldsV1['f:spec'] ?? {});

test('a scale apply conflicts with the owner of .spec.replicas, and with force takes it over on the parent', async () => {
  expect((await apply(`${base}/web`, deployment('web', 1), 'kubectl')).status).toBe(201);
  const clash = await apply(`${base}/web/scale`, scale(3), 'autoscaler');
  expect(clash.status).toBe(409);
  expect((clash.json as { message: string }).message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
  const forced = await apply(`${base}/web/scale`, scale(3), 'autoscaler', true);
  expect(forced.status).toBe(200);
  expect(forced.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } });
  const after = await entries('web');
  const mine = after.find((e) => e.manager === 'autoscaler');
  expect(mine).toMatchObject({ operation: 'Apply', subresource: 'scale', apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  expect(ownsReplicas(after.find((e) => e.manager === 'kubectl'))).toBe(false);
  expect(after.find((e) => e.manager === 'kubectl')?.fieldsV1['f:spec']).toHaveProperty('f:template');
  // The owner now applies again without force; the old one conflicts in turn.
  expect((await apply(`${base}/web/scale`, scale(5), 'autoscaler')).status).toBe(200);
  expect((await req('GET', `${base}/web`)).json).toMatchObject({ spec: { replicas: 5 } });
  const back = await apply(`${base}/web`, deployment('web', 2), 'kubectl');
  expect(back.status).toBe(409);
  expect((back.json as { message: string }).message).toContain('conflict with "autoscaler" with subresource "scale": .spec.replicas');
});

test('a manager is another one on the scale subresource; wrong kinds and bad replicas are refused', async () => {
  expect((await apply(`${base}/api`, deployment('api', 1), 'kubectl')).status).toBe(201);
  // Manager identity includes the subresource, as upstream: "kubectl" on /scale is not "kubectl".
  expect((await apply(`${base}/api/scale`, scale(2), 'kubectl')).status).toBe(409);
  expect((await apply(`${base}/api/scale`, scale(2), 'kubectl', true)).status).toBe(200);
  expect((await req('GET', `${base}/api`)).json).toMatchObject({ spec: { replicas: 2 } });
  const wrong = await apply(`${base}/api/scale`, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 1 } }, 'kubectl');
  expect(wrong.status).toBe(400);
  expect((await apply(`${base}/api/scale`, scale(-1), 'kubectl')).status).toBe(422);
  expect((await req('PATCH', `${base}/api/scale`, { body: JSON.stringify(scale(1)), contentType: 'application/apply-patch+yaml' })).status).toBe(422);
});

test('kubectl scale after a scale apply takes replicas over as an Update on the scale subresource', async () => {
  const k = kubectlRunner(c);
  expect((await k(['scale', 'deployment', 'web', '--replicas=4'])).code).toBe(0);
  const after = await entries('web');
  expect(ownsReplicas(after.find((e) => e.manager === 'autoscaler'))).toBe(false);
  expect(after.find((e) => e.manager === 'kubectl' && e.subresource === 'scale')).toMatchObject({ operation: 'Update' });
});

test('kubectl apply --server-side --subresource=scale of the parent manifest is refused as upstream (the body must be a Scale)', async () => {
  const k = kubectlRunner(c);
  expect((await apply(`${base}/kc`, deployment('kc', 1), 'kubectl')).status).toBe(201);
  const manifest = JSON.stringify({ ...deployment('kc', 6), metadata: { name: 'kc', namespace: 'default' } });
  const r = await k(['apply', '--server-side', '--subresource=scale', '--field-manager=scaler', '--force-conflicts', '-f', '-'], manifest);
  expect(r).toMatchObject({ code: 1, stderr: 'Error from server (BadRequest): Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: autoscaling/v1\n' });
});
