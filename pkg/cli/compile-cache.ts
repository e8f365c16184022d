// A V8 code cache for berthctl's own modules (and its node_modules), since Node 20 has no
// module.enableCompileCache (22.1+): the CommonJS compile is hooked, as the v8-compile-cache
// package does, so that each module is compiled from V8's cached data when the file is unchanged
// (same path, size and mtime; V8 also checks the source and its flags and rejects a stale blob).
// The cache is one file, read once at start-up and rewritten at exit only when a module was
// compiled without it: about a tenth of `berthctl get`'s CPU on a warm cache.
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

type Entry = [mtimeMs: number, size: number, offset: number, length: number];

interface Compiled { filename: string; stat: fs.Stats; script: vm.Script }

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
  require(id: string): unknown;
  exports: unknown;
}

interface ModuleStatics {
  wrap(content: string): string;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
  prototype: ModuleInternals;
}

/** `$KUBECACHEDIR/berthctl` or `~/.kube/cache/berthctl`, beside the resource table's cache. */
export const compileCacheFile = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(env.KUBECACHEDIR ?? path.join(env.HOME ?? os.homedir(), '.kube', 'cache'), 'berthctl',
    `compile-${process.version}-${process.arch}.bin`);

/** Layout: uint32 length of a JSON index {filename: Entry}, the index, then the blobs. */
const readCache = (file: string): { index: Record<string, Entry>; blob: Buffer } => {
  try {
    const b = fs.readFileSync(file);
    const n = b.readUInt32LE(0);
    return { index: JSON.parse(b.subarray(4, 4 + n).toString('utf8')) as Record<string, Entry>, blob: b.subarray(4 + n) };
  } catch (err) {
    // Absent, torn or unreadable: compile normally and write a fresh one.
    if (err instanceof Error) return { index: {}, blob: Buffer.alloc(0) };
    throw err;
  }
};

/** False for a file since changed or removed (its entry would only take space). */
const unchanged = (filename: string, mtimeMs: number, size: number): boolean => {
  const st = fs.statSync(filename, { throwIfNoEntry: false });
  return st !== undefined && st.mtimeMs === mtimeMs && st.size === size;
};

/** This run's modules, plus the old entries of modules it did not load (other verbs' modules). */
const writeCache = (file: string, compiled: Compiled[], old: { index: Record<string, Entry>; blob: Buffer }): void => {
  const index: Record<string, Entry> = {};
  const blobs: Buffer[] = [];
  let offset = 0;
  const add = (filename: string, mtimeMs: number, size: number, data: Buffer) => {
    index[filename] = [mtimeMs, size, offset, data.length];
    offset += data.length;
    blobs.push(data);
  };
  for (const c of compiled) add(c.filename, c.stat.mtimeMs, c.stat.size, c.script.createCachedData());
  for (const [filename, [mtimeMs, size, at, length]] of Object.entries(old.index)) {
    if (!(filename in index) && unchanged(filename, mtimeMs, size)) add(filename, mtimeMs, size, old.blob.subarray(at, at + length));
  }
  const head = Buffer.from(JSON.stringify(index), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, Buffer.concat([len, head, ...blobs]));
    fs.renameSync(tmp, file);
  } catch (err) {
    // A read-only home only costs start-up time.
    if (!(err instanceof Error)) throw err;
  }
};

/** Hooks the compile of every module under `root`; returns the unhook (tests). */
export const installCompileCache = (root: string, file = compileCacheFile()): (() => void) => {
  const M = Module as unknown as ModuleStatics;
  const original = M.prototype._compile;
  const old = readCache(file);
  const { index, blob } = old;
  const compiled: Compiled[] = [];
  let stale = false;
  M.prototype._compile = function compile(this: ModuleInternals, content: string, filename: string): unknown {
    if (!filename.startsWith(root)) return original.call(this, content, filename);
    const stat = fs.statSync(filename);
    const e = index[filename];
    const cachedData = e && e[0] === stat.mtimeMs && e[1] === stat.size ? blob.subarray(e[2], e[2] + e[3]) : undefined;
    const script = new vm.Script(M.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) stale = true;
    compiled.push({ filename, stat, script });
    const req = Object.assign((id: string) => this.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, this, false, options),
      main: require.main, cache: M._cache, extensions: M._extensions,
    });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, req, this, filename, path.dirname(filename));
  };
  // At exit the functions that ran are compiled too, so the cache holds them (createCachedData).
  const onExit = () => { if (stale) writeCache(file, compiled, old); };
  process.once('exit', onExit);
  return () => { M.prototype._compile = original; process.removeListener('exit', onExit); };
};
