// berthctl beside the real kubectl on one cluster: client-side apply's strategic merge patch
// (another writer's container and an edited field survive a re-apply, as with kubectl), delete
// --wait by watch, an exec credential plugin, and rollout against the real Deployment controller.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, startCluster, type TestCluster } from './cluster';

jest.setTimeout(180_000);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('berthctl-write'); });
afterAll(async () => { if (c) await c.stop(); });

const manifest = (name: string, bImage: string) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: {
    replicas: 0, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [
      { name: 'a', image: 'busybox', command: ['sleep', '1000'], env: [{ name: 'KEEP', value: '1' }] },
      { name: 'b', image: bImage, command: ['sleep', '1000'], ports: [{ containerPort: 8080 }] },
    ] } },
  },
});

const podSpecOf = async (name: string): Promise<unknown> => {
  const r = await c.kubectl(['get', 'deploy', name, '-o', 'json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { spec: { template: { spec: unknown } } }).spec.template.spec;
};

test('re-apply keeps a container and a field edited outside the manifest, as kubectl does', async () => {
  const dir = fs.mkdtempSync(path.join(c.home, 'smp-'));
  const file = (name: string, image: string) => {
    const f = path.join(dir, `${name}-${image.replace(/\W/g, '')}.json`);
    fs.writeFileSync(f, manifest(name, image));
    return f;
  };
  // The same steps through both clients, on two Deployments that differ only in name.
  const steps = async (name: string, applyCmd: (f: string) => Promise<{ code: number; stdout: string; stderr: string }>) => {
    expect(await applyCmd(file(name, 'busybox'))).toMatchObject({ code: 0, stdout: `deployment.apps/${name} created\n` });
    // The edit (kubectl edit's PUT, as a JSON patch here): a field of container a and a third container.
    const edit = JSON.stringify([
      { op: 'add', path: '/spec/template/spec/containers/0/workingDir', value: '/edited' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'EDITED', value: 'by-hand' } },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'extra', image: 'busybox', command: ['sleep', '1'] } },
    ]);
    expect((await c.kubectl(['patch', 'deploy', name, '--type=json', '-p', edit])).code).toBe(0);
    expect(await applyCmd(file(name, 'busybox:1.36'))).toMatchObject({ code: 0, stdout: `deployment.apps/${name} configured\n` });
    // Still "configured" with kubectl: the edited env list differs in length, so the patch carries a
    // $setElementOrder (strategicpatch's isOrderSame) and is never `{}`.
    const again = await applyCmd(file(name, 'busybox:1.36'));
    return { spec: await podSpecOf(name), again: again.stdout.replace(name, 'NAME') };
  };
  const ours = await steps('web-berthctl', (f) => c.berthctl(['apply', '-f', f]));
  const theirs = await steps('web-kubectl', (f) => c.kubectl(['apply', '-f', f]));
  expect(ours).toEqual(theirs);
  expect(ours.spec).toMatchObject({ containers: [
    { name: 'a', workingDir: '/edited', env: [{ name: 'KEEP', value: '1' }, { name: 'EDITED', value: 'by-hand' }] },
    { name: 'b', image: 'busybox:1.36', ports: [{ containerPort: 8080, protocol: 'TCP' }] },
    { name: 'extra', image: 'busybox' },
  ] });
});

test('delete --wait returns once a terminating pod is gone, having watched rather than polled', async () => {
  const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow' }, spec: { terminationGracePeriodSeconds: 30,
    containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'trap "sleep 2; exit 0" TERM; while true; do sleep 0.2; done'] }] } });
  expect((await c.kubectl(['apply', '-f', '-'], { input: pod })).code).toBe(0);
  expect((await c.kubectl(['wait', '--for=condition=Ready', 'pod/slow', '--timeout=120s'])).code).toBe(0);
  const r = await c.berthctl(['delete', 'pod', 'slow', '-v=6']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('pod "slow" deleted\n');
  expect(await c.kubectl(['get', 'pod', 'slow'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "slow" not found\n' });
  const requests = r.stderr.split('\n').filter((l) => / (GET|DELETE) /.test(l));
  expect(requests.filter((l) => l.includes('/pods/slow') && l.includes(' GET '))).toEqual([]); // no polling GETs
  expect(requests.some((l) => / GET \S+\/namespaces\/default\/pods OK/.test(l))).toBe(true); // the watch
});

test('an exec credential plugin in the kubeconfig authenticates berthctl as it does kubectl', async () => {
  const { load, dump } = await import('js-yaml');
  const kc = load(fs.readFileSync(c.kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] } & Record<string, unknown>;
  const { 'client-certificate-data': cert, 'client-key-data': key } = kc.users[0].user;
  const dir = fs.mkdtempSync(path.join(c.home, 'plugin-'));
  fs.writeFileSync(path.join(dir, 'cred.json'), JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1',
    status: { clientCertificateData: Buffer.from(cert, 'base64').toString(), clientKeyData: Buffer.from(key, 'base64').toString() } }));
  fs.writeFileSync(path.join(dir, 'plugin.sh'), `#!/bin/sh\ncat "${path.join(dir, 'cred.json')}"\n`, { mode: 0o755 });
  kc.users[0].user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin.sh', interactiveMode: 'Never' } } as unknown as Record<string, string>;
  const pluginConfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(pluginConfig, dump(kc));
  // Only the plugin's kubeconfig, so that nothing else can authenticate the request.
  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: pluginConfig };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ours = run(process.execPath, [path.join(repoRoot, 'dist', 'cmd', 'berthctl', 'main.js'), 'get', 'ns', 'default', '-o', 'name']);
  const theirs = run('kubectl', ['get', 'ns', 'default', '-o', 'name']);
  expect(ours).toEqual({ code: 0, stdout: 'namespace/default\n', stderr: '' });
  expect(ours).toEqual(theirs);
});

test('rollout status, restart and history against the real Deployment controller, as kubectl', async () => {
  const dep = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'roll' }, spec: {
    replicas: 2, selector: { matchLabels: { app: 'roll' } },
    template: { metadata: { labels: { app: 'roll' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } },
  } });
  expect((await c.kubectl(['apply', '-f', '-'], { input: dep })).code).toBe(0);
  const done = 'deployment "roll" successfully rolled out\n';
  const status = await c.berthctl(['rollout', 'status', 'deploy/roll', '--timeout=120s']);
  expect(status.code).toBe(0);
  expect(status.stdout.endsWith(done)).toBe(true);
  expect(await c.kubectl(['rollout', 'status', 'deploy/roll', '--timeout=10s'])).toMatchObject({ code: 0, stdout: done });
  expect(await c.berthctl(['rollout', 'restart', 'deploy/roll'])).toMatchObject({ code: 0, stdout: 'deployment.apps/roll restarted\n' });
  const again = await c.berthctl(['rollout', 'status', 'deploy/roll', '--timeout=120s']);
  expect(again.code).toBe(0);
  expect(again.stdout.endsWith(done)).toBe(true);
  expect(await c.berthctl(['rollout', 'status', 'deploy/roll'])).toEqual(await c.kubectl(['rollout', 'status', 'deploy/roll']));
  const history = await c.berthctl(['rollout', 'history', 'deploy/roll']);
  expect(history).toEqual(await c.kubectl(['rollout', 'history', 'deploy/roll']));
  expect(history.stdout).toMatch(/^deployment\.apps\/roll \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n\n$/);
});
