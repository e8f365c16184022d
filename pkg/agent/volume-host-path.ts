// hostPath volumes: the type checks kubelet makes before mounting (pkg/volume/hostpath checkType).
// The path is bound into the container by the runtime; nothing is mounted on the host.
import fs from 'node:fs';
import { errnoCode, VolumeError } from './volume-errors';

const statOrUndefined = (p: string): fs.Stats | undefined => {
  try {
    return fs.statSync(p);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return undefined;
    throw err;
  }
};

const checks: Record<string, { is: (st: fs.Stats) => boolean; what: string }> = {
  Directory: { is: (st) => st.isDirectory(), what: 'a directory' },
  File: { is: (st) => st.isFile(), what: 'a file' },
  Socket: { is: (st) => st.isSocket(), what: 'a socket file' },
  CharDevice: { is: (st) => st.isCharacterDevice(), what: 'a character device' },
  BlockDevice: { is: (st) => st.isBlockDevice(), what: 'a block device' },
};

/**
 * Checks (and for the *OrCreate types, creates) `p` per the hostPath `type`. '' checks nothing.
 * DirectoryOrCreate makes the directory with its parents (0755); FileOrCreate an empty file
 * (0644) whose parent must exist, as kubelet's MakeFile.
 */
export const checkHostPathType = (p: string, type = ''): void => {
  if (type === '') return;
  if (type === 'DirectoryOrCreate' || type === 'FileOrCreate') {
    if (!statOrUndefined(p)) {
      try {
        if (type === 'DirectoryOrCreate') fs.mkdirSync(p, { recursive: true, mode: 0o755 });
        else fs.closeSync(fs.openSync(p, fs.constants.O_CREAT | fs.constants.O_WRONLY, 0o644));
      } catch (err) {
        throw new VolumeError(`hostPath type check failed: cannot create ${p}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return checkHostPathType(p, type === 'DirectoryOrCreate' ? 'Directory' : 'File');
  }
  const check = checks[type];
  if (!check) throw new VolumeError(`invalid HostPathType ${type}`);
  const st = statOrUndefined(p);
  if (!st || !check.is(st)) throw new VolumeError(`hostPath type check failed: ${p} is not ${check.what}`);
};
