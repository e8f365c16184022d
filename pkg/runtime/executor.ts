// Which program turns a bundle into a running process: berth-shim's own `run` (native), or runc or
// crun (Debian's packages) under `berth-shim oci-run`, which gives them the same log relay, pid file
// and exit file. The bundle is the same in every case: config.json (read by runc and crun) and its
// flattened exec.spec (read by berth-shim). Every command line is decided here; the shim replays.
import path from 'node:path';
import { invalidArgument } from './errors';

export const executors = ['native', 'runc', 'crun'] as const;
export type Executor = (typeof executors)[number];

export const isExecutor = (v: string): v is Executor => (executors as readonly string[]).includes(v);

/** The executor for a sandbox's CRI runtime handler ('' = the runtime's default), as containerd maps handlers to runtimes. */
export const executorForHandler = (handler: string | undefined, fallback: Executor): Executor => {
  if (!handler) return fallback;
  if (isExecutor(handler)) return handler;
  throw invalidArgument(`no runtime for "${handler}" is configured (known: ${executors.join(', ')})`);
};

export interface ExecutorSettings {
  /** For containers of sandboxes without a runtime handler. */
  default: Executor;
  runc: string;
  crun: string;
  /** runc/crun keep their container state under <stateRoot>/<executor>. */
  stateRoot: string;
  /** Whether crun needs the empty cgroup v2 mount hidden (a hybrid v1 host; see below). */
  hideCgroupV2: boolean;
}

export const defaultExecutorSettings = (runtimeRoot: string, executor: Executor = 'native', hideCgroupV2 = false): ExecutorSettings =>
  ({ default: executor, runc: '/usr/sbin/runc', crun: '/usr/bin/crun', stateRoot: runtimeRoot, hideCgroupV2 });

/**
 * crun 1.8 refuses the hybrid cgroup layout ("cgroups in hybrid mode not supported, drop all
 * controllers from cgroupv2") while the empty v2 mount is visible; it runs when that mount is hidden
 * in a private mount namespace (machine-limits.md). runc accepts the layout as it is.
 */
export const hybridCgroupV2Mount = '/sys/fs/cgroup/unified';

/**
 * What the shim needs to start a container. `stdin` / `resize` are the attach FIFOs (berth-shim
 * makes them) for a container with stdin or a TTY: native executor only.
 */
export interface StartFiles {
  bundle: string; id: string; log: string; exitFile: string; pidFile: string;
  tty?: boolean; stdin?: string; stdinOnce?: boolean; resize?: string;
}

/** The attach FIFOs of a container's bundle (stdin, and resize with a TTY). */
export const attachFifos = (bundle: string) => ({ stdin: path.join(bundle, 'attach-stdin'), resize: path.join(bundle, 'attach-resize') });

const stdioArgs = (f: StartFiles): string[] => [
  ...(f.tty ? ['--tty'] : []), ...(f.stdin ? ['--stdin', f.stdin] : []), ...(f.stdin && f.stdinOnce ? ['--stdin-once'] : []),
  ...(f.tty && f.resize ? ['--resize', f.resize] : []),
];

/** The global flags of an OCI runtime: its state root and a JSON error log in the bundle. */
const globalFlags = (executor: 'runc' | 'crun', p: ExecutorSettings, bundle: string): string[] =>
  ['--root', path.join(p.stateRoot, executor), '--log', path.join(bundle, `${executor}.log`), '--log-format', 'json'];

/** berth-shim arguments that start the container of `f.bundle` under `executor`. */
export const startArgs = (executor: Executor, f: StartFiles, p?: ExecutorSettings): string[] => {
  if (executor === 'native') {
    return ['run', '--bundle', f.bundle, '--id', f.id, '--log', f.log, '--exit-file', f.exitFile, '--pid-file', f.pidFile, ...stdioArgs(f)];
  }
  if (!p) throw new Error(`executor ${executor} needs ExecutorSettings`);
  const umount = executor === 'crun' && p.hideCgroupV2 ? ['--umount', hybridCgroupV2Mount] : [];
  return ['oci-run', '--log', f.log, '--exit-file', f.exitFile, '--pid-file', f.pidFile, ...umount, '--',
    p[executor], ...globalFlags(executor, p, f.bundle), 'run', '--detach', '--pid-file', f.pidFile, '--bundle', f.bundle, f.id];
};

/**
 * The command that removes the OCI runtime's state of a container (nothing for native). crun runs
 * under `unshare -m` with the v2 mount hidden, for the same reason as at start.
 */
export const deleteCommand = (executor: Executor, bundle: string, id: string, p?: ExecutorSettings): { file: string; args: string[] } | undefined => {
  if (executor === 'native' || !p) return undefined;
  const args = [...globalFlags(executor, p, bundle), 'delete', '--force', id];
  if (executor === 'crun' && p.hideCgroupV2) {
    return { file: 'unshare', args: ['-m', 'sh', '-c', `umount ${hybridCgroupV2Mount}; exec "$0" "$@"`, p.crun, ...args] };
  }
  return { file: p[executor], args };
};

/** The last error an OCI runtime wrote to its JSON log (`{"level":"error","msg":...}` lines), for messages. */
export const lastRuntimeError = (logText: string): string | undefined => {
  const lines = logText.split('\n').filter((l) => l.trim() !== '').reverse();
  for (const line of lines) {
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === 'object' && v !== null && 'msg' in v && typeof v.msg === 'string' && (!('level' in v) || v.level === 'error')) return v.msg;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return line; // crun writes plain text before --log-format takes effect
    }
  }
  return undefined;
};

/**
 * The mounted cgroup hierarchies beyond `ours` (v1 hosts: blkio, cpuset, freezer, systemd, the
 * hybrid v2 mount…). runc and crun create the container's cgroup path in every one of them, so
 * whoever removes their containers removes those directories too.
 */
export const foreignHierarchies = (mountinfo: string, root: string, ours: readonly string[]): string[] => {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right || !/^cgroup2? /.test(right)) continue;
    const point = left.split(' ')[4];
    if (path.posix.dirname(point) !== root) continue;
    const name = path.posix.basename(point);
    if (!ours.includes(name)) out.push(name);
  }
  return out;
};

/**
 * Removes `cgroupPath` and then its ancestors, `levels` deep, from each foreign hierarchy. A
 * directory still in use (another container's, or processes left) stops the climb in that
 * hierarchy; cleanupAll removes whatever remains with the whole tree.
 */
export const removeForeignCgroups = async (rmdir: (dir: string) => Promise<void>, root: string, hierarchies: string[], cgroupPath: string, levels: number): Promise<void> => {
  for (const h of hierarchies) {
    let p = cgroupPath;
    for (let i = 0; i <= levels && p !== '/' && p !== '.'; i++, p = path.posix.dirname(p)) {
      try {
        await rmdir(path.posix.join(root, h, p));
      } catch (err) {
        const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
        if (code === 'EBUSY' || code === 'ENOTEMPTY') break;
        throw err;
      }
    }
  }
};
