// Container log rotation by size, as kubelet's container log manager (pkg/kubelet/logs
// container_log_manager.go): every period, each running container whose log reached
// containerLogMaxSize has `0.log` renamed to `0.log.<YYYYMMDD-hhmmss>` and the runtime asked to
// reopen the path (CRI ReopenContainerLog; berth-shim reopens on SIGUSR1). Older rotated files
// are gzip-compressed, and at most containerLogMaxFiles files (the live one included) are kept.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Logger } from '../log';
import { delay, type Clock } from './clock';
import type { RuntimeService } from './runtime-client';
import { errnoCode } from './volume-errors';

export interface LogRotationPolicy {
  /** containerLogMaxSize in bytes (kubelet default 10Mi). */
  maxSize: number;
  /** containerLogMaxFiles (kubelet default 5, at least 2). */
  maxFiles: number;
}

export const defaultLogRotationPolicy: LogRotationPolicy = { maxSize: 10 * 1024 * 1024, maxFiles: 5 };

/** kubelet's monitoring period. */
export const logMonitorPeriodMs = 10_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** Go's "20060102-150405" in UTC. */
export const rotationTimestamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
};

const sizeOf = (p: string): number | undefined => {
  try {
    return fs.statSync(p).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
};

/** Rotated files of `log` (`<log>.<timestamp>[.gz]`), oldest first; leftovers of a crash removed. */
export const rotatedLogs = (log: string): string[] => {
  const dir = path.dirname(log);
  const base = path.basename(log);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.`));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const files = new Set(names);
  const out: string[] = [];
  for (const n of names.sort()) {
    // A .tmp of an interrupted compression, or a plain file whose .gz was finished (kubelet cleanupUnusedLogs).
    if (n.endsWith('.tmp') || files.has(`${n}.gz`)) fs.rmSync(path.join(dir, n), { force: true });
    else out.push(path.join(dir, n));
  }
  return out;
};

const compress = (file: string): void => {
  const tmp = `${file}.gz.tmp`;
  fs.writeFileSync(tmp, zlib.gzipSync(fs.readFileSync(file)));
  fs.renameSync(tmp, `${file}.gz`);
  fs.rmSync(file, { force: true });
};

export interface LogRotationDeps {
  runtime: Pick<RuntimeService, 'listContainers' | 'containerStatus' | 'reopenContainerLog'>;
  clock: Clock;
  log: Logger;
  policy?: LogRotationPolicy;
  /** gzip rotated files but the newest (kubelet does; default true). */
  compress?: boolean;
}

export class ContainerLogManager {
  constructor(private readonly d: LogRotationDeps) {}

  private policy(): LogRotationPolicy { return this.d.policy ?? defaultLogRotationPolicy; }

  /** One pass over the running containers; a failure with one container does not stop the others. */
  async rotateAll(): Promise<number> {
    let rotated = 0;
    for (const c of await this.d.runtime.listContainers({ state: 'CONTAINER_RUNNING' })) {
      if (c.state !== 'CONTAINER_RUNNING') continue;
      try {
        const st = await this.d.runtime.containerStatus(c.id);
        if (st.logPath && (await this.rotateIfNeeded(c.id, st.logPath))) rotated++;
      } catch (err) {
        this.d.log.warn('log rotation failed', { container: c.id, err });
      }
    }
    return rotated;
  }

  /** Rotates `log` once it reached maxSize; a missing file is recreated through the runtime. */
  async rotateIfNeeded(id: string, log: string): Promise<boolean> {
    const size = sizeOf(log);
    if (size === undefined) {
      await this.d.runtime.reopenContainerLog(id);
      return false;
    }
    if (size < this.policy().maxSize) return false;
    let old = rotatedLogs(log);
    // The live file and the one being rotated now leave room for maxFiles-2 older ones; oldest go first.
    const keep = Math.max(0, this.policy().maxFiles - 2);
    for (const f of old.slice(0, Math.max(0, old.length - keep))) fs.rmSync(f, { force: true });
    old = old.slice(Math.max(0, old.length - keep));
    if (this.d.compress ?? true) for (const f of old) if (!f.endsWith('.gz')) compress(f);
    const target = `${log}.${rotationTimestamp(this.d.clock.now())}`;
    fs.renameSync(log, target);
    try {
      await this.d.runtime.reopenContainerLog(id);
    } catch (err) {
      fs.renameSync(target, log); // the shim still writes to the old file: put it back (kubelet does the same)
      throw err;
    }
    this.d.log.v(1, 'rotated container log', { container: id, log: target, bytes: size });
    return true;
  }

  /** Rotates every period until `signal` aborts. */
  async run(signal: AbortSignal, periodMs = logMonitorPeriodMs): Promise<void> {
    while (!signal.aborted) {
      await this.rotateAll().catch((err: unknown) => this.d.log.warn('log rotation pass failed', { err }));
      await delay(this.d.clock, periodMs, signal);
    }
  }
}
