// kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): a configMap, secret or downwardAPI
// volume changes all at once or not at all for a reader inside the container. The payload goes
// into a fresh `..<timestamp>` directory; `..data` is a symlink swapped to it by rename(2) (atomic);
// the user-visible names are symlinks through `..data`:
//
//   <dir>/key           -> ..data/key
//   <dir>/..data        -> ..2025_01_02_03_04_05.123456789
//   <dir>/..2025_01_02_03_04_05.123456789/key
import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from './volume-errors';

export interface FileProjection { data: Buffer; mode: number }

/** Relative path → content and mode. */
export type Payload = Map<string, FileProjection>;

const dataDirName = '..data';
const newDataDirName = '..data_tmp';

/** A payload path must be relative, without `..` elements, and not start with `..` (reserved). */
export const validatePayloadPath = (p: string): void => {
  if (p === '') throw new Error('invalid path: must not be empty');
  if (path.posix.isAbsolute(p)) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.split('/').includes('..')) throw new Error(`invalid path: must not contain '..': ${p}`);
  if (p.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${p}`);
};

const timestampDirName = (now: Date): string => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const ns = `${pad(now.getUTCMilliseconds(), 3)}${String(process.hrtime.bigint() % 1000000n).padStart(6, '0')}`;
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.${ns}`;
};

const readLinkOrUndefined = (p: string): string | undefined => {
  try {
    return fs.readlinkSync(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'EINVAL') return undefined; // missing, or not a symlink
    throw err;
  }
};

/** Whether the current timestamp directory holds exactly `payload` (same paths, bytes and modes). */
const samePayload = (dir: string, payload: Payload): boolean => {
  const existing = listFiles(dir);
  if (existing.length !== payload.size) return false;
  for (const [p, f] of payload) {
    const file = path.join(dir, p);
    if (!fs.existsSync(file)) return false;
    if ((fs.statSync(file).mode & 0o7777) !== f.mode || !fs.readFileSync(file).equals(f.data)) return false;
  }
  return true;
};

const listFiles = (dir: string, prefix = ''): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? listFiles(path.join(dir, e.name), path.posix.join(prefix, e.name))
    : [path.posix.join(prefix, e.name)]));

const topLevel = (p: string): string => p.split('/')[0];

/**
 * Writes `payload` into `dir` atomically. Returns whether anything changed (an identical
 * payload is left alone, so a re-sync costs only reads).
 */
export const writeAtomic = (dir: string, payload: Payload, now: Date = new Date()): boolean => {
  for (const p of payload.keys()) validatePayloadPath(p);
  fs.mkdirSync(dir, { recursive: true });
  const dataLink = path.join(dir, dataDirName);
  const oldTs = readLinkOrUndefined(dataLink);
  const oldPaths = oldTs && fs.existsSync(path.join(dir, oldTs)) ? listFiles(path.join(dir, oldTs)) : [];
  if (oldTs && fs.existsSync(path.join(dir, oldTs)) && samePayload(path.join(dir, oldTs), payload)) {
    ensureUserVisible(dir, payload);
    return false;
  }
  const ts = timestampDirName(now);
  const tsDir = path.join(dir, ts);
  fs.mkdirSync(tsDir, { mode: 0o755 });
  for (const [p, f] of payload) {
    const file = path.join(tsDir, p);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, f.data);
    fs.chmodSync(file, f.mode);
  }
  const tmpLink = path.join(dir, newDataDirName);
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(ts, tmpLink);
  fs.renameSync(tmpLink, dataLink); // the atomic switch: readers see the old or the new payload
  ensureUserVisible(dir, payload);
  const keep = new Set([...payload.keys()].map(topLevel));
  for (const old of new Set(oldPaths.map(topLevel))) {
    if (!keep.has(old)) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
  }
  if (oldTs) fs.rmSync(path.join(dir, oldTs), { recursive: true, force: true });
  return true;
};

/** The user-visible names: `<top>` → `..data/<top>` for each top-level path of the payload. */
const ensureUserVisible = (dir: string, payload: Payload): void => {
  for (const top of new Set([...payload.keys()].map(topLevel))) {
    const link = path.join(dir, top);
    if (readLinkOrUndefined(link) === path.posix.join(dataDirName, top)) continue;
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.posix.join(dataDirName, top), link);
  }
};
