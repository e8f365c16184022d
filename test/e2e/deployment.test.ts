// Deployments on a real one-node cluster with the real kubectl: the deployment controller rolls
// out ReplicaSets named <deployment>-<pod-template-hash>, and kubectl's rollout commands (status,
// history, undo, restart, pause/resume) and berthctl rollout status work against it end to end.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(120_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('deploy'); });
afterAll(async () => { if (c) await c.stop(); });

interface Meta { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[]; deletionTimestamp?: string }
interface RS { metadata: Meta; spec: { replicas: number }; status: { replicas?: number } }
interface Deploy { metadata: Meta; status: { observedGeneration?: number; conditions?: { type: string; reason: string }[] } }

const ok = async (args: string[], input?: string): Promise<string> => {
  const r = await c.kubectl(args, input === undefined ? undefined : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const json = async <T>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;
const replicaSets = async (app: string) => (await json<{ items: RS[] }>(['get', 'rs', '-l', `app=${app}`])).items;
const rolledOut = async (name: string) => {
  const out = await ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
  expect(out).toContain(`deployment "${name}" successfully rolled out`);
};
const sizes = async (app: string) => Object.fromEntries((await replicaSets(app)).map((rs) => [rs.metadata.name, rs.spec.replicas]));

// Traps SIGTERM so that scaled-down pods go at once rather than after the grace period.
const manifest = (image: string, name = 'web', strategy: Record<string, unknown> = {}) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: {
    replicas: 2, selector: { matchLabels: { app: name } }, ...strategy,
    template: {
      metadata: { labels: { app: name } },
      spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }] },
    },
  },
});

test('kubectl create deployment rolls out a <name>-<hash> ReplicaSet whose pods carry the hash', async () => {
  expect(await ok(['create', 'deployment', 'sleeper', '--image=busybox', '--', 'sleep', '3600'])).toBe('deployment.apps/sleeper created\n');
  await rolledOut('sleeper');
  const [rs] = await replicaSets('sleeper');
  const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
  expect(rs.metadata.name).toBe(`sleeper-${hash}`);
  expect(rs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'sleeper', controller: true })]);
  const pods = (await json<{ items: { metadata: Meta }[] }>(['get', 'pods', '-l', `pod-template-hash=${hash}`])).items;
  expect(pods).toHaveLength(1);
  expect(pods[0].metadata.name.startsWith(`sleeper-${hash}-`)).toBe(true);
  const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=sleeper']);
  expect(events).toContain(`Scaled up replica set sleeper-${hash} from 0 to 1`);
});

test('a changed template rolls out a second ReplicaSet; history and undo return to the first (same hash, no third)', async () => {
  await ok(['apply', '-f', '-'], manifest('busybox'));
  await rolledOut('web');
  const [first] = await replicaSets('web');
  expect(await ok(['set', 'image', 'deployment/web', 'c=busybox:latest'])).toBe('deployment.apps/web image updated\n');
  await rolledOut('web');
  const second = (await replicaSets('web')).find((rs) => rs.metadata.uid !== first.metadata.uid);
  expect(await sizes('web')).toEqual({ [first.metadata.name]: 0, [second?.metadata.name ?? '']: 2 });

  expect(await ok(['rollout', 'history', 'deployment/web'])).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
  expect(await ok(['rollout', 'undo', 'deployment/web'])).toBe('deployment.apps/web rolled back\n');
  await rolledOut('web');
  const after = await replicaSets('web');
  expect(after).toHaveLength(2);
  const back = after.find((rs) => rs.metadata.uid === first.metadata.uid);
  expect(back?.spec.replicas).toBe(2);
  expect(back?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  expect(await ok(['rollout', 'history', 'deployment/web'])).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
});

test('rollout restart makes a new ReplicaSet; paused deployments wait for resume', async () => {
  expect(await ok(['rollout', 'restart', 'deployment/web'])).toBe('deployment.apps/web restarted\n');
  await rolledOut('web');
  expect(await replicaSets('web')).toHaveLength(3);

  expect(await ok(['rollout', 'pause', 'deployment/web'])).toBe('deployment.apps/web paused\n');
  await ok(['set', 'image', 'deployment/web', 'c=busybox:1']);
  const paused = await waitFor(async () => {
    const d = await json<Deploy>(['get', 'deployment', 'web']);
    return d.status.observedGeneration === d.metadata.generation && d;
  }, 'the paused spec to be observed');
  expect(paused.status.conditions?.find((x) => x.type === 'Progressing')?.reason).toBe('DeploymentPaused');
  expect(await replicaSets('web')).toHaveLength(3);
  expect(await ok(['rollout', 'resume', 'deployment/web'])).toBe('deployment.apps/web resumed\n');
  await rolledOut('web');
  expect(await replicaSets('web')).toHaveLength(4);
});

test('scale, berthctl rollout status, and delete cascading to ReplicaSets and pods', async () => {
  expect(await ok(['scale', 'deployment/web', '--replicas=3'])).toBe('deployment.apps/web scaled\n');
  await rolledOut('web');
  expect(Object.values(await sizes('web')).sort()).toEqual([0, 0, 0, 3]);
  const ours = await c.berthctl(['rollout', 'status', 'deployment/web']);
  expect(ours).toMatchObject({ code: 0, stdout: expect.stringContaining('deployment "web" successfully rolled out') });

  await ok(['delete', 'deployment', 'web']);
  await waitFor(async () => (await replicaSets('web')).length === 0, 'the ReplicaSets to be collected');
  await waitFor(async () => (await json<{ items: unknown[] }>(['get', 'pods', '-l', 'app=web'])).items.length === 0, 'the pods to be collected');
});

test('Recreate takes every old pod down before the new ReplicaSet scales up', async () => {
  await ok(['apply', '-f', '-'], manifest('busybox', 'rec', { strategy: { type: 'Recreate' } }));
  expect(await ok(['wait', '--for=condition=Available', 'deployment/rec', '--timeout=60s'])).toBe('deployment.apps/rec condition met\n');
  const [first] = await replicaSets('rec');
  await ok(['set', 'image', 'deployment/rec', 'c=busybox:latest']);
  await rolledOut('rec');
  const second = (await replicaSets('rec')).find((rs) => rs.metadata.uid !== first.metadata.uid);
  const events = (await json<{ items: { message: string; firstTimestamp: string }[] }>(['get', 'events', '--field-selector', 'involvedObject.name=rec'])).items
    .map((e) => e.message);
  const down = events.indexOf(`Scaled down replica set ${first.metadata.name} from 2 to 0`);
  const up = events.indexOf(`Scaled up replica set ${second?.metadata.name} from 0 to 2`);
  expect(down).toBeGreaterThanOrEqual(0);
  expect(up).toBeGreaterThan(down);
});
