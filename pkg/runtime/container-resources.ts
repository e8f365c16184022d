// A running container's resources after start: usage from its cgroup (ContainerStats, as cadvisor
// computes it), new limits (UpdateContainerResources) and a fresh log file (ReopenContainerLog).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { keyedValue, type CgroupDriver } from './cgroups';
import { ociResources } from './container-spec';
import type { Container, ContainerFilter, ContainerStatus, LinuxContainerResources } from './cri-types';
import { failedPrecondition } from './errors';
import type { ContainerStats, ContainerStatsFilter, MemoryUsage } from './exec-cri-types';
import { errnoCode, type ContainerRecord, type KeyedMutex, type StateStore } from './state';
import type { Syscalls } from './syscalls';

/** v1 reports "no limit" as the largest page-aligned int64; anything this large is unlimited. */
const unlimited = 2 ** 62;

export interface MemoryFiles { usage: string | undefined; stat: string | undefined; limit: string | undefined }

/**
 * Memory usage as cadvisor and the kubelet read it: working set = usage − inactive file pages
 * (v1 `total_inactive_file`, v2 `inactive_file`), floored at 0; available = limit − working set.
 */
export const memoryUsage = (version: 1 | 2, f: MemoryFiles, timestamp: number): MemoryUsage => {
  const key = (k: string) => keyedValue(f.stat, version === 1 ? `total_${k}` : k);
  const usage = Number(f.usage?.trim() || 0);
  const workingSet = Math.max(0, usage - key('inactive_file'));
  const limitText = f.limit?.trim() ?? '';
  const limit = /^\d+$/.test(limitText) && Number(limitText) < unlimited ? Number(limitText) : 0;
  return {
    timestamp, workingSetBytes: { value: workingSet }, usageBytes: { value: usage },
    availableBytes: limit ? { value: Math.max(0, limit - workingSet) } : null,
    rssBytes: { value: key(version === 1 ? 'rss' : 'anon') },
    pageFaults: { value: key('pgfault') }, majorPageFaults: { value: key('pgmajfault') },
  };
};

/** Bytes and inodes under `dir` (the writable layer), without following symlinks. */
export const diskUsage = async (dir: string): Promise<{ bytes: number; inodes: number }> => {
  let bytes = 0;
  let inodes = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(d, { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      const st = await fs.promises.lstat(p);
      bytes += st.blocks * 512;
      inodes++;
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return { bytes, inodes };
};

export interface ResourceDeps {
  sys: Syscalls;
  cgroups: CgroupDriver;
  state: StateStore;
  locks: KeyedMutex;
  containers: {
    get(id: string): Promise<ContainerRecord>;
    status(id: string): Promise<ContainerStatus>;
    list(filter?: ContainerFilter): Promise<Container[]>;
  };
  log: Logger;
  /** Nanoseconds since the epoch. */
  now: () => number;
  /** Waits between checks for the reopened log file. */
  sleep?: (ms: number) => Promise<void>;
}

export class ContainerResources {
  /** The previous CPU sample per container, for usage_nano_cores (a rate needs two samples). */
  private readonly lastCpu = new Map<string, { at: number; usage: number }>();

  constructor(private readonly d: ResourceDeps) {}

  async stats(id: string): Promise<ContainerStats> {
    const rec = await this.d.containers.get(id);
    const at = this.d.now();
    const usage = await this.d.cgroups.cpuUsageNanos(this.d.sys, rec.cgroupPath);
    const prev = this.lastCpu.get(id);
    this.lastCpu.set(id, { at, usage });
    // Without an earlier sample (the first call, or after a runtime restart) the rate since the start:
    // the cgroup is new at start, so its whole usage belongs to that interval.
    const base = prev ?? (rec.startedAt ? { at: rec.startedAt, usage: 0 } : undefined);
    const nanoCores = base && at > base.at ? Math.round(((usage - base.usage) * 1e9) / (at - base.at)) : undefined;
    const layer = await diskUsage(path.join(this.d.state.layout.containerDir(id), 'upper'));
    return {
      attributes: { id, metadata: rec.config.metadata, labels: rec.config.labels ?? {}, annotations: rec.config.annotations ?? {} },
      cpu: { timestamp: at, usageCoreNanoSeconds: { value: usage }, usageNanoCores: nanoCores === undefined ? null : { value: Math.max(0, nanoCores) } },
      memory: memoryUsage(this.d.cgroups.version, await this.memoryFiles(rec.cgroupPath), at),
      writableLayer: { timestamp: at, fsId: { mountpoint: path.join(this.d.state.layout.root, 'containers') }, usedBytes: { value: layer.bytes }, inodesUsed: { value: layer.inodes } },
    };
  }

  /** Stats of the running containers that match (containerd lists those with a task). */
  async list(filter?: ContainerStatsFilter | null): Promise<ContainerStats[]> {
    const running = await this.d.containers.list({ id: filter?.id || undefined, podSandboxId: filter?.podSandboxId || undefined,
      labelSelector: filter?.labelSelector, state: { state: 'CONTAINER_RUNNING' } });
    for (const id of this.lastCpu.keys()) if (!running.some((c) => c.id === id)) this.lastCpu.delete(id);
    return Promise.all(running.map((c) => this.stats(c.id)));
  }

  private async memoryFiles(cgroupPath: string): Promise<MemoryFiles> {
    const v1 = this.d.cgroups.version === 1;
    const dir = v1 ? path.posix.join(this.d.cgroups.root, 'memory', cgroupPath) : path.posix.join(this.d.cgroups.root, cgroupPath);
    const [usage, stat, limit] = await Promise.all([v1 ? 'memory.usage_in_bytes' : 'memory.current', 'memory.stat', v1 ? 'memory.limit_in_bytes' : 'memory.max']
      .map((f) => this.d.sys.readCgroup(dir, f)));
    return { usage, stat, limit };
  }

  /** Writes the new limits into the container's cgroup and keeps them in its record. */
  async update(id: string, linux: LinuxContainerResources | null | undefined): Promise<void> {
    if (!linux) return;
    await this.d.locks.run(id, async () => {
      const rec = await this.d.containers.get(id);
      const st = await this.d.containers.status(id);
      if (st.state === 'CONTAINER_EXITED') throw failedPrecondition(`container "${id}" is not running (state ${st.state})`);
      for (const w of this.d.cgroups.writes(ociResources(linux))) {
        await this.d.sys.writeCgroup(path.posix.join(this.d.cgroups.root, w.controller, rec.cgroupPath), w.file, w.value);
      }
      rec.config = { ...rec.config, linux: { ...rec.config.linux, resources: linux } };
      await this.d.state.putContainer(rec);
      this.d.log.info('container resources updated', { container: id, ...linux });
    });
  }

  /**
   * Asks the shim to reopen the log file (SIGUSR1 to the container's parent while it relays logs)
   * and waits until the file exists again, so the caller's next read sees the new file.
   */
  async reopenLog(id: string): Promise<void> {
    const rec = await this.d.containers.get(id);
    const st = await this.d.containers.status(id);
    if (st.state !== 'CONTAINER_RUNNING' || !rec.pid) throw failedPrecondition(`container "${id}" is not running`);
    const shim = shimOf(rec.pid);
    if (!shim) throw failedPrecondition(`container "${id}": its shim is not relaying logs`);
    this.d.sys.kill(shim, 'SIGUSR1');
    const sleep = this.d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let i = 0; i < 100 && !fs.existsSync(rec.logPath); i++) await sleep(20);
    this.d.log.v(1, 'container log reopened', { container: id, log: rec.logPath });
  }
}

/** The parent of `pid` when it is a shim in its log-relay stage (named by stage(): shim:relay, oci:relay). */
export const shimOf = (pid: number, proc = '/proc'): number | undefined => {
  try {
    const stat = fs.readFileSync(path.join(proc, String(pid), 'stat'), 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const comm = fs.readFileSync(path.join(proc, String(ppid), 'comm'), 'utf8').trim();
    return comm === 'shim:relay' || comm === 'oci:relay' ? ppid : undefined;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
};
