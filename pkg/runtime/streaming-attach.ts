// Attach: the container's stdout and stderr as they reach its CRI log, followed from the current
// end of the file until the container exits (the shim already owns the pipes and writes the log,
// so attach reads what it wrote instead of asking it for a second copy); stdin and TTY resizes go
// to the FIFOs the shim relays into the container's stdin pipe or pty.
import fs from 'node:fs';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { errnoCode } from './state';

/** One CRI log record (`<RFC3339Nano> <stream> <F|P> <content>`) back to the bytes the process wrote. */
export const decodeLogLine = (line: string): { stream: 'stdout' | 'stderr'; data: string } | undefined => {
  const m = /^\S+ (stdout|stderr) ([FP]) (.*)$/s.exec(line);
  if (!m) return undefined;
  return { stream: m[1] as 'stdout' | 'stderr', data: m[2] === 'F' ? `${m[3]}\n` : m[3] };
};

export interface FollowOptions {
  logPath: string;
  /** Resolves (with the exit code) once the container has exited. */
  exited: () => Promise<number | undefined>;
  signal: AbortSignal;
  pollMs?: number;
}

const sizeOf = (p: string): number => {
  try {
    return fs.statSync(p).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
};

/** Follows the log from its current end; the streams end when the container exits or `signal` aborts. */
export const followLog = (o: FollowOptions): { stdout: PassThrough; stderr: PassThrough; outcome: Promise<number> } => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pos = sizeOf(o.logPath);
  let partial = '';
  const pump = () => {
    const size = sizeOf(o.logPath);
    if (size < pos) pos = 0; // rotated (ReopenContainerLog): the new file starts at 0
    if (size === pos) return;
    const fd = fs.openSync(o.logPath, 'r');
    try {
      const buf = Buffer.alloc(size - pos);
      pos += fs.readSync(fd, buf, 0, buf.length, pos);
      const lines = (partial + buf.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const rec = decodeLogLine(l);
        if (rec) (rec.stream === 'stdout' ? stdout : stderr).write(rec.data);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const outcome = (async () => {
    for (;;) {
      pump();
      const code = await o.exited();
      if (code !== undefined || o.signal.aborted) {
        pump();
        stdout.end();
        stderr.end();
        return code ?? 0;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 100));
    }
  })();
  return { stdout, stderr, outcome };
};

/**
 * The writable ends of a container's attach FIFOs (berth-shim run --stdin/--resize holds the
 * reading ends). Opened non-blocking so that a FIFO nobody reads any more (stdin-once after its
 * first EOF, or a dead shim) is an error now (ENXIO) rather than a thread blocked in open(2);
 * net.Socket drives the pipe with the event loop as it does for any FIFO.
 */
export const openAttachInput = (fifo: string): net.Socket | null => {
  let fd: number;
  try {
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if (errnoCode(err) === 'ENXIO' || errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  const s = new net.Socket({ fd, readable: false, writable: true });
  s.on('error', () => undefined); // the container closed its stdin or exited: attach's outcome says so
  return s;
};

/** A resize for the shim's pty: "ROWS COLS\n" (the format berth-shim exec reads too). */
export const resizeLine = (width: number, height: number): string => `${height} ${width}\n`;
