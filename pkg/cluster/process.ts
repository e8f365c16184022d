// The pid file of `berth server`, and whether that process is still alive.
import fs from 'node:fs';
import { paths } from './config';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid of a running `berth server` for this home, if any. */
export const serverPid = (home: string): number | undefined => {
  const file = paths(home).serverPid;
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
};

/** Sends SIGTERM and waits for the process to exit (SIGKILL after `timeoutMs`). */
export const terminate = async (pid: number, timeoutMs: number): Promise<void> => {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) { process.kill(pid, 'SIGKILL'); }
    await new Promise((r) => setTimeout(r, 100));
  }
};
