// Disk use of the image filesystem for the CRI ImageFsInfo call: bytes in allocated blocks
// (what `du` reports) and inodes, walked without following symlinks.
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { FsInfo } from './types';

export const fsUsage = async (dirs: string[]): Promise<FsInfo> => {
  const seen = new Set<number>();
  const total: FsInfo = { usedBytes: 0, inodesUsed: 0 };
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await lstat(p);
    } catch (err) {
      // A snapshot removed while we walk is not an error for a usage figure.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (seen.has(st.ino)) return;
    seen.add(st.ino);
    total.inodesUsed++;
    total.usedBytes += st.blocks * 512;
    if (st.isDirectory()) for (const name of await readdir(p)) await walk(join(p, name));
  };
  for (const d of dirs) await walk(d);
  return total;
};

/**
 * Capacity and use of the image filesystem for the image GC: with a byte budget, what the
 * store's dirs hold against that budget; else the filesystem under `dirs[0]` (statfs).
 */
export const imageFsStats = async (dirs: string[], budgetBytes?: number): Promise<{ capacityBytes: number; usedBytes: number }> => {
  if (budgetBytes !== undefined) return { capacityBytes: budgetBytes, usedBytes: (await fsUsage(dirs)).usedBytes };
  const s = await statfs(dirs[0]);
  return { capacityBytes: s.blocks * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize };
};
