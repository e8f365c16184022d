// The acceptance scenarios of issue 4, driven by the real kubectl 1.27 and 1.33 (Debian's
// kubectl package) against one real cluster: get in every output form, watch, describe, apply
// (client-side and server-side), diff, the three patch types, label, annotate, scale, delete
// in every cascade mode, explain, api-resources, wait and events. Each version works in its own
// namespace with its own --cache-dir, so each one runs discovery and openapi from scratch.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startCluster, waitFor, type Result, type TestCluster } from './cluster';

jest.setTimeout(120_000);

const kubectlDir = '/usr/lib/google-cloud-sdk/bin';
const versions: Array<[string, string]> = [['1.27', `${kubectlDir}/kubectl.1.27`], ['1.33', `${kubectlDir}/kubectl.1.33`]];
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'scenarios', name);

let c: TestCluster;
beforeAll(async () => { c = await startCluster('scen'); }, 180_000);
afterAll(async () => { if (c) await c.stop(); }, 120_000);

/** Runs a command to completion (stdin optional), never throwing on a non-zero exit. */
const run = (cmd: string, args: string[], input?: string): Promise<Result> => new Promise((resolve) => {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
  child.stdin.end(input ?? '');
});

const podManifest = (name: string, labels: Record<string, string>) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
  spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }] },
});
const rsManifest = (name: string, replicas: number) => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: JSON.parse(podManifest('x', {})).spec as unknown },
  },
});

describe.each(versions)('kubectl %s', (version, binary) => {
  const ns = `scen-${version.replace('.', '-')}`;
  let cacheDir = '';
  const k = (args: string[], input?: string) => run(binary, ['--kubeconfig', c.kubeconfig, '--cache-dir', cacheDir, '-n', ns, ...args], input);
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await k(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const jsonpath = (what: string, expr: string) => ok(['get', what, '-o', `jsonpath=${expr}`]);
  const podsOf = async (selector: string) => (JSON.parse(await ok(['get', 'pods', '-l', selector, '-o', 'json'])) as {
    items: Array<{ metadata: { name: string; ownerReferences?: unknown[]; deletionTimestamp?: string }; status: { phase?: string } }>;
  }).items;
  const running = (selector: string, n: number) => waitFor(async () => {
    const items = await podsOf(selector);
    return items.length === n && items.every((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp) && items;
  }, `${n} running pods with ${selector}`, 90_000);

  beforeAll(() => { cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-kubectl-${version}-`)); });
  afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('create namespace, then apply creates every object', async () => {
    expect(await ok(['create', 'namespace', ns])).toBe(`namespace/${ns} created\n`);
    const applied = await k(['apply', '-f', fixture('app.yaml')]);
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout.split('\n').filter(Boolean)).toEqual([
      'configmap/settings created', 'service/web created', 'deployment.apps/api created', 'replicaset.apps/web created', 'pod/solo created',
    ]);
  });

  test('wait, then get -o wide|yaml|json|jsonpath, -A and -l', async () => {
    expect(await ok(['wait', '--for=condition=Ready', 'pod/solo', '--timeout=90s'])).toBe('pod/solo condition met\n');
    await running('app=web', 1);
    const wide = await ok(['get', 'pods', '-o', 'wide']);
    expect(wide).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/);
    expect(wide).toMatch(new RegExp(`\\nsolo\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+${c.nodeName}\\s+<none>\\s+<none>\\n`));
    expect(wide).toMatch(/\nweb-[a-z0-9]{5}\s+1\/1\s+Running/);

    const yaml = await ok(['get', 'pod', 'solo', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:\n/);
    expect(yaml).toContain(`  namespace: ${ns}\n`);
    expect(yaml).toContain('  phase: Running\n');
    const list = JSON.parse(await ok(['get', 'pods', '-o', 'json'])) as { kind: string; items: Array<{ kind: string; metadata: { name: string } }> };
    expect(list.kind).toBe('List');
    expect(list.items.map((p) => p.kind)).toEqual(['Pod', 'Pod']);
    expect(await jsonpath('pod/solo', '{.status.phase} {.spec.nodeName}')).toBe(`Running ${c.nodeName}`);
    expect(await jsonpath('pods', '{range .items[*]}{.metadata.name}{"\\n"}{end}')).toMatch(/^solo\nweb-[a-z0-9]{5}\n$|^web-[a-z0-9]{5}\nsolo\n$/);

    const all = await ok(['get', 'pods', '-A']);
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(all).toMatch(new RegExp(`\\n${ns}\\s+solo\\s+1/1\\s+Running\\s+0\\s`));
    expect((await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim()).toMatch(/^pod\/web-[a-z0-9]{5}$/);
    expect(await ok(['get', 'pods', '-l', 'tier in (front),app!=web', '-o', 'name'])).toBe('pod/solo\n');
    expect((await k(['get', 'pods', '-l', 'app=nothing'])).stderr).toBe(`No resources found in ${ns} namespace.\n`);

    expect(await ok(['get', 'pods', '--sort-by=.metadata.name', '--chunk-size=1', '-o', 'name'])).toMatch(/^pod\/solo\npod\/web-[a-z0-9]{5}\n$/);
    expect(await ok(['get', 'pods', '--chunk-size=1', '-o', 'name'])).toMatch(/^(pod\/\S+\n){2}$/);
    expect(await ok(['get', 'pod', 'solo', '--show-labels'])).toMatch(/\nsolo\s+1\/1\s+Running\s+0\s+\S+\s+app=solo,tier=front\n$/);
    expect(await ok(['get', 'rs', 'web', '-o', 'wide'])).toMatch(/\nweb\s+1\s+1\s+1\s+\S+\s+web\s+busybox\s+app=web\n$/);
    expect(await ok(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/solo', '--timeout=30s'])).toBe('pod/solo condition met\n');

    const kinds = await ok(['get', 'deploy,rs,svc,cm']);
    expect(kinds).toMatch(/\ndeployment\.apps\/api\s+0\/1\s+0\s+0\s/);
    expect(kinds).toMatch(/\nreplicaset\.apps\/web\s+1\s+1\s+1\s/);
    expect(kinds).toMatch(/\nservice\/web\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s/);
    expect(kinds).toMatch(/\nconfigmap\/settings\s+1\s/);
  });

  test('get -w prints a row for a pod created while it watches', async () => {
    const watcher = spawn(binary, ['--kubeconfig', c.kubeconfig, '--cache-dir', cacheDir, '-n', ns, 'get', 'pods', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(async () => /\nsolo\s+1\/1\s+Running/.test(out), 'the initial list from get -w', 30_000);
      expect(await ok(['apply', '-f', '-'], podManifest('watched', { app: 'watched' }))).toBe('pod/watched created\n');
      await waitFor(async () => /\nwatched\s+\d\/1\s+(Pending|ContainerCreating|Running)\s/.test(out), 'the watched pod in get -w', 30_000);
      expect(watcher.exitCode).toBeNull(); // the watch stays open
    } finally {
      watcher.kill('SIGTERM');
    }
    await running('app=watched', 1);
    expect(await ok(['delete', 'pod', 'watched', '--wait=false'])).toBe('pod "watched" deleted\n');
    expect(await ok(['wait', '--for=delete', 'pod/watched', '--timeout=60s'])).toMatch(/^(pod\/watched condition met\n)?$/);
    expect((await k(['get', 'pod', 'watched'])).stderr).toContain('NotFound');
  });

  test('get <one> -w --output-watch-events streams that object\'s changes only', async () => {
    const watcher = spawn(binary, ['--kubeconfig', c.kubeconfig, '--cache-dir', cacheDir, '-n', ns, 'get', 'pod', 'solo', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(async () => /\nADDED\s+solo\s+1\/1\s+Running/.test(out), 'the ADDED row', 30_000);
      expect(await ok(['label', 'pod', 'solo', 'watched=yes'])).toBe('pod/solo labeled\n');
      await waitFor(async () => /\nMODIFIED\s+solo\s+1\/1\s+Running/.test(out), 'the MODIFIED row', 30_000);
      expect(out).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
      expect(out).not.toContain('web-');
    } finally {
      watcher.kill('SIGTERM');
    }
    expect(await ok(['label', 'pod', 'solo', 'watched-'])).toBe('pod/solo unlabeled\n');
  });

  test('describe pod and rs', async () => {
    const pod = await ok(['describe', 'pod', 'solo']);
    expect(pod).toMatch(/^Name:\s+solo\nNamespace:\s+/);
    expect(pod).toMatch(new RegExp(`\\nNamespace:\\s+${ns}\\n`));
    expect(pod).toMatch(new RegExp(`\\nNode:\\s+${c.nodeName}/`));
    expect(pod).toMatch(/\nStatus:\s+Running\n/);
    expect(pod).toMatch(/\nContainers:\n\s+main:\n\s+Container ID:/);
    expect(pod).toMatch(/\nConditions:\n\s+Type\s+Status\n/);
    expect(pod).toMatch(/\n\s+Ready\s+True\s*\n/);
    expect(pod).toMatch(/\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
    expect(pod).toMatch(/Normal\s+Scheduled\s+\S+\s+\S+\s+Successfully assigned/);
    const rs = await ok(['describe', 'rs', 'web']);
    expect(rs).toMatch(/^Name:\s+web\n/);
    expect(rs).toMatch(/\nSelector:\s+app=web\n/);
    expect(rs).toMatch(/\nReplicas:\s+1 current \/ 1 desired\n/);
    expect(rs).toMatch(/\nPods Status:\s+1 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
    expect(rs).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+\S+\s+Created pod: web-[a-z0-9]{5}/);
  });

  test('diff exits 0 without changes and 1 with them; apply changes and is then unchanged', async () => {
    expect(await k(['diff', '-f', fixture('app.yaml')])).toMatchObject({ code: 0, stdout: '' });
    const diff = await k(['diff', '-f', fixture('app-changed.yaml')]);
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/\n- {2}mode: blue\n\+ {2}extra: "1"\n\+ {2}mode: green\n/);
    expect(diff.stdout).toMatch(/\n- {2}replicas: 1\n\+ {2}replicas: 2\n/);
    expect(diff.stdout).not.toContain('pod');

    const applied = await ok(['apply', '-f', fixture('app-changed.yaml')]);
    expect(applied.split('\n').filter(Boolean)).toEqual([
      'configmap/settings configured', 'service/web unchanged', 'deployment.apps/api configured', 'replicaset.apps/web unchanged', 'pod/solo unchanged',
    ]);
    expect(await jsonpath('configmap/settings', '{.data.mode}')).toBe('green');
    expect(await ok(['apply', '--dry-run=server', '-f', fixture('app.yaml')])).toContain('configmap/settings configured (server dry run)\n');
    expect(await jsonpath('configmap/settings', '{.data.mode}')).toBe('green');
    expect(await jsonpath('deployment/api', '{.spec.replicas} {.metadata.labels.stage} {.metadata.generation}')).toBe('2 two 2');
    const again = await ok(['apply', '-f', fixture('app-changed.yaml')]);
    expect(again.split('\n').filter(Boolean).every((l) => l.endsWith(' unchanged'))).toBe(true);
    expect(await k(['diff', '-f', fixture('app-changed.yaml')])).toMatchObject({ code: 0, stdout: '' });
  });

  test('server-side apply creates, changes, and reports conflicts', async () => {
    const cm = (mode: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  mode: ${mode}\n`;
    expect(await ok(['apply', '--server-side', '-f', '-'], cm('one'))).toBe('configmap/ssa serverside-applied\n');
    expect(await ok(['apply', '--server-side', '-f', '-'], cm('two'))).toBe('configmap/ssa serverside-applied\n');
    expect(await jsonpath('configmap/ssa', '{.data.mode}')).toBe('two');
    expect(await k(['diff', '--server-side', '-f', '-'], cm('two'))).toMatchObject({ code: 0, stdout: '' });
    const diff = await k(['diff', '--server-side', '-f', '-'], cm('four'));
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/\n- {2}mode: two\n\+ {2}mode: four\n/);
    expect(await jsonpath('configmap/ssa', '{.data.mode}')).toBe('two');
    const conflict = await k(['apply', '--server-side', '--field-manager=other', '-f', '-'], cm('three'));
    expect(conflict.code).toBe(1);
    // an Apply manager is named without "using <apiVersion>" (only Update managers carry it)
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .data.mode');
    expect(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'], cm('three'))).toBe('configmap/ssa serverside-applied\n');
    expect(await jsonpath('configmap/ssa', '{.data.mode}')).toBe('three');
  });

  test('patch: strategic (containers merged by name), merge and json', async () => {
    const strategic = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] } } } });
    expect(await ok(['patch', 'deployment', 'api', '-p', strategic])).toBe('deployment.apps/api patched\n');
    expect(await jsonpath('deployment/api', '{.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}'))
      .toBe('main busybox:1.37 8080');
    expect(await ok(['patch', 'deployment', 'api', '-p', strategic])).toBe('deployment.apps/api patched (no change)\n');

    expect(await ok(['patch', 'deployment', 'api', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge","stage":null}}}'])).toBe('deployment.apps/api patched\n');
    expect(await jsonpath('deployment/api', '{.metadata.labels}')).toBe('{"app":"api","patched":"merge"}');

    expect(await ok(['patch', 'deployment', 'api', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/annotations/via","value":"json"}]']))
      .toBe('deployment.apps/api patched\n');
    expect(await jsonpath('deployment/api', '{.spec.replicas} {.metadata.annotations.via}')).toBe('4 json');
    const bad = await k(['patch', 'deployment', 'api', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":99}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^(The request is invalid|Error from server)/);
  });

  test('label and annotate', async () => {
    expect(await ok(['label', 'pod', 'solo', 'color=blue'])).toBe('pod/solo labeled\n');
    const clash = await k(['label', 'pod', 'solo', 'color=red']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("'color' already has a value (blue), and --overwrite is false");
    expect(await ok(['label', 'pod', 'solo', 'color=red', '--overwrite'])).toBe('pod/solo labeled\n');
    expect(await ok(['get', 'pods', '-l', 'color=red', '-o', 'name'])).toBe('pod/solo\n');
    expect(await ok(['label', 'pod', 'solo', 'color-'])).toBe('pod/solo unlabeled\n');
    // kubectl 1.27 itself prints "annotate" (fixed upstream in 1.28)
    expect(await ok(['annotate', 'pod', 'solo', 'note=hello there'])).toBe(version === '1.27' ? 'pod/solo annotate\n' : 'pod/solo annotated\n');
    expect(await jsonpath('pod/solo', '{.metadata.labels.color}|{.metadata.annotations.note}')).toBe('|hello there');
  });

  test('scale a ReplicaSet (pods follow) and a Deployment (scale subresource)', async () => {
    expect(await ok(['scale', 'rs', 'web', '--replicas=2'])).toBe('replicaset.apps/web scaled\n');
    await running('app=web', 2);
    await waitFor(async () => (await jsonpath('rs/web', '{.status.readyReplicas}')) === '2', 'rs web ready replicas 2', 60_000);
    expect(await ok(['scale', 'deployment', 'api', '--replicas=3'])).toBe('deployment.apps/api scaled\n');
    expect(await jsonpath('deployment/api', '{.spec.replicas}')).toBe('3');
    const stale = await k(['scale', 'deployment', 'api', '--current-replicas=1', '--replicas=5']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Expected replicas to be 1, was 3');
  });

  test('events: get events and kubectl events', async () => {
    const got = await ok(['get', 'events']);
    expect(got).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(got).toMatch(/\n\S+\s+Normal\s+Scheduled\s+pod\/solo\s+Successfully assigned/);
    expect(got).toMatch(/\n\S+\s+Normal\s+SuccessfulCreate\s+replicaset\/web\s+Created pod: web-/);
    const events = await ok(['events']);
    expect(events).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(events).toMatch(/\n\S+\s+Normal\s+Scheduled\s+Pod\/solo\s+Successfully assigned/);
    const forPod = await ok(['events', '--for', 'pod/solo']);
    expect(forPod).toMatch(/Scheduled\s+Pod\/solo/);
    expect(forPod).not.toContain('ReplicaSet/web');
  });

  test('explain and api-resources', async () => {
    const explain = await ok(['explain', 'pod.spec.containers.image']);
    expect(explain).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(explain).toMatch(/FIELD:\s+image\s+<string>/);
    expect(await ok(['explain', 'deployment.spec.replicas'])).toMatch(/^(GROUP:\s+apps\n)?KIND:\s+Deployment\nVERSION:\s+(apps\/)?v1\n[\s\S]*FIELD:\s+replicas\s+<integer>/);
    const resources = await ok(['api-resources']);
    expect(resources).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
    expect(resources).toMatch(/\npods\s+po\s+v1\s+true\s+Pod\n/);
    expect(resources).toMatch(/\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
    expect(resources).toMatch(/\nnamespaces\s+ns\s+v1\s+false\s+Namespace\n/);
    expect(await ok(['api-resources', '--api-group=apps', '-o', 'name'])).toContain('replicasets.apps\n');
  });

  test('delete: --grace-period, --cascade=orphan|foreground|background', async () => {
    expect(await ok(['delete', 'pod', 'solo', '--dry-run=server'])).toBe('pod "solo" deleted (server dry run)\n');
    expect(await jsonpath('pod/solo', '{.status.phase}')).toBe('Running');
    expect(await ok(['delete', 'pod', 'solo', '--grace-period=1'])).toBe('pod "solo" deleted\n');
    expect((await k(['get', 'pod', 'solo'])).stderr).toBe('Error from server (NotFound): pods "solo" not found\n');

    expect(await ok(['delete', 'rs', 'web', '--cascade=orphan'])).toBe('replicaset.apps "web" deleted\n');
    const orphans = await running('app=web', 2);
    for (const p of orphans) expect(p.metadata.ownerReferences).toBeUndefined();

    expect(await ok(['apply', '-f', '-'], rsManifest('fg', 1))).toBe('replicaset.apps/fg created\n');
    await running('app=fg', 1);
    // kubectl waits until the ReplicaSet is gone, which in the foreground is after its pods
    expect(await ok(['delete', 'rs', 'fg', '--cascade=foreground'])).toBe('replicaset.apps "fg" deleted\n');
    expect(await podsOf('app=fg')).toEqual([]);

    expect(await ok(['apply', '-f', '-'], rsManifest('bg', 1))).toBe('replicaset.apps/bg created\n');
    await running('app=bg', 1);
    expect(await ok(['delete', 'rs', 'bg', '--cascade=background'])).toBe('replicaset.apps "bg" deleted\n');
    await waitFor(async () => (await podsOf('app=bg')).length === 0, 'the background cascade', 60_000);

    const rest = await ok(['delete', 'pods', '-l', 'app=web', '--grace-period=0', '--force']);
    expect(rest.split('\n').filter(Boolean)).toHaveLength(2);
    expect(await ok(['delete', 'deployment,svc,cm', '--all'])).toMatch(/^deployment\.apps "api" deleted\n/);
    expect(await ok(['get', 'all', '-o', 'name'])).toBe('');
  });
});
