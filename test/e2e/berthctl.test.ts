// berthctl against a real cluster, with the real kubectl as the oracle: the same command
// must print the same bytes and exit with the same code. Commands whose output carries
// ages are retried a few times so that a second boundary between the two runs does not fail them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startCluster, type Result, type TestCluster } from './cluster';

jest.setTimeout(240_000);

let c: TestCluster;
let work: string;
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', name);

const write = (name: string, text: string): string => {
  const p = path.join(work, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-e2e-'));
  c = await startCluster('ctl');
  const applied = await c.berthctl(['apply', '-f', fixture('hello-pod.yaml'), '-f', fixture('web-rs.yaml'), '-f', fixture('cli/objects.yaml')]);
  expect(applied).toMatchObject({ code: 0, stderr: '' });
  const ready = await c.berthctl(['wait', '--for=condition=Ready', 'pods', '--all', '--timeout=90s']);
  expect(ready.code).toBe(0);
});

afterAll(async () => {
  if (c) await c.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs both tools at once until they agree, at most `tries` times; returns the last pair. */
const both = async (args: string[], tries = 6): Promise<{ ours: Result; theirs: Result }> => {
  const once = async () => { const [ours, theirs] = await Promise.all([c.berthctl(args), c.kubectl(args)]); return { ours, theirs }; };
  let pair = await once();
  for (let i = 1; i < tries && JSON.stringify(pair.ours) !== JSON.stringify(pair.theirs); i++) pair = await once();
  return pair;
};

const expectSame = async (args: string[]): Promise<Result> => {
  const { ours, theirs } = await both(args);
  expect({ args, ...ours }).toEqual({ args, ...theirs });
  return ours;
};

test.each([
  ['get', 'pods'], ['get', 'pods', '-o', 'wide'], ['get', 'rs', 'web', '-o', 'wide'], ['get', 'all'], ['get', 'pods', '-A', '--show-labels'],
  ['get', 'pods', '-L', 'app', '--sort-by=.metadata.name'], ['get', 'pod', 'hello', '-o', 'yaml'], ['get', 'pods', '-o', 'json'],
  ['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'],
  ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image'],
  ['get', 'deploy,svc,cm', '-o', 'name'], ['get', 'nodes', '-o', 'wide'],
  ['describe', 'pod', 'hello'], ['describe', 'rs', 'web'], ['describe', 'deploy', 'dep'], ['describe', 'svc', 'svc'],
  ['describe', 'cm', 'cfg'], ['describe', 'ns', 'default'], ['describe', 'pods', 'web'],
  ['api-resources'], ['api-versions'], ['explain', 'pod.spec.containers'],
])('%s %s %s %s', async (...args) => {
  await expectSame(args);
});

/** Runs `steps` with one tool on object `name`; the output with the name replaced by NAME. */
const sequence = async (tool: 'berthctl' | 'kubectl', name: string, steps: string[][]): Promise<string[]> => {
  const out: string[] = [];
  for (const step of steps) {
    const args = step.map((a) => a.replace('NAME', name));
    const r = tool === 'berthctl' ? await c.berthctl(args) : await c.kubectl(args);
    out.push(`$ ${step.join(' ')}\n${r.stdout}${r.stderr}rc=${r.code}`.split(name).join('NAME'));
  }
  return out;
};

test('label, annotate and scale: the same lines and exit codes as kubectl, step by step', async () => {
  for (const n of ['lb', 'lk']) {
    await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, labels: { app: 'x' } } }) });
    await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `s${n}` },
      spec: { replicas: 0, selector: { matchLabels: { app: `s${n}` } }, template: { metadata: { labels: { app: `s${n}` } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } }) });
  }
  const steps = [
    ['label', 'cm', 'NAME', 'app=x'], ['label', 'cm', 'NAME', 'app=y'], ['label', 'cm', 'NAME', 'a=b', 'c-'], ['label', 'cm', 'NAME', 'a-', 'c=d'],
    ['label', 'cm', 'NAME', 'a-'], ['label', 'cm', 'NAME', 'x=b!'], ['label', 'cm', 'NAME', 'a=b', 'a-'], ['label', 'cm', 'NAME'],
    // (--list is left out: kubectl prints Go's map order, which is random.)
    ['label', 'cm', 'NAME', 'c=e', '--overwrite', '-o', 'name'], ['label', 'cm/NAME', 'q=1', '--dry-run=client'],
    ['label', 'cm', 'NAME', '--resource-version=1', 'q=1'], ['annotate', 'cm', 'NAME', 'foo=bar'], ['annotate', 'cm', 'NAME', 'foo=baz'],
    ['annotate', 'cm', 'NAME', 'foo=baz', '--overwrite'], ['annotate', 'cm', 'NAME', 'foo-'],
    ['scale', 'rs', 'sNAME', '--replicas=0'], ['scale', 'rs', 'sNAME', '--replicas=0', '--current-replicas=2'], ['scale', 'rs/sNAME', '--replicas=0', '--dry-run=server'],
    ['scale', 'rs', 'nope', '--replicas=1'], ['scale', 'rs', 'sNAME'], ['scale', 'cm', 'NAME', '--replicas=1'],
  ];
  const ours = await sequence('berthctl', 'lb', steps);
  const theirs = await sequence('kubectl', 'lk', steps);
  expect(ours).toEqual(theirs);
});

test('wait: conditions met, timeouts and missing objects as kubectl', async () => {
  for (const args of [
    ['wait', '--for=condition=Ready', 'pod/hello'], ['wait', '--for=condition=Ready', 'pods', '-l', 'app=web'],
    ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/hello'], ['wait', '--for=condition=Ready=false', 'pod/hello', '--timeout=1s'],
    ['wait', '--for=delete', 'pod/nope', '--timeout=1s'], ['wait', '--for=condition=Ready', 'pod/nope', '--timeout=1s'], ['wait', '--for=foo', 'pod/hello'],
  ]) await expectSame(args);
});

test('diff: exit 0 without drift, 1 with the same hunks as kubectl', async () => {
  const file = write('diff/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels: {app: demo}\ndata:\n  a: "1"\n  b: |\n    multi\n    line\n');
  const clean = await both(['diff', '-f', file]);
  expect(clean.ours).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(clean.theirs.code).toBe(0);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('a: "1"', 'a: "2"'));
  const norm = (s: string) => s.replace(/(LIVE|MERGED)-\w+/g, '$1').replace(/\t.*$/gm, '');
  const drift = await both(['diff', '-f', file]);
  expect(drift.ours.code).toBe(1);
  expect(drift.theirs.code).toBe(1);
  expect(norm(drift.ours.stdout)).toBe(norm(drift.theirs.stdout));
  expect(drift.ours.stdout).toContain('+  a: "2"');
});

test('bad input: one clear line and exit 1', async () => {
  const unknownKind = write('bad/kind.yaml', 'apiVersion: v1\nkind: Foo\nmetadata: {name: x}\n');
  const missingNs = write('bad/ns.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nope}\n');
  for (const args of [['get', 'foo'], ['apply', '-f', missingNs], ['label', 'pod', 'hello', '--resource-version=1', 'q=1'],
    ['apply', '-f', fixture('bad-no-image.yaml')], ['get', 'pod', 'nope']]) {
    const r = await expectSame(args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }
  expect((await c.berthctl(['get', 'foo'])).stderr).toBe('error: the server doesn\'t have a resource type "foo"\n');
  // kubectl's answer here depends on what the server's openapi says about CRDs; berthctl prints kubectl's mapping error.
  const kind = await c.berthctl(['apply', '-f', unknownKind]);
  expect(kind.code).toBe(1);
  expect(kind.stderr).toMatch(/^error: resource mapping not found for name: "x" .*no matches for kind "Foo" in version "v1"\n/);
  const yaml = await c.berthctl(['apply', '-f', fixture('bad-yaml.yaml')]);
  expect(yaml.code).toBe(1);
  expect(yaml.stderr).toMatch(/^error: error parsing .*bad-yaml\.yaml: error converting YAML to JSON: yaml: line \d+, column \d+: [^\n]+\n$/);
});

const manifests = (ns: string): Record<string, string> => ({
  // kubectl applies a directory in file-name order: the namespace must come first.
  '00-namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: {repo: demo}\n`,
  'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${ns}\n  labels: {repo: demo}\ndata:\n  mode: blue\n`,
  'deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: ${ns}\n  labels: {repo: demo}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: api\n        image: busybox\n`,
  'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: ${ns}\n  labels: {repo: demo}\nspec:\n  selector: {app: api}\n  ports:\n  - port: 80\n`,
});

/** The acceptance sequence of issue 5 with one tool, in its own namespace; returns each step's exit code and the final state. */
const gitOps = async (tool: 'berthctl' | 'kubectl', ns: string) => {
  const dir = path.join(work, `repo-${ns}`);
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', dir]);
  for (const [f, text] of Object.entries(manifests(ns))) fs.writeFileSync(path.join(dir, f), text);
  execFileSync('git', ['-C', dir, '-c', 'user.email=e2e@berth', '-c', 'user.name=e2e', 'commit', '-qam', 'init', '--allow-empty']);
  const run = (args: string[]) => (tool === 'berthctl' ? c.berthctl(args) : c.kubectl(args));
  const prune = ['--prune', '-l', 'repo=demo', '--prune-allowlist=core/v1/ConfigMap', '--prune-allowlist=apps/v1/Deployment',
    '--prune-allowlist=core/v1/Service', '--prune-allowlist=core/v1/Namespace'];
  const codes: Record<string, number> = {};
  codes.apply1 = (await run(['apply', '-f', dir, ...prune])).code;
  codes.diffClean = (await run(['diff', '-f', dir])).code;
  fs.writeFileSync(path.join(dir, 'config.yaml'), manifests(ns)['config.yaml'].replace('mode: blue', 'mode: green'));
  fs.rmSync(path.join(dir, 'service.yaml'));
  await c.kubectl(['delete', 'deploy', 'api', '-n', ns, '--wait=false']);
  const drift = await run(['diff', '-f', dir]);
  codes.diffDrift = drift.code;
  codes.apply2 = (await run(['apply', '-f', dir, ...prune])).code;
  codes.diffAfter = (await run(['diff', '-f', dir])).code;
  const state = await c.kubectl(['get', 'cm,deploy,svc', '-n', ns, '-l', 'repo=demo', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.data.mode}{"\\n"}{end}']);
  const drifted = drift.stdout.replace(/(LIVE|MERGED)-\w+/g, '$1').replace(/\t.*$/gm, '').split(ns).join('NS')
    .replace(/^([-+ ]\s*(?:uid|creationTimestamp|resourceVersion)): .*$/gm, '$1: X');
  return { codes, drift: drifted, state: state.stdout };
};

test('a manifests repository: apply --prune, drift reported by diff, re-apply converges; kubectl ends in the same state', async () => {
  const ours = await gitOps('berthctl', 'repo-b');
  const theirs = await gitOps('kubectl', 'repo-k');
  expect(ours.codes).toEqual({ apply1: 0, diffClean: 0, diffDrift: 1, apply2: 0, diffAfter: 0 });
  expect(ours.codes).toEqual(theirs.codes);
  expect(ours.drift).toContain('-  mode: blue');
  expect(ours.drift).toContain('+  mode: green');
  expect(ours.drift).toContain('+kind: Deployment');
  expect(ours.drift).toBe(theirs.drift);
  expect(ours.state).toBe('ConfigMap/settings=green\nDeployment/api=\n');
  expect(ours.state).toBe(theirs.state);
});
