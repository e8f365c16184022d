// cgroup v1 planning: which directories a pod or container owns and which limit files to write.
// Paths are "cgroupfs driver" style (`/berth/pod<uid>/<containerId>`), relative to each
// controller's mount, as runc's cgroupsPath expects.
import fs from 'node:fs';
import path from 'node:path';
import type { LinuxContainerResources } from './cri-types';
import { errnoCode } from './state';
import type { Syscalls } from './syscalls';

/** The v1 controllers a pod and its containers are placed in. */
export const cgroupControllers = ['cpu', 'cpuacct', 'memory', 'pids'] as const;
export type CgroupController = (typeof cgroupControllers)[number];

export const defaultCgroupRoot = '/sys/fs/cgroup';

export interface CgroupWrite { controller: CgroupController; file: string; value: string }

/** `/berth` + optional cgroup parent from the pod config + `pod<uid>`. */
export const podCgroupPath = (runtimeParent: string, uid: string, requestedParent?: string): string => {
  const parent = requestedParent ? path.posix.join('/', runtimeParent, requestedParent) : path.posix.join('/', runtimeParent);
  return path.posix.join(parent, `pod${uid}`);
};

export const containerCgroupPath = (podPath: string, containerId: string): string => path.posix.join(podPath, containerId);

/** The host directories of a cgroup path, one per controller. */
export const cgroupDirs = (cgroupPath: string, root = defaultCgroupRoot): string[] =>
  cgroupControllers.map((c) => path.posix.join(root, c, cgroupPath));

/** One v1 hierarchy as the container sees it: `/sys/fs/cgroup/<name>` bound from `hostDir`. */
export interface CgroupBind {
  /** Directory name under /sys/fs/cgroup: the hierarchy's mount point name (`memory`, `cpu,cpuacct`). */
  name: string;
  /** The container's own cgroup directory in that hierarchy on the host. */
  hostDir: string;
  /** Names linked to `name` when the host co-mounts controllers (`cpu` → `cpu,cpuacct`), as runc does. */
  links: string[];
}

/**
 * The binds for the container's `/sys/fs/cgroup` (runc libcontainer/rootfs_linux.go mountCgroupV1):
 * one per hierarchy the container joins. `hierarchyOf` maps a controller to its hierarchy's name.
 */
export const cgroupBinds = (cgroupPath: string, hierarchyOf: (c: CgroupController) => string = (c) => c, root = defaultCgroupRoot): CgroupBind[] => {
  const names = [...new Set(cgroupControllers.map(hierarchyOf))];
  return names.map((name) => ({
    name,
    hostDir: path.posix.join(root, name, cgroupPath),
    links: name.includes(',') ? name.split(',') : [],
  }));
};

/**
 * The hierarchy name of a controller on this host: `<root>/cpu` is a symlink to `cpu,cpuacct` where
 * the two are co-mounted (Debian, systemd). A missing path (unit tests' fake roots) is the controller.
 */
export const hostHierarchyOf = (root = defaultCgroupRoot) => (controller: CgroupController): string => {
  try {
    return path.basename(fs.realpathSync(path.join(root, controller)));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return controller;
    throw err;
  }
};

/**
 * The limit files for CRI resources, in write order (period before quota: the kernel rejects a
 * quota that does not fit the current period). Zero means "not set", as in the CRI.
 */
export const resourceWrites = (r: LinuxContainerResources | undefined, pidsLimit?: number): CgroupWrite[] => {
  const w: CgroupWrite[] = [];
  if (r?.memoryLimitInBytes) w.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: String(r.memoryLimitInBytes) });
  if (r?.cpuShares) w.push({ controller: 'cpu', file: 'cpu.shares', value: String(r.cpuShares) });
  if (r?.cpuPeriod) w.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(r.cpuPeriod) });
  if (r?.cpuQuota) w.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(r.cpuQuota) });
  if (pidsLimit && pidsLimit > 0) w.push({ controller: 'pids', file: 'pids.max', value: String(pidsLimit) });
  return w;
};

/** Creates the cgroup in every controller, then writes the limits. Idempotent. */
export const createCgroup = async (sys: Syscalls, cgroupPath: string, writes: CgroupWrite[], root = defaultCgroupRoot): Promise<void> => {
  for (const dir of cgroupDirs(cgroupPath, root)) await sys.mkdirCgroup(dir);
  for (const w of writes) await sys.writeCgroup(path.posix.join(root, w.controller, cgroupPath), w.file, w.value);
};

/** Removes the cgroup from every controller (its processes must be gone). Idempotent. */
export const removeCgroup = async (sys: Syscalls, cgroupPath: string, root = defaultCgroupRoot): Promise<void> => {
  for (const dir of cgroupDirs(cgroupPath, root)) await sys.rmdirCgroup(dir);
};

/** The kernel's OOM-kill count for the cgroup (memory.oom_control `oom_kill N`, kernels ≥ 4.13). */
export const oomKillCount = async (sys: Syscalls, cgroupPath: string, root = defaultCgroupRoot): Promise<number> => {
  const text = await sys.readCgroup(path.posix.join(root, 'memory', cgroupPath), 'memory.oom_control');
  const m = /^oom_kill (\d+)$/m.exec(text ?? '');
  return m ? Number(m[1]) : 0;
};

/**
 * Removes a cgroup subtree depth-first in every controller, SIGKILLing any process still in it
 * (processes whose records were lost). For `berth down` and tests, not for the normal path.
 */
export const removeCgroupTree = async (sys: Syscalls, cgroupPath: string, root = defaultCgroupRoot, waitMs = 2000): Promise<void> => {
  for (const controller of cgroupControllers) {
    await removeTree(sys, path.posix.join(root, controller, cgroupPath), waitMs);
  }
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
