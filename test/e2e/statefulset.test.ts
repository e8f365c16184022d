// StatefulSets on a real one-node cluster with the real kubectl: the statefulset controller
// creates web-0, web-1, web-2 in order, each once the one before is Ready; `kubectl rollout status
// sts` follows it; `kubectl scale` removes the highest ordinals first, one at a time; a new
// template replaces pods from the highest ordinal down; `rollout history` lists the
// ControllerRevisions and `rollout undo` brings the first template back; deleting the StatefulSet
// deletes its pods.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(180_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('statefulset'); });
afterAll(async () => { if (c) await c.stop(); });

interface Pod {
  metadata: { name: string; uid: string; creationTimestamp: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { hostname?: string; subdomain?: string };
  status: { phase?: string; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> };
}

const ok = async (args: string[], input?: string): Promise<string> => {
  const r = await c.kubectl(args, input === undefined ? undefined : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const allPods = async () => (JSON.parse(await ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: Pod[] }).items;
const pods = async () => (await allPods()).filter((p) => !p.metadata.deletionTimestamp);
const podNames = async () => (await allPods()).map((p) => p.metadata.name).sort();
const readySince = (p: Pod) => p.status.conditions?.find((x) => x.type === 'Ready' && x.status === 'True')?.lastTransitionTime;
const byName = (ps: Pod[], name: string) => ps.find((p) => p.metadata.name === name);

const service = JSON.stringify({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
  spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'web', port: 80 }] },
});
const manifest = (image: string, replicas = 3) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
  spec: {
    serviceName: 'web', replicas, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
    },
  },
});
const rolledOut = async () => expect(await ok(['rollout', 'status', 'sts/web', '--timeout=90s'])).toContain('roll out complete: 3 new pods have been updated');

test('ordered creation, rollout status, ordered scale down, rolling update, history and undo, cascading delete', async () => {
  expect(await ok(['apply', '-f', '-'], service)).toBe('service/web created\n');
  expect(await ok(['apply', '-f', '-'], manifest('busybox'))).toBe('statefulset.apps/web created\n');
  // Ordered: while web-0 is not Ready there is no web-1. (waitFor retries a throw: collect instead.)
  const outOfOrder: string[] = [];
  await waitFor(async () => {
    const ps = await allPods();
    const [w0, w1, w2] = ['web-0', 'web-1', 'web-2'].map((n) => byName(ps, n));
    if (w1 && !(w0 && readySince(w0))) outOfOrder.push('web-1 before web-0 was Ready');
    if (w2 && !(w1 && readySince(w1))) outOfOrder.push('web-2 before web-1 was Ready');
    return ps.length === 3;
  }, 'three pods', 90_000);
  expect(outOfOrder).toEqual([]);
  await rolledOut();
  const first = await pods();
  const [web0, web1, web2] = ['web-0', 'web-1', 'web-2'].map((n) => byName(first, n));
  if (!web0 || !web1 || !web2) throw new Error(`pods: ${first.map((p) => p.metadata.name).join(',')}`);
  // A pod is created once the one before it is Ready (timestamps have a one-second grain).
  expect(Date.parse(readySince(web0) ?? '')).toBeLessThanOrEqual(Date.parse(web1.metadata.creationTimestamp));
  expect(Date.parse(readySince(web1) ?? '')).toBeLessThanOrEqual(Date.parse(web2.metadata.creationTimestamp));
  expect(web1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
  expect(web1.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1' });
  const firstRevision = web0.metadata.labels?.['controller-revision-hash'];
  expect(firstRevision).toMatch(/^web-[a-z0-9]+$/);
  expect(await ok(['get', 'sts', 'web'])).toMatch(/^NAME +READY +AGE\nweb +3\/3 +\S+\n$/);
  expect(await ok(['get', 'events', '--field-selector', 'involvedObject.name=web'])).toContain('create Pod web-0 in StatefulSet web successful');

  // Scale down: web-2 goes before web-1 is touched.
  expect(await ok(['scale', 'sts', 'web', '--replicas=1'])).toBe('statefulset.apps/web scaled\n');
  const seen: string[] = [];
  await waitFor(async () => {
    const names = (await podNames()).join(',');
    if (seen[seen.length - 1] !== names) seen.push(names);
    return names === 'web-0';
  }, 'web-2, then web-1, to go', 60_000);
  expect(seen.filter((s) => s !== 'web-0,web-1,web-2')).toEqual(['web-0,web-1', 'web-0']);
  expect(await ok(['get', 'events', '--field-selector', 'involvedObject.name=web'])).toContain('delete Pod web-2 in StatefulSet web successful');

  await ok(['apply', '-f', '-'], manifest('busybox'));
  await rolledOut();

  // A new template: replaced from the highest ordinal down.
  const before = new Map((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));
  const replaced: string[] = [];
  await ok(['apply', '-f', '-'], manifest('busybox:latest'));
  await waitFor(async () => {
    for (const p of await allPods()) {
      if (p.metadata.uid !== before.get(p.metadata.name) && !replaced.includes(p.metadata.name)) replaced.push(p.metadata.name);
    }
    return replaced.length === 3;
  }, 'every pod to be replaced', 90_000);
  expect(replaced).toEqual(['web-2', 'web-1', 'web-0']);
  await rolledOut();
  const second = await pods();
  const secondRevision = byName(second, 'web-0')?.metadata.labels?.['controller-revision-hash'];
  expect(secondRevision).not.toBe(firstRevision);
  expect(second.every((p) => p.metadata.labels?.['controller-revision-hash'] === secondRevision)).toBe(true);
  expect(await ok(['get', 'sts', 'web', '-o', 'jsonpath={.status.currentRevision} {.status.updateRevision} {.status.updatedReplicas}']))
    .toBe(`${secondRevision} ${secondRevision} 3`);

  // History and undo.
  expect(await ok(['rollout', 'history', 'sts/web'])).toMatch(/^statefulset.apps\/web \nREVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>\n\n$/);
  expect(await ok(['rollout', 'undo', 'sts/web'])).toBe('statefulset.apps/web rolled back\n');
  await waitFor(async () => {
    const ps = await pods();
    return ps.length === 3 && ps.every((p) => p.metadata.labels?.['controller-revision-hash'] === firstRevision && readySince(p));
  }, 'the first revision to come back', 90_000);
  await rolledOut();
  expect(await ok(['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('busybox');
  expect(await ok(['rollout', 'history', 'sts/web'])).toMatch(/\n2 +<none>\n3 +<none>\n\n$/);

  await ok(['delete', 'sts', 'web', '--wait=true', '--timeout=60s']);
  await waitFor(async () => (await allPods()).length === 0, 'the garbage collector to delete the pods', 60_000);
});
