// The compile cache: a module compiles from the cache on the second load, a changed file is
// compiled afresh, and the entries of modules a run did not load are kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compile-cache-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a fresh node with the hook (this source, transpiled) over `dir/src`, requiring `entry`. */
const run = (entry: string): { out: string; cache: string } => {
  const hook = path.join(dir, 'hook.js');
  const ts = fs.readFileSync(path.join(__dirname, 'compile-cache.ts'), 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transpileModule } = require('typescript') as typeof import('typescript');
  fs.writeFileSync(hook, transpileModule(ts, { compilerOptions: { module: 1, esModuleInterop: true, target: 9 } }).outputText);
  const cache = path.join(dir, 'cache.bin');
  const script = `const h = require(${JSON.stringify(hook)}); h.installCompileCache(${JSON.stringify(path.join(dir, 'src'))}, ${JSON.stringify(cache)});`
    + `require(${JSON.stringify(entry)}); process.stdout.write(String(require(${JSON.stringify(entry)}).value));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { out: r.stdout, cache };
};

const index = (cache: string): Record<string, unknown> => {
  const b = fs.readFileSync(cache);
  return JSON.parse(b.subarray(4, 4 + b.readUInt32LE(0)).toString()) as Record<string, unknown>;
};

test('modules run the same through the cache; a changed file is recompiled; other modules\' entries are kept', () => {
  fs.mkdirSync(path.join(dir, 'src'));
  const a = path.join(dir, 'src', 'a.js');
  const b = path.join(dir, 'src', 'b.js');
  fs.writeFileSync(a, 'exports.value = require("./b").n + 1; exports.dir = __dirname;');
  fs.writeFileSync(b, 'exports.n = 41;');
  expect(run(a).out).toBe('42');
  const { cache } = run(a);
  expect(Object.keys(index(cache)).sort()).toEqual([a, b]);
  const before = fs.statSync(cache).mtimeMs;
  expect(run(a).out).toBe('42'); // warm: nothing compiled afresh, the cache is not rewritten
  expect(fs.statSync(cache).mtimeMs).toBe(before);
  fs.writeFileSync(b, 'exports.n = 1; // changed');
  expect(run(a).out).toBe('2');
  const c = path.join(dir, 'src', 'c.js');
  fs.writeFileSync(c, 'exports.value = "c";');
  expect(run(c).out).toBe('c');
  expect(Object.keys(index(cache)).sort()).toEqual([a, b, c]);
});

test('entries of removed files are dropped when the cache is rewritten', () => {
  fs.mkdirSync(path.join(dir, 'src'));
  const a = path.join(dir, 'src', 'a.js');
  const gone = path.join(dir, 'src', 'gone.js');
  fs.writeFileSync(a, 'exports.value = 1;');
  fs.writeFileSync(gone, 'exports.value = 2;');
  run(gone);
  fs.rmSync(gone);
  const { cache } = run(a);
  expect(Object.keys(index(cache))).toEqual([a]);
});
