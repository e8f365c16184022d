import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectCgroupDriver, detectCgroupVersion } from './cgroup-driver';
import { cgroupDirs, createCgroup, keyedValue, podCgroupPath, removeCgroup, removeCgroupTree } from './cgroups';
import { cgroupV1, deviceRule, hostHierarchyOf, v1Binds, v1Writes } from './cgroups-v1';
import { ancestors, cgroupV2, sharesToWeight, v2Writes } from './cgroups-v2';
import { defaultDeviceRules } from './oci-spec';
import { hostSyscalls, RecordingSyscalls } from './syscalls';

test.each([
  { name: 'nothing set', r: undefined, want: [] },
  { name: 'zero means unset', r: { memory: { limit: 0 }, cpu: { shares: 0 } }, want: [] },
  {
    name: 'all limits, period before quota, pids', r: { memory: { limit: 67108864 }, cpu: { shares: 512, quota: 50000, period: 100000 }, pids: { limit: 64 } },
    want: [
      { controller: 'memory', file: 'memory.limit_in_bytes', value: '67108864' }, { controller: 'cpu', file: 'cpu.shares', value: '512' },
      { controller: 'cpu', file: 'cpu.cfs_period_us', value: '100000' }, { controller: 'cpu', file: 'cpu.cfs_quota_us', value: '50000' },
      { controller: 'pids', file: 'pids.max', value: '64' },
    ],
  },
  {
    name: 'device rules, deny first', r: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c' as const, major: 1, minor: 3, access: 'rwm' }] },
    want: [{ controller: 'devices', file: 'devices.deny', value: 'a *:* rwm' }, { controller: 'devices', file: 'devices.allow', value: 'c 1:3 rwm' }],
  },
])('v1Writes: $name', ({ r, want }) => {
  expect(v1Writes(r)).toEqual(want);
});

test('the default device rules are runc\'s', () => {
  expect(defaultDeviceRules.map(deviceRule)).toEqual([
    'a *:* rwm', 'c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm',
    'c 5:0 rwm', 'c 5:1 rwm', 'c 5:2 rwm', 'c 10:200 rwm', 'c 136:* rwm',
  ]);
});

test.each([
  { name: 'nothing set', r: undefined, want: [] },
  {
    name: 'all limits', r: { memory: { limit: 1024 }, cpu: { shares: 1024, quota: 20000, period: 100000 }, pids: { limit: 10 }, devices: defaultDeviceRules },
    want: [['memory.max', '1024'], ['cpu.weight', '39'], ['cpu.max', '20000 100000'], ['pids.max', '10']],
  },
  { name: 'period without quota is unlimited', r: { cpu: { period: 50000 } }, want: [['cpu.max', 'max 50000']] },
])('v2Writes: $name', ({ r, want }) => {
  expect(v2Writes(r)).toEqual(want.map(([file, value]) => ({ controller: '', file, value })));
});

test.each([[0, 0], [2, 1], [1024, 39], [262144, 10000]])('sharesToWeight(%d) = %d', (shares, weight) => {
  expect(sharesToWeight(shares)).toBe(weight);
});

test.each([
  { parent: 'berth', uid: 'u1', requested: undefined, want: '/berth/podu1' },
  { parent: 'berth-test-x', uid: 'u1', requested: '/kubepods/burstable/podu1', want: '/berth-test-x/kubepods/burstable/podu1' },
  { parent: 'berth', uid: 'u1', requested: 'kubepods/podu1', want: '/berth/kubepods/podu1' },
])('podCgroupPath($parent, $requested)', ({ parent, uid, requested, want }) => {
  expect(podCgroupPath(parent, uid, requested)).toBe(want);
});

test('podCgroupPath refuses to leave the runtime parent', () => {
  expect(() => podCgroupPath('berth', 'u', '/kubepods/../../etc')).toThrow(/must not contain/);
});

test('v1: createCgroup makes every controller dir, then writes limits', async () => {
  const sys = new RecordingSyscalls();
  const d = cgroupV1('/cg');
  await createCgroup(sys, d, '/b/p/c', d.writes({ memory: { limit: 1 } }));
  expect(sys.calls).toEqual([
    ...['cpu', 'cpuacct', 'memory', 'pids', 'devices'].map((c) => ({ op: 'mkdirCgroup', path: `/cg/${c}/b/p/c` })),
    { op: 'writeCgroup', path: '/cg/memory/b/p/c/memory.limit_in_bytes', value: '1' },
  ]);
});

test('removeCgroupTree kills leftovers and removes children first', async () => {
  const sys = new RecordingSyscalls();
  sys.cgroupChildren.set('/cg/memory/b', ['p']);
  await removeCgroupTree(sys, cgroupV1('/cg'), '/b', 0);
  const rmdirs = sys.calls.filter((c) => c.op === 'rmdirCgroup').map((c) => ('path' in c ? c.path : ''));
  expect(rmdirs).toEqual(['/cg/cpu/b', '/cg/cpuacct/b', '/cg/memory/b/p', '/cg/memory/b', '/cg/pids/b', '/cg/devices/b']);
});

test.each([
  { name: 'v1 memory.oom_control', d: cgroupV1('/cg'), file: '/cg/memory/x/memory.oom_control', text: 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n' },
  { name: 'v2 memory.events', d: cgroupV2('/cg'), file: '/cg/x/memory.events', text: 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\noom_group_kill 0\n' },
])('oomKillCount: $name', async ({ d, file, text }) => {
  const sys = new RecordingSyscalls();
  sys.cgroupFiles.set(file, text);
  expect(await d.oomKillCount(sys, '/x')).toBe(2);
  expect(await d.oomKillCount(sys, '/missing')).toBe(0);
});

test.each([
  { name: 'v1 cpuacct.usage', d: cgroupV1('/cg'), file: '/cg/cpuacct/x/cpuacct.usage', text: '123456789\n', want: 123456789 },
  { name: 'v2 cpu.stat', d: cgroupV2('/cg'), file: '/cg/x/cpu.stat', text: 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n', want: 1500000 },
])('cpuUsageNanos: $name', async ({ d, file, text, want }) => {
  const sys = new RecordingSyscalls();
  sys.cgroupFiles.set(file, text);
  expect(await d.cpuUsageNanos(sys, '/x')).toBe(want);
});

test('keyedValue takes whole lines only', () => {
  expect(keyedValue('oom 5\noom_kill 1\n', 'oom')).toBe(5);
  expect(keyedValue(undefined, 'oom')).toBe(0);
});

test.each([
  {
    name: 'separate hierarchies (this host)', hierarchyOf: (c: string) => c,
    want: ['cpu', 'cpuacct', 'memory', 'pids', 'devices'].map((c) => ({ name: c, hostDir: `/cg/${c}/b/p/c`, links: [] })),
  },
  {
    name: 'cpu and cpuacct co-mounted', hierarchyOf: (c: string) => (c === 'cpu' || c === 'cpuacct' ? 'cpu,cpuacct' : c),
    want: [
      { name: 'cpu,cpuacct', hostDir: '/cg/cpu,cpuacct/b/p/c', links: ['cpu', 'cpuacct'] },
      { name: 'memory', hostDir: '/cg/memory/b/p/c', links: [] }, { name: 'pids', hostDir: '/cg/pids/b/p/c', links: [] },
      { name: 'devices', hostDir: '/cg/devices/b/p/c', links: [] },
    ],
  },
])('v1Binds: $name', ({ hierarchyOf, want }) => {
  expect(v1Binds('/b/p/c', hierarchyOf, '/cg')).toEqual(want);
});

test('hostHierarchyOf falls back to the controller name under a missing root', () => {
  expect(hostHierarchyOf('/nonexistent-cgroup-root')('memory')).toBe('memory');
});

test('v2 ancestors, root first', () => {
  expect(ancestors('/cg', '/berth/kubepods/pod1/c1')).toEqual(['/cg', '/cg/berth', '/cg/berth/kubepods', '/cg/berth/kubepods/pod1']);
});

// A fake cgroup2 tree on an ordinary directory: detection, controller delegation, limits, removal.
describe('cgroup v2 against a fake cgroupfs tree', () => {
  let root = '';
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cg2-'));
    fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('detection picks v2 here and v1 on a hybrid layout', () => {
    expect(detectCgroupVersion(root)).toBe(2);
    expect(detectCgroupDriver(root)).toMatchObject({ version: 2, root, hierarchies: [''] });
    fs.rmSync(path.join(root, 'cgroup.controllers'));
    fs.mkdirSync(path.join(root, 'unified'));
    fs.writeFileSync(path.join(root, 'unified', 'cgroup.controllers'), '');
    expect(detectCgroupVersion(root)).toBe(1);
  });

  test('create enables the controllers in every ancestor, makes one directory and writes the v2 files', async () => {
    const sys = hostSyscalls('/nonexistent-shim');
    const d = detectCgroupDriver(root);
    const cg = '/berth/kubepods/burstable/pod1/c1';
    await createCgroup(sys, d, cg, d.writes({ memory: { limit: 64 << 20 }, cpu: { shares: 204, quota: 20000, period: 100000 }, pids: { limit: 32 } }));
    for (const dir of ancestors(root, cg)) expect(fs.readFileSync(path.join(dir, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +memory +pids');
    const leaf = path.join(root, cg);
    expect(cgroupDirs(d, cg)).toEqual([leaf]);
    const read = (f: string) => fs.readFileSync(path.join(leaf, f), 'utf8');
    expect([read('memory.max'), read('cpu.weight'), read('cpu.max'), read('pids.max')]).toEqual([String(64 << 20), '8', '20000 100000', '32']);
    expect(d.binds(cg)).toEqual([{ name: '', hostDir: leaf, links: [] }]);
    fs.writeFileSync(path.join(leaf, 'memory.events'), 'oom 1\noom_kill 1\n');
    expect(await d.oomKillCount(sys, cg)).toBe(1);
    for (const f of fs.readdirSync(leaf)) fs.rmSync(path.join(leaf, f)); // a real cgroupfs has no removable files
    await removeCgroup(sys, d, cg);
    expect(fs.existsSync(leaf)).toBe(false);
  });

  test('a root that offers none of the controllers gets no subtree_control writes', async () => {
    fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'hugetlb\n');
    const sys = new RecordingSyscalls();
    sys.cgroupFiles.set(`${root}/cgroup.controllers`, 'hugetlb\n');
    await cgroupV2(root).prepare(sys, '/berth/pod1');
    expect(sys.calls).toEqual([]);
  });
});
