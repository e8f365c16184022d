import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { checkHostPathType } from './volume-host-path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hp-'));
const file = path.join(dir, 'file');
const sock = path.join(dir, 'sock');
let server: net.Server;
beforeAll(async () => {
  fs.writeFileSync(file, 'x');
  server = net.createServer();
  await new Promise<void>((r) => server.listen(sock, r));
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

test.each([
  { type: '', p: '/does/not/exist', ok: true },
  { type: 'Directory', p: dir, ok: true },
  { type: 'Directory', p: file, ok: false, msg: /is not a directory/ },
  { type: 'Directory', p: path.join(dir, 'missing'), ok: false, msg: /is not a directory/ },
  { type: 'File', p: file, ok: true },
  { type: 'File', p: dir, ok: false, msg: /is not a file/ },
  { type: 'Socket', p: sock, ok: true },
  { type: 'Socket', p: file, ok: false, msg: /is not a socket file/ },
  { type: 'CharDevice', p: '/dev/null', ok: true },
  { type: 'BlockDevice', p: '/dev/null', ok: false, msg: /is not a block device/ },
  { type: 'Weird', p: dir, ok: false, msg: /invalid HostPathType/ },
])('$type on $p', ({ type, p, ok, msg }) => {
  if (ok) expect(() => checkHostPathType(p, type)).not.toThrow();
  else expect(() => checkHostPathType(p, type)).toThrow(msg);
});

test('DirectoryOrCreate makes the directory with parents; FileOrCreate an empty file (its parent must exist)', () => {
  const d = path.join(dir, 'a', 'b');
  checkHostPathType(d, 'DirectoryOrCreate');
  expect(fs.statSync(d).isDirectory()).toBe(true);
  const f = path.join(dir, 'new-file');
  checkHostPathType(f, 'FileOrCreate');
  expect(fs.readFileSync(f, 'utf8')).toBe('');
  expect(() => checkHostPathType(path.join(dir, 'no', 'file'), 'FileOrCreate')).toThrow(/cannot create/);
  expect(() => checkHostPathType(d, 'FileOrCreate')).toThrow(/is not a file/);
});
