// `berth server`: starts the components in order as child processes, each logging to
// $BERTH_HOME/logs/<name>.log, restarts any that exits with back-off, and stops them in
// reverse order when its signal aborts.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import type { ComponentSpec } from './components';

interface Running { spec: ComponentSpec; child?: ChildProcess; restarts: number; exited: Promise<void> }

export interface SupervisorOptions {
  specs: ComponentSpec[];
  logDir: string;
  log: Logger;
  readyTimeoutMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

const waitReady = async (spec: ComponentSpec, timeoutMs: number, signal: AbortSignal): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted) {
    if (await spec.ready()) return;
    if (Date.now() > deadline) throw new Error(`${spec.name} did not become ready within ${timeoutMs / 1000}s`);
    await sleep(100, signal);
  }
};

const startChild = (r: Running, logDir: string, log: Logger, signal: AbortSignal): void => {
  const out = fs.openSync(path.join(logDir, `${r.spec.name}.log`), 'a');
  const child = spawn(r.spec.command, r.spec.args, { stdio: ['ignore', out, out], env: r.spec.env ?? process.env });
  fs.closeSync(out);
  r.child = child;
  log.info('started component', { component: r.spec.name, pid: child.pid });
  r.exited = new Promise((resolve) => child.once('exit', (code, sig) => {
    if (signal.aborted) { resolve(); return; }
    r.restarts++;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(r.restarts, 6));
    log.warn('component exited; restarting', { component: r.spec.name, code, signal: sig, restarts: r.restarts, delayMs: delay });
    resolve();
    void sleep(delay, signal).then(() => { if (!signal.aborted) startChild(r, logDir, log, signal); });
  }));
};

const stopChild = async (r: Running, log: Logger): Promise<void> => {
  const child = r.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killed = await Promise.race([gone.then(() => false), sleep(10_000).then(() => true)]);
  if (killed) { child.kill('SIGKILL'); await gone; }
  log.info('stopped component', { component: r.spec.name });
};

/** Runs until `signal` aborts; throws if a component never becomes ready. */
export const runSupervisor = async (opts: SupervisorOptions, signal: AbortSignal): Promise<void> => {
  fs.mkdirSync(opts.logDir, { recursive: true });
  const running: Running[] = [];
  try {
    for (const spec of opts.specs) {
      if (signal.aborted) break;
      const r: Running = { spec, restarts: 0, exited: Promise.resolve() };
      running.push(r);
      startChild(r, opts.logDir, opts.log, signal);
      await waitReady(spec, opts.readyTimeoutMs ?? 60_000, signal);
      opts.log.info('component ready', { component: spec.name });
    }
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    for (const r of [...running].reverse()) await stopChild(r, opts.log);
  }
};
