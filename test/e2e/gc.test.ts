// Deletion on a real one-node cluster with the real kubectl: cascading deletes of a ReplicaSet
// (background, orphan, foreground) through the garbage collector, namespace deletion through
// the namespace controller, and pod deletes by label and forced — with running containers, so
// every pod goes through the agent's graceful path.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('gc'); });
afterAll(async () => { if (c) await c.stop(); });

interface PodItem { metadata: { name: string; ownerReferences?: unknown[]; deletionTimestamp?: string }; status?: { phase?: string } }

// Traps SIGTERM so that a delete completes at once rather than after the grace period.
const command = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];
const rs = (name: string, replicas: number, namespace = 'default') => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'busybox', command }] } },
  },
});
const podJson = (name: string, app: string) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } },
  spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'c', image: 'busybox', command }] },
});

const pods = async (app: string, namespace = 'default'): Promise<PodItem[]> => {
  const r = await c.kubectl(['get', 'pods', '-n', namespace, '-l', `app=${app}`, '-o', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { items: PodItem[] }).items;
};
const running = (app: string, n: number, namespace = 'default') => waitFor(async () => {
  const items = await pods(app, namespace);
  return items.length === n && items.every((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp) && items;
}, `${n} running pods of ${app}`, 120_000);
const gone = (app: string, namespace = 'default') => waitFor(async () => (await pods(app, namespace)).length === 0, `no pods of ${app}`, 60_000);

test('kubectl delete rs (Background) leaves no pods', async () => {
  expect((await c.kubectl(['apply', '-f', '-'], { input: rs('bg', 2) })).code).toBe(0);
  await running('bg', 2);
  expect(await c.kubectl(['delete', 'rs', 'bg'])).toMatchObject({ code: 0, stdout: 'replicaset.apps "bg" deleted\n' });
  await gone('bg');
});

test('--cascade=orphan leaves the pods running without ownerReferences', async () => {
  expect((await c.kubectl(['apply', '-f', '-'], { input: rs('orph', 2) })).code).toBe(0);
  await running('orph', 2);
  expect((await c.kubectl(['delete', 'rs', 'orph', '--cascade=orphan'])).code).toBe(0);
  expect((await c.kubectl(['get', 'rs', 'orph'])).stderr).toContain('NotFound');
  const left = await running('orph', 2);
  for (const p of left) expect(p.metadata.ownerReferences).toBeUndefined();
  expect((await c.kubectl(['delete', 'pods', '-l', 'app=orph'])).code).toBe(0);
  await gone('orph');
});

test('--cascade=foreground deletes the pods first', async () => {
  expect((await c.kubectl(['apply', '-f', '-'], { input: rs('fg', 2) })).code).toBe(0);
  await running('fg', 2);
  // kubectl waits until the ReplicaSet is gone; in the foreground that is after its pods.
  expect((await c.kubectl(['delete', 'rs', 'fg', '--cascade=foreground'])).code).toBe(0);
  expect(await pods('fg')).toEqual([]);
});

test('kubectl delete namespace removes its pods', async () => {
  expect((await c.kubectl(['create', 'namespace', 'team-x'])).code).toBe(0);
  expect((await c.kubectl(['apply', '-f', '-'], { input: rs('inns', 2, 'team-x') })).code).toBe(0);
  await running('inns', 2, 'team-x');
  expect(await c.kubectl(['delete', 'namespace', 'team-x'])).toMatchObject({ code: 0, stdout: 'namespace "team-x" deleted\n' });
  expect((await c.kubectl(['get', 'namespace', 'team-x'])).stderr).toContain('NotFound');
  expect((await c.kubectl(['get', 'pods', '-n', 'team-x'])).stderr).toContain('No resources found in team-x namespace.');
});

test('kubectl delete pods -l app=x, and --grace-period=0 --force', async () => {
  for (const n of ['lx1', 'lx2']) expect((await c.kubectl(['apply', '-f', '-'], { input: podJson(n, 'lx') })).code).toBe(0);
  await running('lx', 2);
  const del = await c.kubectl(['delete', 'pods', '-l', 'app=lx']);
  expect(del).toMatchObject({ code: 0, stdout: 'pod "lx1" deleted\npod "lx2" deleted\n' });
  expect(await pods('lx')).toEqual([]);

  expect((await c.kubectl(['apply', '-f', '-'], { input: podJson('forced', 'forced') })).code).toBe(0);
  await running('forced', 1);
  const force = await c.kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
  expect(force.code).toBe(0);
  expect(force.stderr).toContain('Immediate deletion does not wait for confirmation');
  expect(await pods('forced')).toEqual([]);
});
