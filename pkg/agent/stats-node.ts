// The node's own usage, as the kubelet reports it for the node (cadvisor's root container):
// cumulative CPU time from /proc/stat and the memory working set from /proc/meminfo.
import fs from 'node:fs';
import path from 'node:path';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture the kernel ABI fixes it for. */
const userHz = 100;

export interface NodeCpu {
  /** Cumulative non-idle CPU time of all cores, in nanoseconds (usageCoreNanoSeconds). */
  usageCoreNanoSeconds: number;
  /** Boot time, seconds since the epoch (btime). */
  bootTime: number;
}

export interface NodeMemory {
  capacityBytes: number;
  usageBytes: number;
  /** usage − inactive file pages, as cadvisor's working set. */
  workingSetBytes: number;
  availableBytes: number;
}

export interface NodeUsage {
  /** When /proc/stat was read, nanoseconds since the epoch: the node's rate needs its own time, not the whole reading's. */
  time: number;
  cpu: NodeCpu;
  memory: NodeMemory;
}

/**
 * Parses /proc/stat. Non-idle time is user + nice + system + irq + softirq + steal (guest time is
 * already inside user and nice); idle and iowait are the CPU doing nothing.
 */
export const parseProcStat = (text: string): NodeCpu => {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  const busy = [user, nice, system, irq, softirq, steal].reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const btime = /^btime\s+(\d+)/m.exec(text);
  return { usageCoreNanoSeconds: (busy * 1e9) / userHz, bootTime: btime ? Number(btime[1]) : 0 };
};

/** Parses /proc/meminfo (values in kB). */
export const parseMeminfo = (text: string): NodeMemory => {
  const kb = (key: string): number => {
    const m = new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const capacityBytes = kb('MemTotal');
  const usageBytes = Math.max(0, capacityBytes - kb('MemFree'));
  const workingSetBytes = Math.max(0, usageBytes - kb('Inactive(file)'));
  return { capacityBytes, usageBytes, workingSetBytes, availableBytes: Math.max(0, capacityBytes - workingSetBytes) };
};

export const readNodeUsage = async (proc = '/proc', now = () => Date.now() * 1e6): Promise<NodeUsage> => {
  // Read synchronously back to back with the clock, so the time matches the counters.
  const stat = fs.readFileSync(path.join(proc, 'stat'), 'utf8');
  const time = now();
  const meminfo = await fs.promises.readFile(path.join(proc, 'meminfo'), 'utf8');
  return { time, cpu: parseProcStat(stat), memory: parseMeminfo(meminfo) };
};
