// The host's device nodes, for privileged containers (containerd pkg/oci/utils_unix.go HostDevices):
// every character and block device under /dev, except the per-container trees the runtime mounts
// itself (pts, shm, mqueue) and the console.
import fs from 'node:fs';
import path from 'node:path';
import type { OciDevice } from './oci-spec';

const skipped = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev', 'console']);

/** glibc's gnu_dev_major / gnu_dev_minor of a dev_t. */
export const devNumbers = (rdev: number): { major: number; minor: number } => {
  const d = BigInt(rdev);
  return {
    major: Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn)),
    minor: Number((d & 0xffn) | ((d >> 12n) & ~0xffn)),
  };
};

export const hostDevices = (dir = '/dev'): OciDevice[] => {
  const out: OciDevice[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...hostDevices(p));
    if (!e.isCharacterDevice() && !e.isBlockDevice()) continue;
    const st = fs.statSync(p);
    out.push({ path: p, type: e.isCharacterDevice() ? 'c' : 'b', ...devNumbers(st.rdev), fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  }
  return out;
};
