// Node has no mknod(2) or setxattr(2), so the overlayfs whiteout forms are made by
// spawning `mknod` (coreutils) and `setfattr` (package `attr`). Kept in this one function
// so the native helper can take it over without touching the unpacker.
import { spawn } from 'node:child_process';

export interface OverlayMarks {
  /** Absolute paths to create as character devices 0/0 (overlayfs whiteouts). */
  whiteouts: string[];
  /** Absolute directory paths to mark `trusted.overlay.opaque=y`. */
  opaqueDirs: string[];
}

export type ApplyOverlayMarks = (marks: OverlayMarks, signal?: AbortSignal) => Promise<void>;

// Keeps each argv well below ARG_MAX while still batching hundreds of paths per spawn.
const batchSize = 256;

const run = (cmd: string, args: string[], signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (err) => reject(new Error(`${cmd}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`));
    });
  });

const batches = <T>(xs: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += batchSize) out.push(xs.slice(i, i + batchSize));
  return out;
};

// One shell per batch: mknod takes a single path per call.
const mknodScript = 'for p do mknod "$p" c 0 0 || exit 1; done';

export const applyOverlayMarks: ApplyOverlayMarks = async (marks, signal) => {
  for (const b of batches(marks.whiteouts)) await run('/bin/sh', ['-c', mknodScript, 'mknod-whiteouts', ...b], signal);
  for (const b of batches(marks.opaqueDirs)) {
    await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...b], signal);
  }
};
