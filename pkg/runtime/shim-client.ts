// Talks to berth-shim: spawns it with a report pipe on fd 3 and reads its one-line JSON answer.
// The shim writes `{"pid":N}` (run) or nothing (ns-create) on success, or
// `{"errno":N,"op":"…","path":"…","message":"…"}` on failure, then closes fd 3.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

export class ShimError extends Error {
  override readonly name = 'ShimError';
  readonly code = 'BERTH_ERR_SHIM';
  constructor(readonly errno: number, readonly op: string, readonly path: string, readonly detail: string) {
    super(`${op} ${path}: ${detail} (errno ${errno})`.replace(/ : /, ': '));
  }
}

export interface ShimReport { pid?: number }

/** Where hack/build-native.sh puts the helper (works from the source tree and from dist/). */
export const defaultShimPath = (): string => {
  const rel = 'pkg/runtime/native/build/berth-shim';
  const fromSrc = path.resolve(__dirname, '../..', rel);
  return __dirname.includes(`${path.sep}dist${path.sep}`) ? path.resolve(__dirname, '../../..', rel) : fromSrc;
};

interface ErrorLine { errno: number; op: string; path: string; message: string }

const isErrorLine = (v: unknown): v is ErrorLine =>
  typeof v === 'object' && v !== null && 'errno' in v && 'op' in v;

const parseReport = (text: string, exitCode: number | null, stderr: string): ShimReport => {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) {
    const v: unknown = JSON.parse(line);
    if (isErrorLine(v)) throw new ShimError(v.errno, v.op, v.path, v.message);
  }
  if (exitCode !== 0) throw new ShimError(0, 'exit', '', `berth-shim exited with ${exitCode}: ${stderr.trim()}`);
  const last = lines.at(-1);
  if (!last) return {};
  const v: unknown = JSON.parse(last);
  return typeof v === 'object' && v !== null && 'pid' in v && typeof v.pid === 'number' ? { pid: v.pid } : {};
};

const collect = (stream: Readable): Promise<string> => new Promise((resolve, reject) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('error', reject);
  stream.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

/**
 * Runs `berth-shim <args>` and resolves with its report once fd 3 closes (for `run`: once the
 * container has exec'd; the daemonized shim keeps running). Rejects with ShimError.
 */
export const runShim = async (helper: string, args: string[]): Promise<ShimReport> => {
  const child = spawn(helper, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const report = child.stdio[3] as Readable;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  const [text, stderr, code] = await Promise.all([collect(report), collect(child.stderr as Readable), exited]);
  return parseReport(text, code, stderr);
};
