import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { streamLog } from './log-stream';

let dir = '';
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-log-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const rec = (i: number, text: string, tag = 'F') => `2025-01-01T00:00:${String(i).padStart(2, '0')}Z stdout ${tag} ${text}\n`;

const run = async (file: string, opts: Parameters<typeof streamLog>[1], stillRunning: () => Promise<boolean> = async () => false) => {
  let out = '';
  await streamLog(file, opts, { write: async (t) => { out += t; }, stillRunning, signal: new AbortController().signal });
  return out;
};

test('whole file, tail, and a big file read in blocks', async () => {
  const file = path.join(dir, '0.log');
  fs.writeFileSync(file, rec(1, 'a') + rec(2, 'b', 'P') + rec(3, 'c') + rec(4, 'd'));
  expect(await run(file, {})).toBe('a\nbc\nd\n');
  expect(await run(file, { tailLines: 1 })).toBe('d\n');
  expect(await run(file, { tailLines: 0 })).toBe('');
  const big = path.join(dir, '1.log');
  fs.writeFileSync(big, Array.from({ length: 20000 }, (_, i) => rec(i % 60, `line ${i}`)).join(''));
  expect(await run(big, { tailLines: 2 })).toBe('line 19998\nline 19999\n');
  expect((await run(big, {})).split('\n').length).toBe(20001);
});

test('follow: new records are streamed until the container exits, then the file is drained', async () => {
  const file = path.join(dir, '0.log');
  fs.writeFileSync(file, rec(1, 'first'));
  let checks = 0;
  const out = await run(file, { follow: true, pollMs: 1 }, async () => {
    checks++;
    if (checks === 1) { fs.appendFileSync(file, rec(2, 'second')); return true; }
    fs.appendFileSync(file, rec(3, 'last words'));
    return false;
  });
  expect(out).toBe('first\nsecond\nlast words\n');
});

test('follow stops when the reader goes away', async () => {
  const file = path.join(dir, '0.log');
  fs.writeFileSync(file, rec(1, 'x'));
  const ac = new AbortController();
  let out = '';
  await streamLog(file, { follow: true, pollMs: 1 }, {
    write: async (t) => { out += t; }, stillRunning: async () => { ac.abort(); return true; }, signal: ac.signal,
  });
  expect(out).toBe('x\n');
});
