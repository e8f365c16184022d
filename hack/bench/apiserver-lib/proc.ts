// /proc readings of the benchmark's processes: RSS, CPU seconds, and which process is etcd.
import fs from 'node:fs';
import { round } from './client';

export const rssMiB = (pid: number): { rss: number; hwm: number } => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: round(kb('VmRSS') / 1024), hwm: round(kb('VmHWM') / 1024) };
};

/** CPU seconds used so far by a process (user + system). */
export const cpuSeconds = (pid: number): number => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** The etcd process serving `endpoint` (found by its command line). */
export const etcdPid = (endpoint: string): number | undefined => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
  .find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(endpoint);
    } catch (err) {
      return !err; // the process went away while we looked
    }
  });
