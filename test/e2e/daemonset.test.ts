// DaemonSets on a real one-node cluster with the real kubectl: the daemonset controller runs one
// pod on the node, `kubectl rollout status ds` follows a rolling update to the end, `rollout
// history` lists its ControllerRevisions and `rollout undo` returns to the first template, a
// nodeSelector the node lacks removes the pod, and deleting the DaemonSet deletes its pods.
import { startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(120_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('daemonset'); });
afterAll(async () => { if (c) await c.stop(); });

interface Pod { metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string } }

const ok = async (args: string[], input?: string): Promise<string> => {
  const r = await c.kubectl(args, input === undefined ? undefined : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const pods = async () => (JSON.parse(await ok(['get', 'pods', '-l', 'app=agent', '-o', 'json'])) as { items: Pod[] }).items
  .filter((p) => !p.metadata.deletionTimestamp);

// Traps SIGTERM so that replaced pods go at once rather than after the grace period.
const manifest = (image: string, nodeSelector?: Record<string, string>) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: {
        terminationGracePeriodSeconds: 2, ...(nodeSelector ? { nodeSelector } : {}),
        containers: [{ name: 'c', image, command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }],
      },
    },
  },
});

test('one pod on the node; a new template rolls out; a selector the node lacks removes it; delete cleans up', async () => {
  expect(await ok(['apply', '-f', '-'], manifest('busybox'))).toBe('daemonset.apps/agent created\n');
  expect(await ok(['rollout', 'status', 'ds/agent', '--timeout=60s'])).toContain('daemon set "agent" successfully rolled out');
  const [first] = await pods();
  expect(first.spec.nodeName).toBe(c.nodeName);
  expect(first.metadata.labels?.['controller-revision-hash']).toMatch(/^[a-z0-9]+$/);
  const listed = await ok(['get', 'ds', 'agent']);
  expect(listed).toMatch(/^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE\nagent +1 +1 +1 +1 +1 +<none> +\S+\n$/);

  await ok(['apply', '-f', '-'], manifest('busybox:latest'));
  expect(await ok(['rollout', 'status', 'ds/agent', '--timeout=60s'])).toContain('daemon set "agent" successfully rolled out');
  const [second] = await pods();
  expect(second.metadata.labels?.['controller-revision-hash']).toBeDefined();
  expect(second.metadata.name).not.toBe(first.metadata.name);
  expect(second.metadata.labels?.['controller-revision-hash']).not.toBe(first.metadata.labels?.['controller-revision-hash']);
  const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=agent']);
  expect(events).toContain(`Created pod: ${second.metadata.name}`);
  expect(events).toContain(`Deleted pod: ${first.metadata.name}`);

  // History: one ControllerRevision per template; undo brings the first template back.
  expect(await ok(['rollout', 'history', 'ds/agent'])).toMatch(/^daemonset.apps\/agent \nREVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>\n\n$/);
  expect(await ok(['rollout', 'undo', 'ds/agent'])).toBe('daemonset.apps/agent rolled back\n');
  expect(await ok(['rollout', 'status', 'ds/agent', '--timeout=60s'])).toContain('daemon set "agent" successfully rolled out');
  const [third] = await pods();
  expect(third.metadata.labels?.['controller-revision-hash']).toBe(first.metadata.labels?.['controller-revision-hash']);
  expect(await ok(['get', 'ds', 'agent', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('busybox');
  expect(await ok(['rollout', 'history', 'ds/agent'])).toMatch(/\n2 +<none>\n3 +<none>\n\n$/);

  await ok(['apply', '-f', '-'], manifest('busybox:latest', { 'berth.test/none': 'x' }));
  await waitFor(async () => (await pods()).length === 0, 'the daemon pod to go', 30_000);
  expect(await ok(['get', 'ds', 'agent', '-o', 'jsonpath={.status.desiredNumberScheduled}/{.status.numberMisscheduled}'])).toBe('0/0');

  await ok(['apply', '-f', '-'], manifest('busybox:latest'));
  await waitFor(async () => (await pods()).length === 1, 'the daemon pod to come back', 30_000);
  await ok(['delete', 'ds', 'agent', '--wait=true', '--timeout=60s']);
  await waitFor(async () => (await pods()).length === 0, 'the garbage collector to delete the pods', 30_000);
});
