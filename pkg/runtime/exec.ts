// Exec into running containers and connect into pod network namespaces, through berth-shim's
// `exec` and `port-forward` (native/exec.c): the helper joins the container's namespaces and
// cgroups, and its stdio becomes the process's (or, with a TTY, is relayed to a pty it allocated).
// ExecSync collects the output; the streaming server (streaming-server.ts) wires the same
// processes to WebSocket channels.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Logger } from '../log';
import type { ContainerStatus } from './cri-types';
import { CriError, failedPrecondition } from './errors';
import type { ExecSyncResponse } from './exec-cri-types';
import type { ContainerRecord, RuntimeLayout } from './state';

/** CVE-2022-1708: ExecSync output is capped; the rest is discarded and the command goes on. */
export const maxExecSyncOutput = 16 << 20;

/** One line of the helper's fd-3 report. */
export type HelperReport =
  | { kind: 'exit'; exitCode: number }
  | { kind: 'connected'; port: number }
  | { kind: 'error'; errno: number; op: string; path: string; message: string };

export const parseHelperReport = (text: string): HelperReport[] => text.split('\n').filter((l) => l.trim() !== '').map((line): HelperReport => {
  const v = JSON.parse(line) as Record<string, unknown>;
  if (typeof v.exitCode === 'number') return { kind: 'exit', exitCode: v.exitCode };
  if (typeof v.connected === 'number') return { kind: 'connected', port: v.connected };
  return { kind: 'error', errno: Number(v.errno ?? 0), op: String(v.op ?? ''), path: String(v.path ?? ''), message: String(v.message ?? line) };
});

/** How an exec ended: the exit code, or why it could not run at all. */
export interface ExecOutcome {
  exitCode: number;
  timedOut: boolean;
  /** The process could not be started (exec of a missing file, setns refused…): the helper's message. */
  startError?: string;
  /** The helper itself failed before the process existed. */
  helperError?: string;
}

/** What a report says about the exec: the exit code, timeout, or the failure before exec. */
export const execOutcome = (reports: HelperReport[], helperExit: number | null): ExecOutcome => {
  const exit = reports.find((r): r is Extract<HelperReport, { kind: 'exit' }> => r.kind === 'exit');
  const errors = reports.filter((r): r is Extract<HelperReport, { kind: 'error' }> => r.kind === 'error');
  const timedOut = errors.some((e) => e.op === 'timeout');
  const failure = errors.find((e) => e.op !== 'timeout');
  const describe = (e: Extract<HelperReport, { kind: 'error' }>) => `${e.op} ${e.path}: ${e.message}`.replace(/ : /, ': ');
  if (!exit) return { exitCode: -1, timedOut, helperError: failure ? describe(failure) : `berth-shim exec exited with ${helperExit}` };
  return { exitCode: exit.exitCode, timedOut, ...(failure ? { startError: describe(failure) } : {}) };
};

/** A running helper: the process's streams, a resize channel (TTY only) and its outcome. */
export interface ExecProcess {
  stdin: Writable | null;
  stdout: Readable;
  /** null with a TTY: stdout and stderr are one stream. */
  stderr: Readable | null;
  resize(width: number, height: number): void;
  /** Kills the helper; it kills the process (SIGTERM → SIGKILL of the child). */
  kill(): void;
  outcome: Promise<ExecOutcome>;
}

export interface ExecOptions { tty?: boolean; stdin?: boolean; timeoutSeconds?: number }

export type Spawner = (file: string, args: string[], stdio: ('pipe' | 'ignore')[]) => ChildProcess;
const realSpawn: Spawner = (file, args, stdio) => spawn(file, args, { stdio });

/** Collects at most `cap` bytes and drains (discards) the rest. */
export const collectCapped = (stream: Readable, cap = maxExecSyncOutput): Promise<Buffer> => new Promise((resolve, reject) => {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (c: Buffer) => {
    if (size >= cap) return;
    const keep = c.subarray(0, cap - size);
    chunks.push(keep);
    size += keep.length;
  });
  stream.on('error', reject);
  stream.on('close', () => resolve(Buffer.concat(chunks)));
});

export interface ExecDeps {
  helper: string;
  layout: RuntimeLayout;
  /** The container record and its CRI status (ContainerManager's get/status). */
  containers: { get(id: string): Promise<ContainerRecord>; status(id: string): Promise<ContainerStatus> };
  log: Logger;
  spawn?: Spawner;
}

export class ExecService {
  private readonly spawn: Spawner;
  constructor(private readonly d: ExecDeps) { this.spawn = d.spawn ?? realSpawn; }

  /** The pid and exec.spec of a running container; FAILED_PRECONDITION otherwise (as containerd). */
  async target(id: string): Promise<{ pid: number; spec: string }> {
    const rec = await this.d.containers.get(id);
    const st = await this.d.containers.status(id);
    if (st.state !== 'CONTAINER_RUNNING' || !rec.pid) throw failedPrecondition(`container "${id}" is not running (state ${st.state})`);
    return { pid: rec.pid, spec: path.join(this.d.layout.containerDir(id), 'exec.spec') };
  }

  /** Starts `cmd` in the container; the caller wires the streams. */
  async start(id: string, cmd: string[], o: ExecOptions = {}): Promise<ExecProcess> {
    if (cmd.length === 0) throw new CriError(grpcStatus.INVALID_ARGUMENT, 'exec: the command must not be empty');
    const t = await this.target(id);
    const args = ['exec', '--pid', String(t.pid), '--spec', t.spec, ...(o.tty ? ['--tty'] : []),
      ...(o.timeoutSeconds ? ['--timeout', String(o.timeoutSeconds)] : []), '--', ...cmd];
    const child = this.spawn(this.d.helper, args, [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe', ...(o.tty ? ['pipe' as const] : [])]);
    this.d.log.v(2, 'exec started', { container: id, cmd: cmd.join(' '), tty: !!o.tty });
    return wrapHelper(child, !!o.tty);
  }

  /** ExecSync: runs to completion (or the timeout) and returns the capped output. */
  async execSync(id: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    const p = await this.start(id, cmd, { timeoutSeconds });
    const [stdout, stderr, outcome] = await Promise.all([collectCapped(p.stdout), collectCapped(p.stderr as Readable), p.outcome]);
    if (outcome.timedOut) throw new CriError(grpcStatus.DEADLINE_EXCEEDED, `command "${cmd.join(' ')}" timed out after ${timeoutSeconds}s`);
    if (outcome.helperError) throw new CriError(grpcStatus.UNKNOWN, `exec in container "${id}" failed: ${outcome.helperError}`);
    // A command that cannot be started exits 126/127 with the reason on stderr, as a shell reports it.
    const err = outcome.startError ? Buffer.concat([stderr, Buffer.from(`${outcome.startError}\n`)]) : stderr;
    return { stdout, stderr: err, exitCode: outcome.exitCode };
  }

  /**
   * Connects to `port` on the loopback of the pod network namespace `netns`. Resolves once
   * connected; rejects with the helper's reason (connection refused…) otherwise.
   */
  async portForward(netns: string, port: number): Promise<ExecProcess> {
    const child = this.spawn(this.d.helper, ['port-forward', '--netns', netns, '--port', String(port)], ['pipe', 'pipe', 'pipe', 'pipe']);
    let connected: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => { connected = resolve; });
    const p = wrapHelper(child, false, (r) => { if (r.kind === 'connected') connected(); });
    const first = await Promise.race([ready.then(() => undefined), p.outcome]);
    if (first) throw new CriError(grpcStatus.UNAVAILABLE, `port-forward to port ${port}: ${first.helperError ?? first.startError ?? 'helper exited'}`);
    return p;
  }
}

/** Splits a stream into lines and calls `onLine` for each complete one; resolves with all lines at close. */
const readLines = (stream: Readable, onLine: (line: string) => void): Promise<string> => new Promise((resolve, reject) => {
  let buf = '';
  let all = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => {
    buf += c;
    all += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim() !== '') onLine(line);
    }
  });
  stream.on('error', reject);
  stream.on('close', () => resolve(all));
});

/** Wraps a helper child: its fd-3 report lines go to `onReport` as they come and make up the outcome. */
const wrapHelper = (child: ChildProcess, tty: boolean, onReport?: (r: HelperReport) => void): ExecProcess => {
  const stdio = child.stdio as (Readable | Writable | null)[];
  const report = readLines(stdio[3] as Readable, (line) => { for (const r of parseHelperReport(line)) onReport?.(r); });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  if (tty) child.stderr?.resume(); // unused with a TTY; drained so that 'close' comes
  const outcome = Promise.all([report, exited]).then(([text, code]) => {
    const reports = parseHelperReport(text);
    if (code === 0 && reports.some((r) => r.kind === 'connected')) return { exitCode: 0, timedOut: false };
    return execOutcome(reports, code);
  });
  const resizeFd = tty ? (stdio[4] as Writable) : null;
  resizeFd?.on('error', () => undefined); // the helper is gone; its outcome says why
  return {
    stdin: child.stdin, stdout: child.stdout as Readable, stderr: tty ? null : (child.stderr as Readable),
    resize: (width, height) => { if (resizeFd && width > 0 && height > 0) resizeFd.write(`${height} ${width}\n`); },
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); },
    outcome,
  };
};
