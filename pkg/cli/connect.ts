// The real CliDeps: a Client from the kubeconfig. pkg/client is required lazily so that
// `berthctl --help` and flag errors never pay for TLS and HTTP modules (start-up time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '../client/types';
import { createLogger } from '../log';
import { UsageError, type CliDeps, type Connection, type GlobalFlags } from './types';

/**
 * kubectl's lookup (--kubeconfig, $KUBECONFIG, ~/.kube/config), then — Berth's addition —
 * `$BERTH_HOME/kubeconfig`, which `berth up` writes, when none of those exists.
 */
export const defaultKubeconfig = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (flag || env.KUBECONFIG) return flag;
  const home = env.HOME ?? os.homedir();
  if (fs.existsSync(path.join(home, '.kube', 'config'))) return undefined;
  const berth = path.join(env.BERTH_HOME ?? path.join(home, '.berth'), 'kubeconfig');
  return fs.existsSync(berth) ? berth : undefined;
};

export const connect = async (globals: GlobalFlags): Promise<Connection> => {
  // The modules themselves, not the package index, which also loads informers, leader election, events… (start-up).
  const { loadKubeconfig } = await import('../client/kubeconfig');
  const { createClient } = await import('../client/rest');
  const config = loadKubeconfig({ path: defaultKubeconfig(globals.kubeconfig), context: globals.context });
  const timeoutMs = globals.requestTimeout ? requestTimeoutMs(globals.requestTimeout) : undefined;
  // No client-side token bucket: berthctl sends one request at a time, the apiserver's 429 +
  // Retry-After is the back-pressure, and kubectl measured here is not held to a bucket either
  // (200-object `apply` at ~100 requests/s); a 50/100 bucket made that apply 1.6× kubectl's wall time.
  const client = createClient({ ...config, qps: -1, ...(timeoutMs ? { timeoutMs } : {}), userAgent: config.userAgent ?? `berthctl/v1.33.0-berth (${process.platform}/${process.arch})` });
  return { client: (globals.v ?? 0) >= 6 ? withRequestLog(client, globals.v ?? 0) : client, namespace: config.namespace || 'default' };
};

/** --request-timeout: `30s`, `1m`, or plain seconds; 0 means the client default. */
const requestTimeoutMs = (value: string): number => {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!m) throw new UsageError(`invalid argument "${value}" for "--request-timeout" flag: time: invalid duration "${value}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
};

/** -v=6 and up: one line per request with its outcome and duration (kubectl's round_trippers.go). */
export const withRequestLog = (client: Client, verbosity: number, write?: (line: string) => void): Client => {
  const log = createLogger('berthctl', { verbosity, write });
  const timed = async <R>(what: string, fn: () => Promise<R>): Promise<R> => {
    const start = Date.now();
    try {
      const r = await fn();
      log.v(6, `${what} OK`, { ms: Date.now() - start });
      return r;
    } catch (err) {
      log.v(6, `${what} failed`, { ms: Date.now() - start, err });
      throw err;
    }
  };
  return {
    config: client.config,
    resource: (info) => client.resource(info),
    request: (method, p, opts) => timed(`${method} ${client.config.server}${p}`, () => client.request(method, p, opts)),
    stream: (p, opts) => timed(`GET ${client.config.server}${p}`, () => client.stream(p, opts)),
  };
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
  const timer = setTimeout(done, ms);
  signal.addEventListener('abort', done, { once: true });
});

/** Runs a program with the terminal attached (the editor), or with its output captured. */
const spawnProgram = async (cmd: string, args: string[], opts: { capture?: boolean } = {}): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
};

export const realDeps = (): CliDeps => ({
  connect, sleep, now: () => new Date(),
  host: { env: process.env, isTTY: process.stderr.isTTY === true, spawn: spawnProgram },
});
