// Unpacks one layer (a tar changeset, image-spec layer.md) into its own snapshot directory,
// converting whiteouts to the overlayfs form so snapshots stack as lowerdirs:
// `.wh.<name>` → a 0/0 character device `<name>`, `.wh..wh..opq` → `trusted.overlay.opaque=y`.
// Paths are confined to the snapshot: '..', absolute names and writes through a symlink
// are refused, since a layer is untrusted input unpacked as root.
import { createWriteStream } from 'node:fs';
import { copyFile, chmod, lchown, link, lstat, lutimes, mkdir, rm, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { DigestingStream } from './digest';
import { entryBytes, type TarEntry } from './tar-types';
import { applyOverlayMarks, type ApplyOverlayMarks, type OverlayMarks } from './overlay-marks';
import { createZstdDecompress } from './zstd';

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

export class UnsafeLayerError extends Error {
  override readonly name = 'UnsafeLayerError';
  readonly code = 'BERTH_ERR_UNSAFE_LAYER';
}

export interface UnpackOptions {
  blob: Readable;
  mediaType: string;
  /** The snapshot's fs/ directory; must exist and be empty. */
  dest: string;
  /** Unpacked lower snapshots, top-most first: hardlinks may point into them. */
  lowerDirs: string[];
  applyMarks?: ApplyOverlayMarks;
  signal?: AbortSignal;
}

export interface UnpackResult {
  /** sha256 of the uncompressed tar, to compare with the config's diff_id. */
  diffID: string;
  entries: number;
  /** Entries not reproduced (device nodes): reported, not fatal. */
  skipped: string[];
}

interface UnpackState {
  readonly o: UnpackOptions;
  readonly dirTimes: { path: string; mtime: Date }[];
  readonly marks: OverlayMarks;
  readonly skipped: string[];
  /** Directories known to be real directories inside dest (not symlinks). */
  safeDirs: Set<string>;
}

const decompressor = (mediaType: string): Duplex => {
  if (mediaType.includes('zstd')) return createZstdDecompress();
  return mediaType.includes('gzip') ? createGunzip() : new PassThrough();
};

/** Splits a tar entry name into safe relative components; [] is the layer root. */
export const safeComponents = (name: string): string[] => {
  if (name.startsWith('/')) throw new UnsafeLayerError(`layer entry "${name}" has an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeLayerError(`layer entry "${name}" escapes the snapshot`);
  return parts;
};

export const unpackLayer = async (o: UnpackOptions): Promise<UnpackResult> => {
  const hasher = new DigestingStream();
  const extract = tar.extract();
  const feeding = pipeline(o.blob, decompressor(o.mediaType), hasher, extract, { signal: o.signal });
  const s: UnpackState = { o, dirTimes: [], marks: { whiteouts: [], opaqueDirs: [] }, skipped: [], safeDirs: new Set([o.dest]) };
  let entries = 0;
  try {
    for await (const entry of extract) {
      await applyEntry(s, entry);
      entries++;
    }
    await feeding;
  } catch (err) {
    extract.destroy();
    await Promise.allSettled([feeding]);
    throw err;
  }
  await (o.applyMarks ?? applyOverlayMarks)(s.marks, o.signal);
  // Deepest first: setting a child's time must not disturb an already-set parent.
  s.dirTimes.sort((a, b) => b.path.length - a.path.length);
  for (const d of s.dirTimes) await utimes(d.path, d.mtime, d.mtime);
  return { diffID: hasher.digest(), entries, skipped: s.skipped };
};

const drain = async (entry: TarEntry): Promise<void> => {
  for await (const chunk of entry) void chunk;
};

const lstatOrUndefined = async (p: string) => {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/** Creates (0755) or checks each directory from dest down to parts, refusing symlinks on the way. */
const ensureDir = async (s: UnpackState, parts: string[]): Promise<string> => {
  let cur = s.o.dest;
  for (const p of parts) {
    cur = join(cur, p);
    if (s.safeDirs.has(cur)) continue;
    const st = await lstatOrUndefined(cur);
    if (st === undefined) await mkdir(cur, { mode: 0o755 });
    else if (!st.isDirectory()) throw new UnsafeLayerError(`layer path "${parts.join('/')}" goes through a non-directory at "${p}"`);
    s.safeDirs.add(cur);
  }
  return cur;
};

const applyEntry = async (s: UnpackState, entry: TarEntry): Promise<void> => {
  const h = entry.header;
  const parts = safeComponents(h.name);
  if (parts.length === 0) return drain(entry);
  const base = parts[parts.length - 1];
  const parentParts = parts.slice(0, -1);
  if (base === opaqueMarker) {
    s.marks.opaqueDirs.push(await ensureDir(s, parentParts));
    return drain(entry);
  }
  const parent = await ensureDir(s, parentParts);
  if (base.startsWith(whiteoutPrefix)) {
    const target = join(parent, base.slice(whiteoutPrefix.length));
    await replaceExisting(s, target, false);
    s.marks.whiteouts.push(target);
    return drain(entry);
  }
  const path = join(parent, base);
  await replaceExisting(s, path, h.type === 'directory');
  await createNode(s, entry, path);
};

/** Tar semantics: a later entry replaces an earlier one, except a directory over a directory. */
const replaceExisting = async (s: UnpackState, path: string, keepDir: boolean): Promise<void> => {
  const st = await lstatOrUndefined(path);
  if (st === undefined || (keepDir && st.isDirectory())) return;
  await rm(path, { recursive: true, force: true });
  s.safeDirs = new Set([s.o.dest]);
};

const createNode = async (s: UnpackState, entry: TarEntry, path: string): Promise<void> => {
  const h = entry.header;
  const mode = (h.mode ?? 0o644) & 0o7777;
  switch (h.type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      await pipeline(entryBytes(entry), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      return setMeta(path, h, mode, false);
    case 'directory':
      await drain(entry);
      await mkdir(path, { recursive: true, mode: 0o755 });
      s.safeDirs.add(path);
      await setMeta(path, h, mode, false, true);
      s.dirTimes.push({ path, mtime: h.mtime ?? new Date(0) });
      return;
    case 'symlink':
      await drain(entry);
      await symlink(h.linkname ?? '', path);
      return setMeta(path, h, mode, true);
    case 'link':
      await drain(entry);
      return hardlink(s, h.linkname ?? '', path);
    default:
      await drain(entry);
      s.skipped.push(`${h.type}:${h.name}`);
  }
};

// Unprivileged unpacks (tests, rootless) keep their own uid; only root can give files away.
const canChown = process.geteuid?.() === 0;

const setMeta = async (path: string, h: tar.Header, mode: number, isSymlink: boolean, skipTimes = false): Promise<void> => {
  if (canChown) await lchown(path, h.uid ?? 0, h.gid ?? 0);
  if (isSymlink) {
    const t = h.mtime ?? new Date(0);
    await lutimes(path, t, t);
    return;
  }
  // After chown, which clears setuid/setgid bits.
  await chmod(path, mode);
  if (!skipTimes) {
    const t = h.mtime ?? new Date(0);
    await utimes(path, t, t);
  }
};

/** Looks up parts under root without following symlinks on the way; undefined if absent. */
const existingInside = async (root: string, parts: string[]) => {
  let cur = root;
  for (const p of parts.slice(0, -1)) {
    cur = join(cur, p);
    const st = await lstatOrUndefined(cur);
    if (st === undefined) return undefined;
    if (!st.isDirectory()) throw new UnsafeLayerError(`hardlink target "${parts.join('/')}" goes through a non-directory`);
  }
  const path = join(cur, parts[parts.length - 1]);
  const st = await lstatOrUndefined(path);
  return st === undefined ? undefined : { path, st };
};

/** A hardlink's target is normally earlier in the same layer; else copy it up from a lower snapshot. */
const hardlink = async (s: UnpackState, linkname: string, path: string): Promise<void> => {
  const rel = safeComponents(linkname);
  if (rel.length === 0) throw new UnsafeLayerError(`hardlink "${path}" has an empty target`);
  const same = await existingInside(s.o.dest, rel);
  if (same !== undefined) return link(same.path, path);
  for (const lower of s.o.lowerDirs) {
    const found = await existingInside(lower, rel);
    if (found === undefined) continue;
    if (!found.st.isFile()) throw new UnsafeLayerError(`hardlink target "${linkname}" in a lower layer is not a regular file`);
    await copyFile(found.path, path);
    if (canChown) await lchown(path, found.st.uid, found.st.gid);
    await chmod(path, found.st.mode & 0o7777);
    return utimes(path, found.st.mtime, found.st.mtime);
  }
  throw new UnsafeLayerError(`hardlink target "${linkname}" not found in this layer or below`);
};
