// The apiserver under test and the load on it: `berth apiserver` as a child process (its RSS and
// CPU its own) with the admin certificate, CPU accounting per phase, and the pod creates every
// phase uses.
import { spawn, type ChildProcess } from 'node:child_process';
import type https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePki, pkiPaths } from '../../../pkg/apiserver';
import { componentEnv } from '../../../pkg/cluster/process-env';
import { freePort, waitFor, type RunningEtcd } from '../../../test/integration/harness';
import { benchPod, load, newAgent, nowMs, request, round, type Credentials, type LoadResult } from './client';
import { cpuSeconds, rssMiB } from './proc';

export const root = path.resolve(__dirname, '..', '..', '..', '..');
export const say = (line: string) => process.stdout.write(`${line}\n`);
/** Client levels of every load phase. */
export const levels = [1, 16, 64];
/** Watch clients run in this many worker threads (the machine's two cores). */
export const watchThreads = 2;

export interface Api { base: string; child: ChildProcess; creds: Credentials }

export const startApiserver = async (etcd: RunningEtcd, dir: string): Promise<Api> => {
  await ensurePki(path.join(dir, 'pki'), { hosts: ['127.0.0.1'] });
  const p = pkiPaths(path.join(dir, 'pki'));
  const creds = { ca: fs.readFileSync(p.caCert), cert: fs.readFileSync(p.adminCert), key: fs.readFileSync(p.adminKey) };
  const port = await freePort();
  const profile = [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ...(process.env.BENCH_HEAP_SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.BENCH_HEAP_SNAPSHOT}`] : []),
    ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(process.execPath, [...profile, path.join(root, 'dist', 'cmd', 'berth', 'main.js'), 'apiserver',
    '--etcd-servers', etcd.endpoint, '--port', String(port), '--pki-dir', path.join(dir, 'pki')], { stdio: ['ignore', 'ignore', 'inherit'], env: componentEnv() }); // as `berth server` starts it
  const base = `https://127.0.0.1:${port}`;
  const agent = newAgent(creds, 1);
  await waitFor(async () => (await request(agent, base, 'GET', '/readyz')).status === 200, { timeoutMs: 20_000, what: 'apiserver ready' });
  agent.destroy();
  return { base, child, creds };
};

export const stopChild = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
};

/** Where the CPU went during `fn`: seconds of this process, the apiserver and etcd. */
export const cpuDuring = async <T>(api: Api, etcdPidValue: number | undefined, fn: () => Promise<T>) => {
  const pids = { apiserver: api.child.pid as number, etcd: etcdPidValue };
  const before = { self: process.cpuUsage(), api: cpuSeconds(pids.apiserver), etcd: pids.etcd ? cpuSeconds(pids.etcd) : 0 };
  const t0 = nowMs();
  const value = await fn();
  const self = process.cpuUsage(before.self);
  const cpu = {
    wallSeconds: round((nowMs() - t0) / 1000, 2), benchClientCpuSeconds: round((self.user + self.system) / 1e6, 2),
    apiserverCpuSeconds: round(cpuSeconds(pids.apiserver) - before.api, 2), etcdCpuSeconds: pids.etcd ? round(cpuSeconds(pids.etcd) - before.etcd, 2) : NaN,
  };
  return { value, cpu };
};

/** RSS plus the V8 heap and external memory the apiserver reports on /metrics (MiB). */
export const memory = async (api: Api): Promise<Record<string, number>> => {
  const agent = newAgent(api.creds, 1);
  const text = (await request(agent, api.base, 'GET', '/metrics')).body.toString();
  agent.destroy();
  const metric = (name: string) => round(Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20);
  return {
    rss: rssMiB(api.child.pid as number).rss, heapUsed: metric('nodejs_heap_size_used_bytes'),
    heapTotal: metric('nodejs_heap_size_total_bytes'), external: metric('nodejs_external_memory_bytes'),
  };
};

/** Has the apiserver write a heap snapshot into $BENCH_HEAP_SNAPSHOT (it was started with the signal flag), and waits for it. */
export const heapSnapshot = async (api: Api): Promise<void> => {
  const dir = process.env.BENCH_HEAP_SNAPSHOT as string;
  const before = fs.readdirSync(dir).length;
  api.child.kill('SIGUSR2');
  await waitFor(() => fs.readdirSync(dir).length > before && settled(dir), { timeoutMs: 120_000, intervalMs: 500, what: 'heap snapshot' });
};

/** No file in `dir` changed size over the last look (the snapshot is written in one go, then closed). */
const sizes = new Map<string, number>();
const settled = (dir: string): boolean => {
  let same = true;
  for (const f of fs.readdirSync(dir)) {
    const n = fs.statSync(path.join(dir, f)).size;
    if (sizes.get(f) !== n) same = false;
    sizes.set(f, n);
  }
  return same;
};

/** A load figure with the CPU the apiserver and etcd spent per operation (steadier than rates on a shared machine). */
export type CpuLoadResult = LoadResult & { apiserverCpuMsPerOp?: number; etcdCpuMsPerOp?: number; clientCpuMsPerOp?: number };

export const print = (what: string, r: CpuLoadResult) => {
  const cpu = r.etcdCpuMsPerOp === undefined ? ''
    : `  CPU/op ${r.apiserverCpuMsPerOp === undefined ? '' : `apiserver ${r.apiserverCpuMsPerOp} ms, `}etcd ${r.etcdCpuMsPerOp} ms, client ${r.clientCpuMsPerOp} ms`;
  say(`${what.padEnd(34)} c=${String(r.clients).padStart(2)} ${String(r.perSecond).padStart(6)}/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  (${r.ops} ops)${cpu}`);
};

/** Runs a load and adds the apiserver's and etcd's CPU milliseconds per operation. */
export const withCpu = async (api: Api, etcdPidValue: number | undefined, fn: () => Promise<LoadResult>): Promise<CpuLoadResult> => {
  const { value, cpu } = await cpuDuring(api, etcdPidValue, fn);
  const per = (s: number) => round((s * 1000) / Math.max(1, value.ops), 3);
  return { ...value, apiserverCpuMsPerOp: per(cpu.apiserverCpuSeconds), etcdCpuMsPerOp: per(cpu.etcdCpuSeconds), clientCpuMsPerOp: per(cpu.benchClientCpuSeconds) };
};

/** Waits (≤ 30 s) until a process uses under 3 % of a core over half a second. */
export const settle = async (pid: number | undefined): Promise<void> => {
  if (!pid) return;
  for (let i = 0; i < 60; i++) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuSeconds(pid) - before < 0.015) return;
  }
};

export const ensureNamespace = async (api: Api, name: string) => {
  const agent = newAgent(api.creds, 1);
  await request(agent, api.base, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  agent.destroy();
};

/**
 * Opens the agent's `clients` connections before a timed load: a TLS handshake with a client
 * certificate costs the server milliseconds, and 16 or 64 of them at a level's start would be
 * the p99 of a 3 s level (long-lived clients such as kubectl's and controllers' keep theirs).
 */
export const warm = async (api: Api, agent: https.Agent, clients: number, ns: string): Promise<void> => {
  await Promise.all(Array.from({ length: clients }, () => request(agent, api.base, 'GET', `/api/v1/namespaces/${ns}`)));
};

/** Creates `count` pods in `ns` with `clients` concurrent clients; `acked[i]` is when pod i's create returned. */
export const createPods = async (api: Api, ns: string, prefix: string, clients: number, count: number, maxMs: number, acked?: Float64Array): Promise<LoadResult> => {
  const agent = newAgent(api.creds, clients);
  await warm(api, agent, clients, ns);
  const r = await load(clients, count, maxMs, async (i) => {
    const res = await request(agent, api.base, 'POST', `/api/v1/namespaces/${ns}/pods`, benchPod(`${prefix}-${i}`, nowMs()));
    if (res.status !== 201) throw new Error(`create: ${res.status} ${res.body.toString().slice(0, 200)}`);
    if (acked) acked[i] = nowMs();
  });
  agent.destroy();
  return r;
};
