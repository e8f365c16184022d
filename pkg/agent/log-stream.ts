// Streams one CRI log file as `kubectl logs` text: the tail, then (with follow) new records as
// they are written, until the reader goes away or the container has exited and the file is
// drained. Polling rather than fs.watch: it behaves the same on every filesystem.
import fs from 'node:fs/promises';
import { LogFormatter, splitLines, tailStart, type LogOptions } from './cri-log';

export interface StreamOptions extends LogOptions {
  /** Last N physical lines; undefined = the whole file. */
  tailLines?: number;
  follow?: boolean;
  /** Poll interval while following. */
  pollMs?: number;
}

export interface StreamDeps {
  /** Writes output; resolves when the reader can take more. */
  write(text: string): Promise<void>;
  /** Whether the container may still write (checked while following, when the file is idle). */
  stillRunning(): Promise<boolean>;
  signal: AbortSignal;
}

const blockSize = 64 * 1024;

/** Where to start reading for the last `n` lines, reading backwards in growing blocks. */
const tailOffset = async (fh: fs.FileHandle, size: number, n: number | undefined): Promise<number> => {
  if (n === undefined || n < 0) return 0;
  for (let len = blockSize; ; len *= 2) {
    const start = Math.max(0, size - len);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const off = tailStart(buf, n);
    // Found n line starts inside the block (or the block is the whole file): done.
    if (off > 0 || start === 0 || n === 0) return start + off;
  }
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal.aborted) { resolve(); return; }
  const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); resolve(); };
  signal.addEventListener('abort', onAbort, { once: true });
});

export const streamLog = async (path: string, opts: StreamOptions, d: StreamDeps): Promise<void> => {
  const fh = await fs.open(path, 'r');
  try {
    const formatter = new LogFormatter(opts);
    let offset = await tailOffset(fh, (await fh.stat()).size, opts.tailLines);
    let pending = '';
    let exited = false;
    const emit = async (lines: string[]) => {
      const text = lines.map((l) => formatter.format(l)).join('');
      if (text) await d.write(text);
    };
    for (;;) {
      const size = (await fh.stat()).size;
      if (size < offset) offset = 0;   // truncated: start over
      if (size > offset) {
        const buf = Buffer.alloc(Math.min(size - offset, 4 * blockSize));
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        offset += bytesRead;
        const { lines, rest } = splitLines(pending, buf.subarray(0, bytesRead).toString());
        pending = rest;
        await emit(lines);
        if (formatter.done() || d.signal.aborted) return;
        continue;
      }
      if (!opts.follow || exited || d.signal.aborted) break;
      // Idle: once the container has exited, one more pass drains what it wrote last.
      if (!(await d.stillRunning())) { exited = true; continue; }
      await sleep(opts.pollMs ?? 250, d.signal);
      if (d.signal.aborted) return;
    }
    if (pending) await emit([pending]);
  } finally {
    await fh.close();
  }
};
