import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePayloadPath, writeAtomic, type Payload } from './atomic-writer';

const payload = (files: Record<string, string>, mode = 0o644): Payload =>
  new Map(Object.entries(files).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

const withDir = (fn: (dir: string) => void) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-aw-'));
  try { fn(path.join(dir, 'vol')); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
};

const visible = (dir: string) => fs.readdirSync(dir).filter((n) => !n.startsWith('..')).sort();

test('files appear as symlinks through ..data into a timestamped directory', () => withDir((dir) => {
  expect(writeAtomic(dir, payload({ a: '1', 'sub/b': '2' }, 0o600))).toBe(true);
  expect(visible(dir)).toEqual(['a', 'sub']);
  expect(fs.readlinkSync(path.join(dir, 'a'))).toBe('..data/a');
  expect(fs.readlinkSync(path.join(dir, '..data'))).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{9}$/);
  expect(fs.readFileSync(path.join(dir, 'sub', 'b'), 'utf8')).toBe('2');
  expect(fs.statSync(path.join(dir, 'a')).mode & 0o777).toBe(0o600);
}));

test('an unchanged payload is left alone; a change swaps ..data, drops removed keys and the old directory', () => withDir((dir) => {
  writeAtomic(dir, payload({ a: '1', b: '2' }));
  const first = fs.readlinkSync(path.join(dir, '..data'));
  expect(writeAtomic(dir, payload({ a: '1', b: '2' }))).toBe(false);
  expect(fs.readlinkSync(path.join(dir, '..data'))).toBe(first);
  expect(writeAtomic(dir, payload({ a: 'changed', c: '3' }))).toBe(true);
  expect(visible(dir)).toEqual(['a', 'c']);
  expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('changed');
  expect(fs.existsSync(path.join(dir, first))).toBe(false);
  expect(fs.readdirSync(dir).filter((n) => n.startsWith('..')).length).toBe(2); // ..data and one timestamp dir
}));

test('a mode change alone is a change', () => withDir((dir) => {
  writeAtomic(dir, payload({ a: '1' }, 0o644));
  expect(writeAtomic(dir, payload({ a: '1' }, 0o400))).toBe(true);
  expect(fs.statSync(path.join(dir, 'a')).mode & 0o777).toBe(0o400);
}));

test.each(['', '/abs', 'a/../b', '..hidden', '../up'])('payload path %j is refused', (p) => {
  expect(() => validatePayloadPath(p)).toThrow(/invalid path/);
});
