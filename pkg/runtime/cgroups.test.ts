import { cgroupBinds, cgroupDirs, createCgroup, hostHierarchyOf, oomKillCount, podCgroupPath, removeCgroupTree, resourceWrites } from './cgroups';
import { RecordingSyscalls } from './syscalls';

test.each([
  { name: 'nothing set', r: undefined, want: [] },
  { name: 'zero means unset', r: { memoryLimitInBytes: 0, cpuShares: 0 }, want: [] },
  {
    name: 'all limits, period before quota', r: { memoryLimitInBytes: 67108864, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000 },
    want: [
      { controller: 'memory', file: 'memory.limit_in_bytes', value: '67108864' }, { controller: 'cpu', file: 'cpu.shares', value: '512' },
      { controller: 'cpu', file: 'cpu.cfs_period_us', value: '100000' }, { controller: 'cpu', file: 'cpu.cfs_quota_us', value: '50000' },
    ],
  },
])('resourceWrites: $name', ({ r, want }) => {
  expect(resourceWrites(r)).toEqual(want);
});

test.each([
  { parent: 'berth', uid: 'u1', requested: undefined, want: '/berth/podu1' },
  { parent: 'berth-test-x', uid: 'u1', requested: '/kubepods/burstable', want: '/berth-test-x/kubepods/burstable/podu1' },
])('podCgroupPath($parent, $requested)', ({ parent, uid, requested, want }) => {
  expect(podCgroupPath(parent, uid, requested)).toBe(want);
});

test('createCgroup makes every controller dir, then writes limits', async () => {
  const sys = new RecordingSyscalls();
  await createCgroup(sys, '/b/p/c', resourceWrites({ memoryLimitInBytes: 1 }), '/cg');
  expect(sys.calls).toEqual([
    ...cgroupDirs('/b/p/c', '/cg').map((path) => ({ op: 'mkdirCgroup', path })),
    { op: 'writeCgroup', path: '/cg/memory/b/p/c/memory.limit_in_bytes', value: '1' },
  ]);
});

test('removeCgroupTree kills leftovers and removes children first', async () => {
  const sys = new RecordingSyscalls();
  sys.cgroupChildren.set('/cg/memory/b', ['p']);
  await removeCgroupTree(sys, '/b', '/cg', 0);
  const rmdirs = sys.calls.filter((c) => c.op === 'rmdirCgroup').map((c) => ('path' in c ? c.path : ''));
  expect(rmdirs).toEqual(['/cg/cpu/b', '/cg/cpuacct/b', '/cg/memory/b/p', '/cg/memory/b', '/cg/pids/b']);
});

test('oomKillCount reads memory.oom_control', async () => {
  const sys = new RecordingSyscalls();
  sys.cgroupFiles.set('/cg/memory/x/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  expect(await oomKillCount(sys, '/x', '/cg')).toBe(2);
  expect(await oomKillCount(sys, '/missing', '/cg')).toBe(0);
});

test.each([
  {
    name: 'separate hierarchies (this host)', hierarchyOf: undefined,
    want: ['cpu', 'cpuacct', 'memory', 'pids'].map((c) => ({ name: c, hostDir: `/cg/${c}/b/p/c`, links: [] })),
  },
  {
    name: 'cpu and cpuacct co-mounted', hierarchyOf: (c: string) => (c === 'cpu' || c === 'cpuacct' ? 'cpu,cpuacct' : c),
    want: [
      { name: 'cpu,cpuacct', hostDir: '/cg/cpu,cpuacct/b/p/c', links: ['cpu', 'cpuacct'] },
      { name: 'memory', hostDir: '/cg/memory/b/p/c', links: [] }, { name: 'pids', hostDir: '/cg/pids/b/p/c', links: [] },
    ],
  },
])('cgroupBinds: $name', ({ hierarchyOf, want }) => {
  expect(cgroupBinds('/b/p/c', hierarchyOf, '/cg')).toEqual(want);
});

test('hostHierarchyOf falls back to the controller name under a missing root', () => {
  expect(hostHierarchyOf('/nonexistent-cgroup-root')('memory')).toBe('memory');
});
