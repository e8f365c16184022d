// Test helper (not exported from index.ts): a minimal busybox root filesystem made from the host's
// busybox-static, for protocol and integration tests that must not depend on the image store.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const makeBusyboxRootfs = (dir: string): string => {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) fs.symlinkSync('busybox', path.join(dir, 'bin', a));
  fs.writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return dir;
};
