// cgroup v2: one unified hierarchy. Files as runc's libcontainer/cgroups/fs2 writes them; the
// conversions (shares → weight, quota/period → cpu.max) are runc's. Not reachable on this machine
// (its v2 mount has no controllers), so it is unit-tested against a fake cgroupfs tree.
// Device rules need an eBPF program on v2 and are not applied yet.
import path from 'node:path';
import { defaultCgroupRoot, keyedValue, type CgroupDriver, type CgroupWrite } from './cgroups';
import type { OciResources } from './oci-spec';

/** The controllers Berth enables for its cgroups, when the root offers them. */
export const v2Controllers = ['cpu', 'memory', 'pids'] as const;

/** runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] → [1, 10000]. */
export const sharesToWeight = (shares: number): number => (shares === 0 ? 0 : 1 + Math.floor(((shares - 2) * 9999) / 262142));

export const v2Writes = (r: OciResources | undefined): CgroupWrite[] => {
  const w: CgroupWrite[] = [];
  const put = (file: string, value: string | number) => w.push({ controller: '', file, value: String(value) });
  if (r?.memory?.limit) put('memory.max', r.memory.limit);
  if (r?.cpu?.shares) put('cpu.weight', sharesToWeight(r.cpu.shares));
  if (r?.cpu?.quota || r?.cpu?.period) put('cpu.max', `${r.cpu.quota && r.cpu.quota > 0 ? r.cpu.quota : 'max'} ${r.cpu.period || 100000}`);
  if (r?.pids?.limit && r.pids.limit > 0) put('pids.max', r.pids.limit);
  return w;
};

/** The ancestors of a cgroup, root first, excluding the cgroup itself: where controllers must be enabled. */
export const ancestors = (root: string, cgroupPath: string): string[] => {
  const parts = cgroupPath.split('/').filter(Boolean);
  return parts.map((_, i) => path.posix.join(root, ...parts.slice(0, i)));
};

export const cgroupV2 = (root = defaultCgroupRoot): CgroupDriver => ({
  version: 2,
  root,
  hierarchies: [''],
  writes: v2Writes,
  binds: (p) => [{ name: '', hostDir: path.posix.join(root, p), links: [] }],
  // A controller is usable in a cgroup only when every ancestor lists it in cgroup.subtree_control.
  prepare: async (sys, p) => {
    const offered = ((await sys.readCgroup(root, 'cgroup.controllers')) ?? '').split(/\s+/);
    const wanted = v2Controllers.filter((c) => offered.includes(c));
    if (wanted.length === 0) return;
    for (const dir of ancestors(root, p)) {
      await sys.mkdirCgroup(dir);
      await sys.writeCgroup(dir, 'cgroup.subtree_control', wanted.map((c) => `+${c}`).join(' '));
    }
  },
  oomKillCount: async (sys, p) => keyedValue(await sys.readCgroup(path.posix.join(root, p), 'memory.events'), 'oom_kill'),
  cpuUsageNanos: async (sys, p) => keyedValue(await sys.readCgroup(path.posix.join(root, p), 'cpu.stat'), 'usage_usec') * 1000,
});

