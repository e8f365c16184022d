// cgroup v1: one hierarchy per controller under /sys/fs/cgroup/<controller> (this machine).
// Files as runc's libcontainer/cgroups/fs writes them.
import fs from 'node:fs';
import path from 'node:path';
import { defaultCgroupRoot, keyedValue, type CgroupBind, type CgroupDriver, type CgroupWrite } from './cgroups';
import type { OciDeviceRule, OciResources } from './oci-spec';
import { errnoCode } from './state';

/** The v1 controllers a pod and its containers are placed in. */
export const v1Controllers = ['cpu', 'cpuacct', 'memory', 'pids', 'devices'] as const;

/** `c 1:3 rwm`, with `*` for an omitted type, major or minor (devices.allow / devices.deny syntax). */
export const deviceRule = (r: OciDeviceRule): string =>
  `${r.type ?? 'a'} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access ?? 'rwm'}`;

/**
 * The limit files, in write order: memory; period before quota (the kernel rejects a quota that
 * does not fit the current period); pids; device rules last, deny before allow.
 */
export const v1Writes = (r: OciResources | undefined): CgroupWrite[] => {
  const w: CgroupWrite[] = [];
  if (r?.memory?.limit) w.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: String(r.memory.limit) });
  if (r?.cpu?.shares) w.push({ controller: 'cpu', file: 'cpu.shares', value: String(r.cpu.shares) });
  if (r?.cpu?.period) w.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(r.cpu.period) });
  if (r?.cpu?.quota) w.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(r.cpu.quota) });
  if (r?.pids?.limit && r.pids.limit > 0) w.push({ controller: 'pids', file: 'pids.max', value: String(r.pids.limit) });
  for (const d of r?.devices ?? []) w.push({ controller: 'devices', file: d.allow ? 'devices.allow' : 'devices.deny', value: deviceRule(d) });
  return w;
};

/**
 * The hierarchy name of a controller on this host: `<root>/cpu` is a symlink to `cpu,cpuacct` where
 * the two are co-mounted (Debian, systemd). A missing path (unit tests' fake roots) is the controller.
 */
export const hostHierarchyOf = (root = defaultCgroupRoot) => (controller: string): string => {
  try {
    return path.basename(fs.realpathSync(path.join(root, controller)));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return controller;
    throw err;
  }
};

/**
 * The binds for the container's `/sys/fs/cgroup` (runc libcontainer/rootfs_linux.go mountCgroupV1):
 * one per hierarchy the container joins. `hierarchyOf` maps a controller to its hierarchy's name.
 */
export const v1Binds = (cgroupPath: string, hierarchyOf: (c: string) => string, root: string): CgroupBind[] => {
  const names = [...new Set(v1Controllers.map(hierarchyOf))];
  return names.map((name) => ({
    name,
    hostDir: path.posix.join(root, name, cgroupPath),
    links: name.includes(',') ? name.split(',') : [],
  }));
};

export const cgroupV1 = (root = defaultCgroupRoot, hierarchyOf: (c: string) => string = (c) => c): CgroupDriver => ({
  version: 1,
  root,
  hierarchies: v1Controllers,
  writes: v1Writes,
  binds: (p) => v1Binds(p, hierarchyOf, root),
  prepare: async () => undefined,
  // memory.oom_control counts the kills of this cgroup's processes (`oom_kill N`, kernels ≥ 4.13).
  oomKillCount: async (sys, p) => keyedValue(await sys.readCgroup(path.posix.join(root, 'memory', p), 'memory.oom_control'), 'oom_kill'),
  cpuUsageNanos: async (sys, p) => Number((await sys.readCgroup(path.posix.join(root, 'cpuacct', p), 'cpuacct.usage'))?.trim() ?? 0),
});
