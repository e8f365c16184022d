import { cgroupMountRecords, escapeField, MS, mountFlags, renderExecSpec } from './exec-spec';
import { defaultMounts, type OciSpec } from './oci-spec';

test.each([
  { in: '', want: '%' },
  { in: '/bin/sh', want: '/bin/sh' },
  { in: 'a b', want: 'a%20b' },
  { in: 'x\ny%', want: 'x%0Ay%25' },
  { in: 'é', want: '%C3%A9' },
  { in: 'PATH=/a:/b', want: 'PATH=/a:/b' },
])('escapeField($in)', ({ in: input, want }) => {
  expect(escapeField(input)).toBe(want);
});

test.each([
  { opts: ['nosuid', 'noexec', 'nodev'], flags: MS.NOSUID | MS.NOEXEC | MS.NODEV, data: '' },
  { opts: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'], flags: MS.NOSUID | MS.STRICTATIME, data: 'mode=755,size=65536k' },
  { opts: ['rbind', 'rprivate', 'ro'], flags: MS.BIND | MS.REC | MS.RDONLY, data: '' },
  { opts: ['rbind', 'rw'], flags: MS.BIND | MS.REC, data: '' },
])('mountFlags($opts)', ({ opts, flags, data }) => {
  expect(mountFlags(opts)).toEqual({ flags, data });
});

test('renderExecSpec writes the records berth-shim expects, in order', () => {
  const spec: OciSpec = {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, hostname: 'h', mounts: [defaultMounts()[0], { destination: '/etc/hosts', type: 'bind', source: '/sb/hosts', options: ['rbind', 'rw'] }],
    process: { terminal: false, user: { uid: 1, gid: 2, additionalGids: [3] }, args: ['sh', '-c', 'echo a b'], env: ['PATH=/bin'], cwd: '/' },
    linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/ns/net' }], cgroupsPath: '/b/c', maskedPaths: ['/proc/kcore'], readonlyPaths: ['/proc/sys'] },
  };
  const lines = renderExecSpec({ spec, rootPath: '/c/rootfs', cgroupDirs: ['/sys/fs/cgroup/memory/b/c'], cgroupBinds: [], isFile: (p) => p === '/sb/hosts' }).split('\n');
  expect(lines.slice(0, 8)).toEqual([
    'berth-exec-spec 1', 'root /c/rootfs', 'hostname h', 'newns pid', 'ns net /ns/net', 'cgroup /sys/fs/cgroup/memory/b/c',
    `rootprop ${MS.PRIVATE | MS.REC}`, `mount dir proc /proc proc ${MS.NOSUID | MS.NOEXEC | MS.NODEV} %`,
  ]);
  expect(lines).toContain(`mount file /sb/hosts /etc/hosts % ${MS.BIND | MS.REC} %`);
  expect(lines).toContain(`mount file /dev/null /dev/null % ${MS.BIND} %`);
  expect(lines).toContain('symlink /proc/self/fd /dev/fd');
  expect(lines.slice(-8)).toEqual(['readonly /proc/sys', 'user 1 2 3', 'cwd /', 'env PATH=/bin', 'arg sh', 'arg -c', 'arg echo%20a%20b', '']);
});

const cgroupMount = defaultMounts().find((m) => m.type === 'cgroup')!;
const cgFlags = MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RELATIME;

test.each([
  {
    name: 'separate hierarchies: tmpfs, one read-only bind each, tmpfs read-only last',
    binds: [{ name: 'memory', hostDir: '/sys/fs/cgroup/memory/b/c', links: [] }, { name: 'pids', hostDir: '/sys/fs/cgroup/pids/b/c', links: [] }],
    want: [
      `mount dir tmpfs /sys/fs/cgroup tmpfs ${cgFlags} mode=755`,
      `mount dir /sys/fs/cgroup/memory/b/c /sys/fs/cgroup/memory % ${MS.BIND | MS.REC | cgFlags | MS.RDONLY} %`,
      `mount dir /sys/fs/cgroup/pids/b/c /sys/fs/cgroup/pids % ${MS.BIND | MS.REC | cgFlags | MS.RDONLY} %`,
      `remount /sys/fs/cgroup ${MS.REMOUNT | MS.BIND | cgFlags | MS.RDONLY}`,
    ],
  },
  {
    name: 'co-mounted controllers get symlinks before the tmpfs turns read-only',
    binds: [{ name: 'cpu,cpuacct', hostDir: '/sys/fs/cgroup/cpu,cpuacct/b/c', links: ['cpu', 'cpuacct'] }],
    want: [
      `mount dir tmpfs /sys/fs/cgroup tmpfs ${cgFlags} mode=755`,
      `mount dir /sys/fs/cgroup/cpu,cpuacct/b/c /sys/fs/cgroup/cpu,cpuacct % ${MS.BIND | MS.REC | cgFlags | MS.RDONLY} %`,
      'symlink cpu,cpuacct /sys/fs/cgroup/cpu', 'symlink cpu,cpuacct /sys/fs/cgroup/cpuacct',
      `remount /sys/fs/cgroup ${MS.REMOUNT | MS.BIND | cgFlags | MS.RDONLY}`,
    ],
  },
])('cgroupMountRecords: $name', ({ binds, want }) => {
  expect(cgroupMountRecords(cgroupMount, binds)).toEqual(want);
});

test('a writable cgroup mount is not remounted read-only', () => {
  const rw = { ...cgroupMount, options: ['nosuid', 'noexec', 'nodev'] };
  expect(cgroupMountRecords(rw, [{ name: 'memory', hostDir: '/h', links: [] }])).toEqual([
    `mount dir tmpfs /sys/fs/cgroup tmpfs ${MS.NOSUID | MS.NOEXEC | MS.NODEV} mode=755`,
    `mount dir /h /sys/fs/cgroup/memory % ${MS.BIND | MS.REC | MS.NOSUID | MS.NOEXEC | MS.NODEV} %`,
  ]);
});

test('renderExecSpec expands the cgroup mount in place, after /sys and before the device nodes', () => {
  const spec: OciSpec = {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, mounts: defaultMounts(),
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['true'], env: [], cwd: '/' },
    linux: { namespaces: [], cgroupsPath: '/b/c', maskedPaths: [], readonlyPaths: [] },
  };
  const binds = [{ name: 'memory', hostDir: '/sys/fs/cgroup/memory/b/c', links: [] }];
  const lines = renderExecSpec({ spec, rootPath: '/r', cgroupDirs: ['/sys/fs/cgroup/memory/b/c'], cgroupBinds: binds, isFile: () => false }).split('\n');
  const sys = lines.findIndex((l) => l.startsWith('mount dir sysfs /sys '));
  expect(lines.slice(sys + 1, sys + 4)).toEqual([
    `mount dir tmpfs /sys/fs/cgroup tmpfs ${cgFlags} mode=755`,
    `mount dir /sys/fs/cgroup/memory/b/c /sys/fs/cgroup/memory % ${MS.BIND | MS.REC | cgFlags | MS.RDONLY} %`,
    `remount /sys/fs/cgroup ${MS.REMOUNT | MS.BIND | cgFlags | MS.RDONLY}`,
  ]);
  expect(lines[sys + 4]).toBe(`mount file /dev/null /dev/null % ${MS.BIND} %`);
});

test('security records: read-only root, capability masks, no_new_privs, extra devices', () => {
  const spec: OciSpec = {
    ociVersion: '1.0.2', root: { path: 'rootfs', readonly: true }, mounts: [],
    process: {
      terminal: false, user: { uid: 1000, gid: 1000 }, args: ['true'], env: [], cwd: '/', noNewPrivileges: true,
      capabilities: { bounding: ['CAP_CHOWN', 'CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'], ambient: ['CAP_KILL'], inheritable: ['CAP_KILL'] },
    },
    linux: { namespaces: [], cgroupsPath: '/x', maskedPaths: ['/proc/kcore'], readonlyPaths: [], devices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3 }, { path: '/dev/sda', type: 'b', major: 8, minor: 0 }] },
  };
  const lines = renderExecSpec({ spec, rootPath: '/r', cgroupDirs: [], cgroupBinds: [], isFile: () => true }).split('\n');
  expect(lines.filter((l) => l.startsWith('mount file /dev/'))).toHaveLength(7);
  expect(lines).toContain(`mount file /dev/sda /dev/sda % ${MS.BIND} %`);
  expect(lines.slice(lines.indexOf('masked /proc/kcore'), lines.indexOf('cwd /'))).toEqual([
    'masked /proc/kcore', 'readonlyroot', 'user 1000 1000', 'caps 33 32 32 32 32', 'nonewprivs',
  ]);
});

test('without capabilities in the spec there is no caps record (the process keeps the shim\'s)', () => {
  const spec: OciSpec = {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, mounts: [], process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['true'], env: [], cwd: '/' },
    linux: { namespaces: [], cgroupsPath: '/x', maskedPaths: [], readonlyPaths: [] },
  };
  const text = renderExecSpec({ spec, rootPath: '/r', cgroupDirs: [], cgroupBinds: [], isFile: () => true });
  expect(text).not.toMatch(/^(caps|nonewprivs|readonlyroot)/m);
});

test('cgroup v2: the container\'s own cgroup directory bound at /sys/fs/cgroup', () => {
  expect(cgroupMountRecords(cgroupMount, [{ name: '', hostDir: '/sys/fs/cgroup/b/c', links: [] }])).toEqual([
    `mount dir /sys/fs/cgroup/b/c /sys/fs/cgroup % ${MS.BIND | MS.REC | cgFlags | MS.RDONLY} %`,
  ]);
});

test.each([
  { name: 'private bind under a private root: no extra step', option: 'rprivate', root: 'rprivate', want: [] },
  { name: 'slave bind: propagation set after the bind', option: 'rslave', root: 'rslave', want: [`remount /data ${MS.SLAVE | MS.REC}`] },
  { name: 'shared bind', option: 'rshared', root: 'rshared', want: [`remount /data ${MS.SHARED | MS.REC}`] },
  { name: 'private bind under a slave root is made private', option: 'rprivate', root: 'rslave', want: [`remount /data ${MS.PRIVATE | MS.REC}`] },
])('bind propagation: $name', ({ option, root, want }) => {
  const spec: OciSpec = {
    ociVersion: '1.0.2', root: { path: 'rootfs' }, mounts: [{ destination: '/data', type: 'bind', source: '/h', options: ['rbind', option, 'ro'] }],
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['true'], env: [], cwd: '/' },
    linux: { namespaces: [], cgroupsPath: '/x', maskedPaths: [], readonlyPaths: [], rootfsPropagation: root },
  };
  const lines = renderExecSpec({ spec, rootPath: '/r', cgroupDirs: [], cgroupBinds: [], isFile: () => false }).split('\n');
  const at = lines.indexOf(`mount dir /h /data % ${MS.BIND | MS.REC | MS.RDONLY} %`);
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1).filter((l) => l.startsWith('remount /data'))).toEqual(want);
});
