// berthctl against the real kubectl on the same cluster in the same run (issue 5's benchmark):
// `get pods` with 1,000 pods, `apply -f` of a 200-object directory (creates, then unchanged),
// and the bare start-up of each (`version --client`), plus `node -e 0` as the floor. Each figure
// is a median of wall time and of CPU time (user + system of the child), the latter comparable
// on a loaded machine.
// The 1,000 pods are bound to a node that does not exist, so nothing runs: the figures are the
// CLIs' own (start-up, discovery, the list, printing). Commands alternate berthctl/kubectl.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, loadKubeconfig } from '../../pkg/client';

const root = path.resolve(__dirname, '..', '..', '..');
const berth = path.join(root, 'dist', 'cmd', 'berth', 'main.js');
const berthctl = path.join(root, 'dist', 'cmd', 'berthctl', 'main.js');
const archive = path.join(root, 'dist', 'images', 'busybox.oci.tar');
const out = process.argv[2] ?? path.join(root, 'hack', 'bench', 'results', 'cli.json');
const ROUNDS = Number(process.env.BERTH_BENCH_ROUNDS ?? 10);
const PODS = 1000;
const OBJECTS = 200;

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-cli-'));
const kubeconfig = path.join(home, 'kubeconfig');
const env = { ...process.env, BERTH_HOME: home, KUBECONFIG: kubeconfig };
const cacheDir = path.join(home, 'kubectl-cache');

/**
 * CPU time (user + system, ms) of this process's waited-for children: /proc/self/stat's cutime and
 * cstime, in clock ticks (100 Hz). Wall time on a machine other suites load says little; the
 * CPU a command burns does not depend on the load.
 */
const childCpuMs = (): number => {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17 of proc(5), counted from state (3)
};

/** One timed run (wall and CPU); throws when the command fails, so a broken CLI is not a fast one. */
const run = (tool: 'berthctl' | 'kubectl', args: string[]): { wall: number; cpu: number } => {
  const [cmd, full] = tool === 'berthctl' ? [process.execPath, [berthctl, ...args]] : ['kubectl', ['--cache-dir', cacheDir, ...args]];
  const cpu0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = ms(t0);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
  return { wall, cpu: childCpuMs() - cpu0 };
};

/** Medians (wall and CPU) of `rounds` alternating runs of the same command by both tools. */
const compare = (args: (tool: string, i: number) => string[], rounds = ROUNDS) => {
  const ours: { wall: number; cpu: number }[] = [];
  const theirs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    ours.push(run('berthctl', args('berthctl', i)));
    theirs.push(run('kubectl', args('kubectl', i)));
  }
  const m = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => median(xs.map((x) => x[k]));
  return {
    berthctlMs: Math.round(m(ours, 'wall')), kubectlMs: Math.round(m(theirs, 'wall')), ratio: Number((m(ours, 'wall') / m(theirs, 'wall')).toFixed(2)),
    berthctlCpuMs: Math.round(m(ours, 'cpu')), kubectlCpuMs: Math.round(m(theirs, 'cpu')), cpuRatio: Number((m(ours, 'cpu') / m(theirs, 'cpu')).toFixed(2)),
  };
};

const createPods = async (): Promise<void> => {
  const client = createClient(loadKubeconfig({ path: kubeconfig }));
  await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } } });
  const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${String(i).padStart(4, '0')}`, labels: { app: 'bench' } },
    spec: { nodeName: 'bench-ghost', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
  for (let i = 0; i < PODS; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, PODS - i) }, (_, j) =>
      client.request('POST', '/api/v1/namespaces/bench/pods', { body: pod(i + j) })));
  }
};

const manifestDir = (): string => {
  const dir = path.join(home, 'manifests');
  fs.mkdirSync(dir);
  for (let i = 0; i < OBJECTS; i++) {
    fs.writeFileSync(path.join(dir, `cm-${String(i).padStart(3, '0')}.yaml`),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {app: bench}\ndata:\n  key: value-${i}\n`);
  }
  return dir;
};

const main = async () => {
  const nodeStart = median(Array.from({ length: 5 }, () => { const t0 = process.hrtime.bigint(); execFileSync(process.execPath, ['-e', '0']); return ms(t0); }));
  // Overridable so that the benchmark can run beside other clusters (each its own ports, bridge, CIDR).
  execFileSync(process.execPath, [berth, 'up', '--home', home, '--port-offset', process.env.BERTH_BENCH_PORT_OFFSET ?? '21000',
    '--bridge', process.env.BERTH_BENCH_BRIDGE ?? 'bbcli0', '--pod-cidr', process.env.BERTH_BENCH_POD_CIDR ?? '10.252.0.0/24',
    '--cgroup-parent', 'berth-bench-cli', '--node-name', 'bench-node', '--image', archive], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await createPods();
    const dir = manifestDir();
    const namespaces = (tool: string, i: number) => `apply-${tool === 'berthctl' ? 'b' : 'k'}-${i}`;
    for (let i = 0; i < 3; i++) for (const t of ['berthctl', 'kubectl']) run('kubectl', ['create', 'namespace', namespaces(t, i)]);
    const loadBefore = os.loadavg()[0];
    const figures = {
      nodeStartMs: Math.round(nodeStart),
      startup: compare(() => ['version', '--client']),
      getPods1000: compare(() => ['get', 'pods', '-n', 'bench']),
      getPods1000Json: compare(() => ['get', 'pods', '-n', 'bench', '-o', 'json'], Math.ceil(ROUNDS / 2)),
      apply200Create: compare((t, i) => ['apply', '-n', namespaces(t, i), '-f', dir], 3),
      apply200Unchanged: compare((t, i) => ['apply', '-n', namespaces(t, i % 3), '-f', dir], 3),
      loadAverage: { before: Number(loadBefore.toFixed(1)), after: Number(os.loadavg()[0].toFixed(1)) },
    };
    console.log(JSON.stringify(figures, null, 2));
    fs.writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    execFileSync(process.execPath, [berth, 'down', '--home', home, '--purge'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    fs.rmSync(home, { recursive: true, force: true });
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
