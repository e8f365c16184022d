// Cgroup planning: which directories a pod or container owns, which limit files to write, and
// how the container sees its cgroup. Two drivers behind one interface, chosen by detection:
// v1 (one hierarchy per controller; this machine) in cgroups-v1.ts and v2 (one unified
// hierarchy) in cgroups-v2.ts. Paths are "cgroupfs driver" style (`/berth/kubepods/pod<uid>/<id>`),
// relative to each hierarchy's mount, as runc's cgroupsPath expects.
import path from 'node:path';
import { invalidArgument } from './errors';
import type { OciResources } from './oci-spec';
import type { Syscalls } from './syscalls';

export const defaultCgroupRoot = '/sys/fs/cgroup';

/** One file to write: `<root>/<controller>/<cgroupPath>/<file>`; the controller is '' on v2. */
export interface CgroupWrite { controller: string; file: string; value: string }

/** One hierarchy as the container sees it: `/sys/fs/cgroup/<name>` bound from `hostDir` ('' on v2: the mount itself). */
export interface CgroupBind {
  /** Directory name under /sys/fs/cgroup: the hierarchy's mount point name (`memory`, `cpu,cpuacct`). */
  name: string;
  /** The container's own cgroup directory in that hierarchy on the host. */
  hostDir: string;
  /** Names linked to `name` when the host co-mounts controllers (`cpu` → `cpu,cpuacct`), as runc does. */
  links: string[];
}

export interface CgroupDriver {
  readonly version: 1 | 2;
  readonly root: string;
  /** The hierarchy directories under `root` a cgroup spans: one per v1 controller, [''] on v2. */
  readonly hierarchies: readonly string[];
  /** The limit files for OCI resources, in write order. */
  writes(r: OciResources | undefined): CgroupWrite[];
  /** What the container's /sys/fs/cgroup shows (runc's mountCgroupV1, or the v2 leaf). */
  binds(cgroupPath: string): CgroupBind[];
  /** Steps before the directories exist (v2: enable the controllers in every ancestor). */
  prepare(sys: Syscalls, cgroupPath: string): Promise<void>;
  /** How many processes of the cgroup the kernel OOM-killed. */
  oomKillCount(sys: Syscalls, cgroupPath: string): Promise<number>;
  /** Total CPU time of the cgroup, in nanoseconds. */
  cpuUsageNanos(sys: Syscalls, cgroupPath: string): Promise<number>;
}

/**
 * The pod's cgroup under the runtime's parent: the CRI `cgroup_parent` when the client sends one
 * (kubelet sends the pod cgroup itself, `/kubepods/burstable/pod<uid>`), else `pod<uid>`.
 */
export const podCgroupPath = (runtimeParent: string, uid: string, requestedParent?: string): string => {
  if (requestedParent && requestedParent.split('/').some((s) => s === '..')) {
    throw invalidArgument(`cgroup_parent "${requestedParent}" must not contain ".."`);
  }
  return path.posix.join('/', runtimeParent, requestedParent || `pod${uid}`);
};

export const containerCgroupPath = (podPath: string, containerId: string): string => path.posix.join(podPath, containerId);

/** The host directories of a cgroup path, one per hierarchy. */
export const cgroupDirs = (d: CgroupDriver, cgroupPath: string): string[] =>
  d.hierarchies.map((h) => path.posix.join(d.root, h, cgroupPath));

/** Creates the cgroup in every hierarchy, then writes the limits. Idempotent. */
export const createCgroup = async (sys: Syscalls, d: CgroupDriver, cgroupPath: string, writes: CgroupWrite[]): Promise<void> => {
  await d.prepare(sys, cgroupPath);
  for (const dir of cgroupDirs(d, cgroupPath)) await sys.mkdirCgroup(dir);
  for (const w of writes) await sys.writeCgroup(path.posix.join(d.root, w.controller, cgroupPath), w.file, w.value);
};

/** Removes the cgroup from every hierarchy (its processes must be gone). Idempotent. */
export const removeCgroup = async (sys: Syscalls, d: CgroupDriver, cgroupPath: string): Promise<void> => {
  for (const dir of cgroupDirs(d, cgroupPath)) await sys.rmdirCgroup(dir);
};

/**
 * Removes a cgroup subtree depth-first in every hierarchy, SIGKILLing any process still in it
 * (processes whose records were lost). For `berth down` and tests, not for the normal path.
 */
export const removeCgroupTree = async (sys: Syscalls, d: CgroupDriver, cgroupPath: string, waitMs = 2000): Promise<void> => {
  for (const dir of cgroupDirs(d, cgroupPath)) await removeTree(sys, dir, waitMs);
};

const removeTree = async (sys: Syscalls, dir: string, waitMs: number): Promise<void> => {
  for (const child of await sys.listCgroupChildren(dir)) await removeTree(sys, path.posix.join(dir, child), waitMs);
  const pids = () => sys.readCgroup(dir, 'cgroup.procs').then((t) => (t ?? '').split('\n').filter(Boolean).map(Number));
  for (let waited = 0; ; waited += 50) {
    const left = await pids();
    if (left.length === 0 || waited >= waitMs) break;
    for (const pid of left) sys.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
  await sys.rmdirCgroup(dir);
};

/** The first `key N` line of a flat-keyed cgroup file (memory.events, cpu.stat, memory.oom_control). */
export const keyedValue = (text: string | undefined, key: string): number => {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : 0;
};
