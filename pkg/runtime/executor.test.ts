import { deleteCommand, defaultExecutorSettings, executorForHandler, foreignHierarchies, lastRuntimeError, removeForeignCgroups, startArgs } from './executor';

const files = { bundle: '/r/containers/c1', id: 'c1', log: '/logs/c1.log', exitFile: '/r/containers/c1/exit.json', pidFile: '/r/containers/c1/pid' };
const settings = defaultExecutorSettings('/r', 'native', true);

test.each([
  { name: 'native runs berth-shim run', executor: 'native' as const,
    want: ['run', '--bundle', files.bundle, '--id', 'c1', '--log', files.log, '--exit-file', files.exitFile, '--pid-file', files.pidFile] },
  { name: 'runc under oci-run, detached, state under <root>/runc, JSON log in the bundle', executor: 'runc' as const,
    want: ['oci-run', '--log', files.log, '--exit-file', files.exitFile, '--pid-file', files.pidFile, '--', '/usr/sbin/runc',
      '--root', '/r/runc', '--log', '/r/containers/c1/runc.log', '--log-format', 'json', 'run', '--detach', '--pid-file', files.pidFile, '--bundle', files.bundle, 'c1'] },
  { name: 'crun hides the hybrid v2 mount', executor: 'crun' as const,
    want: ['oci-run', '--log', files.log, '--exit-file', files.exitFile, '--pid-file', files.pidFile, '--umount', '/sys/fs/cgroup/unified', '--', '/usr/bin/crun',
      '--root', '/r/crun', '--log', '/r/containers/c1/crun.log', '--log-format', 'json', 'run', '--detach', '--pid-file', files.pidFile, '--bundle', files.bundle, 'c1'] },
])('startArgs: $name', ({ executor, want }) => {
  expect(startArgs(executor, files, settings)).toEqual(want);
});

test.each([
  { name: 'stdin only', f: { stdin: '/b/attach-stdin' }, want: ['--stdin', '/b/attach-stdin'] },
  { name: 'stdin once', f: { stdin: '/b/attach-stdin', stdinOnce: true }, want: ['--stdin', '/b/attach-stdin', '--stdin-once'] },
  { name: 'TTY with stdin and resizes', f: { tty: true, stdin: '/b/attach-stdin', resize: '/b/attach-resize' }, want: ['--tty', '--stdin', '/b/attach-stdin', '--resize', '/b/attach-resize'] },
  { name: 'stdinOnce without stdin means nothing', f: { stdinOnce: true }, want: [] },
])('startArgs (native) with the attach FIFOs: $name', ({ f, want }) => {
  expect(startArgs('native', { ...files, ...f }, settings).slice(11)).toEqual(want);
});

test('deleteCommand: nothing for native; runc directly; crun inside unshare -m with the v2 mount gone', () => {
  expect(deleteCommand('native', files.bundle, 'c1', settings)).toBeUndefined();
  expect(deleteCommand('runc', files.bundle, 'c1', settings)).toEqual({ file: '/usr/sbin/runc',
    args: ['--root', '/r/runc', '--log', '/r/containers/c1/runc.log', '--log-format', 'json', 'delete', '--force', 'c1'] });
  expect(deleteCommand('crun', files.bundle, 'c1', settings)?.args.slice(0, 4)).toEqual(['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified; exec "$0" "$@"']);
  expect(deleteCommand('crun', files.bundle, 'c1', { ...settings, hideCgroupV2: false })?.file).toBe('/usr/bin/crun');
});

test.each([
  { handler: '', fallback: 'runc' as const, want: 'runc' },
  { handler: 'crun', fallback: 'native' as const, want: 'crun' },
])('executorForHandler($handler) = $want', ({ handler, fallback, want }) => {
  expect(executorForHandler(handler, fallback)).toBe(want);
});

test('executorForHandler refuses unknown handlers', () => {
  expect(() => executorForHandler('kata', 'native')).toThrow('no runtime for "kata" is configured');
});

test.each([
  { name: 'the last error line', log: '{"level":"info","msg":"x"}\n{"level":"error","msg":"container_linux.go: boom"}\n', want: 'container_linux.go: boom' },
  { name: 'plain text', log: 'crun: cannot open\n', want: 'crun: cannot open' },
  { name: 'empty', log: '', want: undefined },
])('lastRuntimeError: $name', ({ log, want }) => {
  expect(lastRuntimeError(log)).toBe(want);
});

test('foreignHierarchies lists the cgroup mounts under the root that the driver does not use', () => {
  const mountinfo = [
    '30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
    '31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
    '32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd',
    '33 30 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    '34 30 0:30 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset',
    '40 25 0:40 / /mnt/x rw - cgroup cgroup rw,blkio',
  ].join('\n');
  expect(foreignHierarchies(mountinfo, '/sys/fs/cgroup', ['memory'])).toEqual(['unified', 'systemd', 'cpuset']);
});

test('removeForeignCgroups climbs from the container to the pod and stops at a busy directory', async () => {
  const removed: string[] = [];
  const rmdir = async (d: string) => {
    if (d.endsWith('/pod1') && d.includes('cpuset')) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
    removed.push(d);
  };
  await removeForeignCgroups(rmdir, '/cg', ['cpuset', 'systemd'], '/berth/pod1/c1', 1);
  expect(removed).toEqual(['/cg/cpuset/berth/pod1/c1', '/cg/systemd/berth/pod1/c1', '/cg/systemd/berth/pod1']);
});
