// Flattens an OCI config.json into exec.spec, the line format berth-shim reads.
// The byte layout is declared here and mirrored in pkg/runtime/native/exec-spec.h:
//
//   - UTF-8 text; records end with '\n'; fields are separated by one ' ' (0x20).
//   - field 0 is the keyword; the first record is `berth-exec-spec 1`.
//   - other fields are percent-encoded: every byte outside [A-Za-z0-9._/:=,@+-] becomes %XX
//     (upper-case hex); an empty field is a lone `%`.
//   - records: root PATH | overlay DATA | hostname NAME | ns TYPE PATH | newns TYPE | cgroup DIR | rootprop FLAGS |
//     mount KIND SRC DST TYPE FLAGS DATA | remount DST FLAGS | symlink TARGET LINK | masked PATH |
//     readonly PATH | readonlyroot | user UID GID [GID…] | caps BND EFF PRM INH AMB | nonewprivs | oomscoreadj N | seccomp HEX |
//     cwd PATH | env NAME=VALUE | arg VALUE
//   - caps: five capability sets as decimal bit masks (bit N = capability number N, oci-spec.ts
//     capabilityNumbers); without a caps record the process keeps the shim's capabilities.
//   - mount, remount and symlink are the root filesystem steps: the shim applies them in file order,
//     before pivot_root (`remount` is mount(2) with no source or type and FLAGS as given: with
//     MS_REMOUNT it lets a symlink land in a tmpfs before the tmpfs turns read-only; with a
//     propagation flag (MS_SLAVE|MS_REC…) it sets a bind mount's propagation after the bind).
//
// Every decision (flags, order, which device nodes, symlinks) is made here; the shim replays.
// An OCI `cgroup` mount becomes, as runc does it on v1 (libcontainer/rootfs_linux.go mountCgroupV1):
//   mount dir tmpfs DST tmpfs FLAGS-without-ro mode=755     a writable tmpfs for the hierarchy dirs
//   mount dir HOSTDIR DST/NAME % BIND|REC|FLAGS %            one per hierarchy: the container's own cgroup
//   symlink NAME DST/CONTROLLER                              co-mounted controllers (cpu → cpu,cpuacct)
//   remount DST REMOUNT|BIND|FLAGS                           the tmpfs read-only (when the mount is `ro`)
// On cgroup v2 (one bind, name '') it is a single bind of the container's own cgroup directory.
import path from 'node:path';
import type { CgroupBind } from './cgroups';
import { defaultDevices, defaultDevSymlinks, type OciCapabilities, type OciMount, type OciNamespaceType, type OciSpec } from './oci-spec';
import { seccompProgramHex } from './seccomp-bpf';
import { capMask } from './security';

// mount(2) flags from <sys/mount.h>.
export const MS = {
  RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, REMOUNT: 32, BIND: 4096, REC: 16384,
  PRIVATE: 1 << 18, SLAVE: 1 << 19, SHARED: 1 << 20, RELATIME: 1 << 21, STRICTATIME: 1 << 24,
} as const;

const optionFlags: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, bind: MS.BIND, rbind: MS.BIND | MS.REC,
  relatime: MS.RELATIME, strictatime: MS.STRICTATIME,
};
// Options that only clear flags or set propagation on the root; they carry no mount(2) data.
const ignoredOptions = new Set(['rw', 'suid', 'dev', 'exec', 'private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);

const propagationFlags: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC,
  shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
};

/** Splits OCI mount options into mount(2) flags and the comma-joined data string. */
export const mountFlags = (options: string[] = []): { flags: number; data: string } => {
  let flags = 0;
  const data: string[] = [];
  for (const o of options) {
    if (o in optionFlags) flags |= optionFlags[o];
    else if (!ignoredOptions.has(o)) data.push(o);
  }
  return { flags, data: data.join(',') };
};

export const escapeField = (s: string): string => {
  if (s === '') return '%';
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._/:=,@+-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

const record = (keyword: string, ...fields: (string | number)[]): string =>
  [keyword, ...fields.map((f) => escapeField(String(f)))].join(' ');

const nsName: Record<OciNamespaceType, string> = { pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup' };

export interface ExecSpecInputs {
  spec: OciSpec;
  /** Absolute host path of the root filesystem (config.json may hold it relative to the bundle). */
  rootPath: string;
  /** Overlay mount data for the root, mounted by the shim inside the container (native executor only). */
  overlay?: string;
  /** Absolute cgroup directories to join, one per v1 controller (or one for v2). */
  cgroupDirs: string[];
  /** What an OCI `cgroup` mount shows: the container's own directory of each v1 hierarchy. */
  cgroupBinds: CgroupBind[];
  /** Whether a bind mount's host source is a regular file (decides what mount point to create). */
  isFile: (hostPath: string) => boolean;
}

/**
 * A mount, then (binds only) its propagation as a separate step: mount(2) changes propagation
 * only in a call of its own, as runc applies a mount's pflags after the mount.
 */
const mountRecords = (m: OciMount, isFile: (p: string) => boolean, rootPrivate: boolean): string[] => {
  const { flags, data } = mountFlags(m.options);
  const kind = (flags & MS.BIND) !== 0 && isFile(m.source) ? 'file' : 'dir';
  const lines = [record('mount', kind, m.source, m.destination, m.type === 'bind' ? '' : m.type, flags, data)];
  // Under a private root a bind is private already; the step is needed for slave/shared, or for a
  // private bind under a slave/shared root.
  const prop = (m.options ?? []).find((o) => o in propagationFlags && (!rootPrivate || !o.endsWith('private')));
  if ((flags & MS.BIND) !== 0 && prop) lines.push(record('remount', m.destination, propagationFlags[prop]));
  return lines;
};

/** The steps of an OCI `cgroup` mount on v1 (see the header): tmpfs, binds, links, read-only. */
export const cgroupMountRecords = (m: OciMount, binds: CgroupBind[]): string[] => {
  const { flags, data } = mountFlags(m.options);
  if (binds.length === 1 && binds[0].name === '') return [record('mount', 'dir', binds[0].hostDir, m.destination, '', MS.BIND | MS.REC | flags, '')];
  const dst = (name: string) => path.posix.join(m.destination, name);
  const lines = [record('mount', 'dir', 'tmpfs', m.destination, 'tmpfs', flags & ~MS.RDONLY, ['mode=755', data].filter(Boolean).join(','))];
  for (const b of binds) lines.push(record('mount', 'dir', b.hostDir, dst(b.name), '', MS.BIND | MS.REC | flags, ''));
  for (const b of binds) for (const link of b.links) lines.push(record('symlink', b.name, dst(link)));
  if (flags & MS.RDONLY) lines.push(record('remount', m.destination, MS.REMOUNT | MS.BIND | flags));
  return lines;
};

export const capsRecord = (c: OciCapabilities): string =>
  record('caps', capMask(c.bounding), capMask(c.effective), capMask(c.permitted), capMask(c.inheritable), capMask(c.ambient));

/** Renders exec.spec for `spec`. Device nodes and /dev symlinks follow the mounts, as in runc. */
export const renderExecSpec = ({ spec, rootPath, overlay, cgroupDirs, cgroupBinds, isFile }: ExecSpecInputs): string => {
  const lines = ['berth-exec-spec 1', record('root', rootPath), ...(overlay ? [record('overlay', overlay)] : [])];
  if (spec.hostname) lines.push(record('hostname', spec.hostname));
  for (const ns of spec.linux.namespaces) {
    lines.push(ns.path ? record('ns', nsName[ns.type], ns.path) : record('newns', nsName[ns.type]));
  }
  for (const dir of cgroupDirs) lines.push(record('cgroup', dir));
  lines.push(record('rootprop', propagationFlags[spec.linux.rootfsPropagation ?? 'rprivate'] ?? MS.PRIVATE | MS.REC));
  for (const m of spec.mounts) {
    if (m.type === 'cgroup') lines.push(...cgroupMountRecords(m, cgroupBinds));
    else lines.push(...mountRecords(m, isFile, (spec.linux.rootfsPropagation ?? 'rprivate').endsWith('private')));
  }
  const devices = [...new Set([...defaultDevices, ...(spec.linux.devices ?? []).map((d) => d.path)])];
  for (const dev of devices) lines.push(record('mount', 'file', dev, dev, '', MS.BIND, ''));
  for (const [target, link] of defaultDevSymlinks) lines.push(record('symlink', target, link));
  for (const p of spec.linux.maskedPaths) lines.push(record('masked', p));
  for (const p of spec.linux.readonlyPaths) lines.push(record('readonly', p));
  if (spec.root.readonly) lines.push('readonlyroot');
  const u = spec.process.user;
  lines.push(record('user', u.uid, u.gid, ...(u.additionalGids ?? [])));
  if (spec.process.capabilities) lines.push(capsRecord(spec.process.capabilities));
  if (spec.process.noNewPrivileges) lines.push('nonewprivs');
  if (spec.process.oomScoreAdj !== undefined) lines.push(record('oomscoreadj', spec.process.oomScoreAdj));
  if (spec.linux.seccomp) lines.push(record('seccomp', seccompProgramHex(spec.linux.seccomp)));
  lines.push(record('cwd', spec.process.cwd));
  for (const e of spec.process.env) lines.push(record('env', e));
  for (const a of spec.process.args) lines.push(record('arg', a));
  return lines.join('\n') + '\n';
};
