// The walking skeleton's figures: `berth up` cold and warm, apply → Running for a pod (median
// of 10), and the resident memory of the idle one-node cluster. Baselines measured in the same
// run: `runc run` of the same busybox image (a container start with no orchestration) and the
// bare `node` process start, and one kubectl call against the same cluster.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const berth = path.join(root, 'dist', 'cmd', 'berth', 'main.js');
const archive = path.join(root, 'dist', 'images', 'busybox.oci.tar');
const out = process.argv[2] ?? path.join(root, 'hack', 'bench', 'results', 'skeleton.json');

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (f: () => void) => { const t0 = process.hrtime.bigint(); f(); return ms(t0); };

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-'));
const env = { ...process.env, BERTH_HOME: home };
const upArgs = [berth, 'up', '--home', home, '--port-offset', '20000', '--bridge', 'bbench0',
  '--pod-cidr', '10.251.0.0/24', '--cgroup-parent', 'berth-bench', '--image', archive];
const berthRun = (args: string[]) => execFileSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
const kubectl = (args: string[], input?: string) => spawnSync('kubectl',
  ['--kubeconfig', path.join(home, 'kubeconfig'), ...args], { env, input, encoding: 'utf8' });

const rssOfTree = (): number => {
  const pid = Number(fs.readFileSync(path.join(home, 'run', 'server.pid'), 'utf8'));
  const children = (p: number): number[] => {
    const r = spawnSync('pgrep', ['-P', String(p)], { encoding: 'utf8' });
    const kids = r.stdout.split('\n').filter(Boolean).map(Number);
    return [p, ...kids.flatMap(children)];
  };
  return children(pid).reduce((sum, p) => {
    const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
    return sum + Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  }, 0);
};

const podRunning = (i: number): number => {
  const manifest = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}` },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } });
  const t0 = process.hrtime.bigint();
  if (kubectl(['apply', '-f', '-'], manifest).status !== 0) throw new Error('apply failed');
  const w = kubectl(['wait', '--for=jsonpath={.status.phase}=Running', `pod/bench-${i}`, '--timeout=60s']);
  if (w.status !== 0) throw new Error(`pod bench-${i} not Running: ${w.stderr}`);
  const elapsed = ms(t0);
  kubectl(['delete', 'pod', `bench-${i}`, '--wait=true']);
  return elapsed;
};

const runcBaseline = (): number => {
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-runc-'));
  fs.mkdirSync(path.join(bundle, 'rootfs', 'bin'), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(bundle, 'rootfs', 'bin', 'busybox'));
  fs.symlinkSync('busybox', path.join(bundle, 'rootfs', 'bin', 'true'));
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  spec.process.args = ['/bin/true'];
  spec.process.terminal = false;
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  const runs = Array.from({ length: 10 }, (_, i) => timed(() => execFileSync('runc', ['run', `berth-bench-${process.pid}-${i}`], { cwd: bundle })));
  fs.rmSync(bundle, { recursive: true, force: true });
  return median(runs);
};

const main = () => {
  const nodeStart = median(Array.from({ length: 5 }, () => timed(() => execFileSync(process.execPath, ['-e', '0']))));
  const upCold = timed(() => berthRun(upArgs));
  const idleRss = (() => { execFileSync('sleep', ['5']); return rssOfTree(); })();
  const applyToRunning = Array.from({ length: 10 }, (_, i) => podRunning(i));
  // apply → Running spends two kubectl invocations (apply, wait); this is one, for comparison.
  const kubectlCall = median(Array.from({ length: 5 }, () => timed(() => kubectl(['get', 'namespace', 'default']))));
  berthRun([berth, 'down', '--home', home]);
  const upWarm = timed(() => berthRun(upArgs));
  berthRun([berth, 'down', '--home', home, '--purge']);
  const runc = runcBaseline();
  const figures = {
    upColdMs: Math.round(upCold), upWarmMs: Math.round(upWarm),
    applyToRunningMedianMs: Math.round(median(applyToRunning)), applyToRunningAllMs: applyToRunning.map(Math.round),
    idleRssMiB: Math.round(idleRss / 2 ** 20),
    baselineRuncRunMedianMs: Math.round(runc), baselineNodeStartMs: Math.round(nodeStart),
    baselineKubectlCallMs: Math.round(kubectlCall),
    ratioApplyToRunningVsRuncRun: Number((median(applyToRunning) / runc).toFixed(1)),
  };
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(32)} ${Array.isArray(v) ? v.join(' ') : v}\n`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ name: 'skeleton', date: new Date().toISOString(), figures }, null, 2) + '\n');
};

main();
