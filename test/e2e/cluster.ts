// A throwaway one-node cluster for end-to-end tests, started through the same code path as
// ./hack/up.sh (`berth up`), with its own $BERTH_HOME, ports, bridge, pod CIDR and cgroup
// parent so that it never collides with a cluster the user started.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(__dirname, '..', '..');
const berthMain = path.join(repoRoot, 'dist', 'cmd', 'berth', 'main.js');
const berthctlMain = path.join(repoRoot, 'dist', 'cmd', 'berthctl', 'main.js');
export const busyboxArchive = path.join(repoRoot, 'dist', 'images', 'busybox.oci.tar');

export interface Result { code: number; stdout: string; stderr: string }

export interface TestCluster {
  home: string;
  kubeconfig: string;
  cgroupParent: string;
  bridge: string;
  nodeName: string;
  /** Its own service CIDR, so its Service rules never match another cluster's pods. */
  serviceCidr: string;
  kubectl(args: string[], opts?: { input?: string; binary?: string }): Promise<Result>;
  berthctl(args: string[]): Promise<Result>;
  stop(): Promise<void>;
}

const exec = async (cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Result> => {
  if (input !== undefined) {
    const r = spawnSync(cmd, args, { env, input, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  }
  try {
    const { stdout, stderr } = await run(cmd, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
};

export const startCluster = async (name: string): Promise<TestCluster> => {
  const suffix = Math.random().toString(36).slice(2, 7);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `berth-e2e-${name}-`));
  const cgroupParent = `berth-e2e-${suffix}`;
  const bridge = `be2e${suffix}`;
  const nodeName = `e2e-${suffix}`;
  // Every port stays below the kernel's ephemeral range (32768+): an outgoing connection there
  // can hold a port before the component listens on it (EADDRINUSE; the highest base is 10259).
  const offset = 12000 + Math.floor(Math.random() * 525) * 20;
  const subnet = 100 + Math.floor(Math.random() * 100);
  const serviceCidr = `10.${subnet}.128.0/20`;
  const env = { ...process.env, BERTH_HOME: home };
  const up = await exec(process.execPath, [berthMain, 'up', '--home', home, '--port-offset', String(offset),
    '--node-name', nodeName, '--bridge', bridge, '--pod-cidr', `10.${subnet}.0.0/24`, '--service-cidr', serviceCidr, '--cgroup-parent', cgroupParent,
    '--image', busyboxArchive, '--timeout', '120'], env);
  const kubeconfig = path.join(home, 'kubeconfig');
  const cacheDir = path.join(home, 'kubectl-cache');
  const cluster: TestCluster = {
    home, kubeconfig, cgroupParent, bridge, nodeName, serviceCidr,
    kubectl: (args, opts) => exec(opts?.binary ?? 'kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], env, opts?.input),
    berthctl: (args) => exec(process.execPath, [berthctlMain, '--kubeconfig', kubeconfig, ...args], env),
    stop: async () => {
      const r = await exec(process.execPath, [berthMain, 'down', '--home', home, '--purge'], env);
      if (r.code !== 0) throw new Error(`berth down failed: ${r.stderr}`);
    },
  };
  if (up.code !== 0) {
    const logs = fs.existsSync(path.join(home, 'logs'))
      ? fs.readdirSync(path.join(home, 'logs')).filter((f) => f.endsWith('.log'))
        .map((f) => `--- ${f}\n${fs.readFileSync(path.join(home, 'logs', f), 'utf8').split('\n').slice(-30).join('\n')}`).join('\n')
      : '';
    await cluster.stop().catch(() => undefined);
    throw new Error(`berth up failed (${up.code}): ${up.stderr}\n${logs}`);
  }
  return cluster;
};

/** Polls `cond` until it returns a truthy value; never a fixed sleep. */
export const waitFor = async <T>(cond: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

/** Host processes whose cgroup path mentions `needle` (e.g. a pod UID). */
export const processesInCgroup = (needle: string): number[] => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  .filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(needle);
    } catch {
      return false; // the process exited while we looked
    }
  }).map(Number);

export const mountsMatching = (needle: string): string[] =>
  fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(needle));

export const cgroupDirsMatching = (parent: string): string[] => ['memory', 'cpu', 'pids']
  .map((c) => `/sys/fs/cgroup/${c}/${parent}`).filter((d) => fs.existsSync(d));
