// The seam between the runtime's planning code and the host (youki's `Syscall` trait): every
// mount, cgroup write, helper spawn and external command goes through this interface, so the
// planning in sandbox.ts and containers.ts is unit-tested with the recording fake below.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { runShim, type ShimReport } from './shim-client';
import { errnoCode } from './state';

export interface MountRequest { source: string; target: string; type: string; options: string[] }

export interface ExecResult { stdout: string; stderr: string }
export interface ExecOptions { input?: string; env?: NodeJS.ProcessEnv }

export interface Syscalls {
  /** `mount -t type -o options source target`. */
  mount(m: MountRequest): Promise<void>;
  /** Unmounts `target`; a path that is not mounted (or does not exist) is not an error. */
  umount(target: string): Promise<void>;
  /** mkdir -p of a cgroup directory. */
  mkdirCgroup(dir: string): Promise<void>;
  writeCgroup(dir: string, file: string, value: string): Promise<void>;
  readCgroup(dir: string, file: string): Promise<string | undefined>;
  /** rmdir of a cgroup directory; a missing directory is not an error. */
  rmdirCgroup(dir: string): Promise<void>;
  /** Names of the child cgroups of `dir` (empty when it does not exist). */
  listCgroupChildren(dir: string): Promise<string[]>;
  /** Runs berth-shim with these arguments and returns its report (see shim-client.ts). */
  spawnHelper(args: string[]): Promise<ShimReport>;
  /** Runs an external program (CNI plugins, ip); rejects with its stderr on a non-zero exit. */
  exec(file: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Sends a signal; false when the process does not exist. */
  kill(pid: number, signal: NodeJS.Signals | 0): boolean;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly code = 'BERTH_ERR_COMMAND';
  constructor(readonly command: string, readonly exitCode: number | string | undefined, readonly stdout: string, readonly stderr: string) {
    super(`${command} failed (${exitCode}): ${(stderr || stdout).trim()}`);
  }
}

const run = (file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> =>
  new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: opts.env ?? process.env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new CommandError([file, ...args].join(' '), err.code ?? undefined, stdout, stderr));
      else resolve({ stdout, stderr });
    });
    // A program that never reads stdin (ip) may exit first; its EPIPE is not our failure.
    child.stdin?.on('error', (err) => { if (errnoCode(err) !== 'EPIPE') reject(err); });
    child.stdin?.end(opts.input ?? '');
  });

/** True when `target` is a mount point (a line of /proc/self/mountinfo has it as its mount point). */
export const isMountPoint = (target: string): boolean => {
  const esc = target.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === esc);
};

const isErrno = (err: unknown, code: string): boolean => errnoCode(err) === code;

/** The real host. `helper` is the path of berth-shim. */
export const hostSyscalls = (helper: string): Syscalls => ({
  mount: async (m) => { await run('mount', ['-t', m.type, ...(m.options.length ? ['-o', m.options.join(',')] : []), m.source, m.target]); },
  umount: async (target) => {
    // A stacked mount needs one umount per layer; stop when the path is no longer a mount point.
    for (let i = 0; i < 8 && fs.existsSync(target) && isMountPoint(target); i++) await run('umount', [target]);
  },
  mkdirCgroup: async (dir) => { await fs.promises.mkdir(dir, { recursive: true }); },
  writeCgroup: async (dir, file, value) => { await fs.promises.writeFile(`${dir}/${file}`, value); },
  readCgroup: async (dir, file) => {
    try {
      return await fs.promises.readFile(`${dir}/${file}`, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  },
  rmdirCgroup: async (dir) => {
    try {
      await fs.promises.rmdir(dir);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  },
  listCgroupChildren: async (dir) => {
    try {
      return (await fs.promises.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  },
  spawnHelper: (args) => runShim(helper, args),
  exec: run,
  kill: (pid, signal) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch (err) {
      if (isErrno(err, 'ESRCH')) return false;
      throw err;
    }
  },
});

export type RecordedCall =
  | { op: 'mount'; req: MountRequest }
  | { op: 'umount' | 'mkdirCgroup' | 'rmdirCgroup'; path: string }
  | { op: 'writeCgroup'; path: string; value: string }
  | { op: 'spawnHelper'; args: string[] }
  | { op: 'exec'; file: string; args: string[]; input?: string; env?: NodeJS.ProcessEnv }
  | { op: 'kill'; pid: number; signal: NodeJS.Signals | 0 };

/**
 * A fake host that records every call and answers from tables, for unit tests of the planning.
 * `execResults` maps a program path to its stdout; `helperReports` are returned in order.
 */
export class RecordingSyscalls implements Syscalls {
  readonly calls: RecordedCall[] = [];
  readonly cgroupFiles = new Map<string, string>();
  readonly cgroupChildren = new Map<string, string[]>();
  execResults = new Map<string, string>();
  helperReports: ShimReport[] = [];
  alive = new Set<number>();

  async mount(req: MountRequest) { this.calls.push({ op: 'mount', req }); }
  async umount(path: string) { this.calls.push({ op: 'umount', path }); }
  async mkdirCgroup(path: string) { this.calls.push({ op: 'mkdirCgroup', path }); }
  async writeCgroup(dir: string, file: string, value: string) {
    this.calls.push({ op: 'writeCgroup', path: `${dir}/${file}`, value });
    this.cgroupFiles.set(`${dir}/${file}`, value);
  }
  async readCgroup(dir: string, file: string) { return this.cgroupFiles.get(`${dir}/${file}`); }
  async rmdirCgroup(path: string) { this.calls.push({ op: 'rmdirCgroup', path }); }
  async listCgroupChildren(dir: string) { return this.cgroupChildren.get(dir) ?? []; }
  async spawnHelper(args: string[]) {
    this.calls.push({ op: 'spawnHelper', args });
    return this.helperReports.shift() ?? {};
  }
  async exec(file: string, args: string[], opts: ExecOptions = {}) {
    this.calls.push({ op: 'exec', file, args, input: opts.input, env: opts.env });
    return { stdout: this.execResults.get(file) ?? '', stderr: '' };
  }
  kill(pid: number, signal: NodeJS.Signals | 0) {
    this.calls.push({ op: 'kill', pid, signal });
    return this.alive.has(pid);
  }
  ops(): string[] { return this.calls.map((c) => c.op); }
}
