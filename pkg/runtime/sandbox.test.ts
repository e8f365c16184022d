import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../log';
import { cgroupV1 } from './cgroups-v1';
import { SandboxManager } from './sandbox';
import { KeyedMutex, runtimeLayout, StateStore } from './state';
import { RecordingSyscalls, type RecordedCall } from './syscalls';

const cniResult = JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '10.9.0.7/24', gateway: '10.9.0.1' }] });

const setup = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sb-'));
  const sys = new RecordingSyscalls();
  sys.execResults.set('/cni/bridge', cniResult);
  const stopped: string[] = [];
  /** Live processes by pid → comm (the fake /proc); SIGKILL removes one. */
  const procs = new Map<number, string>();
  const kill = sys.kill.bind(sys);
  sys.kill = (pid, signal) => { const had = kill(pid, signal); if (signal === 'SIGKILL') procs.delete(pid); return had; };
  const mgr = new SandboxManager({
    sys, state: new StateStore(runtimeLayout(root)), locks: new KeyedMutex(), log: silentLogger(), cgroupParent: 'berth', cgroups: cgroupV1('/cg'), podPidsLimit: 100,
    network: { root, bridge: 'br0', podCidr: '10.9.0.0/24', networkName: 'n', cniBinDir: '/cni' }, now: () => 1, hostResolvConf: () => 'nameserver 1.1.1.1\n',
    hostHosts: () => '127.0.0.1\tlocalhost\n192.168.1.5\tnode-1\n', nodeHostname: () => 'node-1',
    holdsPidNamespace: (pid) => procs.get(pid) === 'pause', sleep: async () => undefined,
  }, { stopAllIn: async (id) => { stopped.push(`stop ${id}`); }, removeAllIn: async (id) => { stopped.push(`remove ${id}`); } });
  return { root, sys, mgr, stopped, procs, done: () => fs.rmSync(root, { recursive: true, force: true }) };
};

const summary = (c: RecordedCall): string => {
  switch (c.op) {
    case 'exec': return `exec ${path.basename(c.file)} ${c.env?.CNI_COMMAND ?? c.args.join(' ')} ${c.env?.CNI_IFNAME ?? ''}`.trim();
    case 'spawnHelper': return `helper ${c.args[0]}`;
    case 'mount': return `mount ${c.req.type} ${path.basename(c.req.target)} ${c.req.options.join(',')}`;
    case 'writeCgroup': return `write ${c.path}`;
    case 'kill': return `kill ${c.pid}`;
    default: return `${c.op} ${c.path.replace(/.*\/(ns\/\w+|shm)$/, '$1')}`;
  }
};

const controllers = ['cpu', 'cpuacct', 'memory', 'pids', 'devices'];

const config = { metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 }, dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc'], options: [] } };

test('RunPodSandbox: namespaces, pod cgroup, CNI, then the /etc files', async () => {
  const { sys, mgr, root, done } = setup();
  try {
    const id = await mgr.run(config);
    expect(sys.calls.map(summary)).toEqual([
      'helper ns-create', 'mount tmpfs shm nosuid,nodev,noexec,mode=1777,size=65536k',
      ...controllers.map((c) => `mkdirCgroup /cg/${c}/berth/podu1`), 'write /cg/pids/berth/podu1/pids.max',
      'exec loopback ADD lo', 'exec bridge ADD eth0',
    ]);
    const bridgeCall = sys.calls[9];
    expect(bridgeCall.op === 'exec' && JSON.parse(bridgeCall.input ?? '')).toMatchObject({ type: 'bridge', bridge: 'br0', ipMasq: false, isGateway: true });
    const dir = path.join(root, 'sandboxes', id);
    expect(fs.readFileSync(path.join(dir, 'hosts'), 'utf8')).toContain('10.9.0.7\tweb\n');
    expect(fs.readFileSync(path.join(dir, 'resolv.conf'), 'utf8')).toBe('nameserver 10.96.0.10\nsearch default.svc\n');
    expect((await mgr.status(id))).toMatchObject({ state: 'SANDBOX_READY', network: { ip: '10.9.0.7' } });
    await expect(mgr.run(config)).rejects.toThrow(/reserved/);
  } finally { done(); }
});

test('Stop tears the network down once; Remove unmounts and removes everything, twice is fine', async () => {
  const { sys, mgr, root, stopped, done } = setup();
  try {
    const id = await mgr.run(config);
    sys.calls.length = 0;
    await mgr.stop(id);
    await mgr.stop(id);
    expect(sys.calls.map(summary)).toEqual(['exec bridge DEL eth0', 'exec loopback DEL lo']);
    sys.calls.length = 0;
    await mgr.remove(id);
    await mgr.remove(id);
    expect(sys.calls.map(summary)).toEqual([
      'umount ns/net', 'umount ns/uts', 'umount ns/ipc', 'umount shm',
      ...controllers.map((c) => `rmdirCgroup /cg/${c}/berth/podu1`),
    ]);
    expect(stopped).toEqual([`stop ${id}`, `stop ${id}`, `remove ${id}`, `remove ${id}`]);
    expect(fs.existsSync(path.join(root, 'sandboxes', id))).toBe(false);
    expect(await mgr.list()).toEqual([]);
  } finally { done(); }
});

test('a failed CNI ADD undoes the sandbox', async () => {
  const { sys, mgr, root, done } = setup();
  sys.execResults.set('/cni/bridge', 'not json');
  try {
    await expect(mgr.run(config)).rejects.toThrow();
    expect(sys.calls.map(summary)).toEqual(expect.arrayContaining(['exec bridge DEL eth0', 'umount ns/net', 'rmdirCgroup /cg/pids/berth/podu1']));
    expect(fs.readdirSync(path.join(root, 'sandboxes'))).toEqual([]);
  } finally { done(); }
});

test('the pod cgroup: kubelet\'s cgroup_parent under the runtime parent, with the pod resources and the pids limit', async () => {
  const { sys, mgr, done } = setup();
  try {
    await mgr.run({ ...config, linux: { cgroupParent: '/kubepods/burstable/podu1', resources: { cpuShares: 256, memoryLimitInBytes: 1 << 20 } } });
    expect(sys.calls.filter((c) => c.op === 'writeCgroup')).toEqual([
      { op: 'writeCgroup', path: '/cg/memory/berth/kubepods/burstable/podu1/memory.limit_in_bytes', value: String(1 << 20) },
      { op: 'writeCgroup', path: '/cg/cpu/berth/kubepods/burstable/podu1/cpu.shares', value: '256' },
      { op: 'writeCgroup', path: '/cg/pids/berth/kubepods/burstable/podu1/pids.max', value: '100' },
      { op: 'writeCgroup', path: '/cg/cpu/berth/kubepods/burstable/cpu.shares', value: '256' },
    ]);
    await expect(mgr.run({ ...config, metadata: { ...config.metadata, attempt: 1 }, linux: { cgroupParent: '/../../escape' } })).rejects.toThrow(/must not contain/);
  } finally { done(); }
});

test('QoS parents as kubelet keeps them: burstable = the sum of its pods\' CPU shares (a pod without a request adds none), besteffort = 2', async () => {
  const { sys, mgr, done } = setup();
  const pod = (uid: string, qos: string, cpuShares?: number) => ({
    ...config, metadata: { ...config.metadata, name: uid, uid }, linux: { cgroupParent: `/kubepods/${qos}/pod${uid}`, resources: cpuShares ? { cpuShares } : {} },
  });
  const qosWrites = () => sys.calls.flatMap((c) => (c.op === 'writeCgroup' && /(burstable|besteffort)\/cpu.shares$/.test(c.path) ? [`${c.path.split('/').at(-2)}=${c.value}`] : []));
  try {
    const a = await mgr.run(pod('a', 'burstable', 512));
    await mgr.run(pod('b', 'burstable', 256));
    await mgr.run(pod('c', 'burstable', 2));
    await mgr.run(pod('d', 'besteffort', 2));
    await mgr.run({ ...pod('g', 'guaranteed', 1024), linux: { cgroupParent: '/kubepods/podg', resources: { cpuShares: 1024 } } });
    await mgr.remove(a);
    expect(qosWrites()).toEqual(['burstable=512', 'burstable=768', 'burstable=768', 'besteffort=2', 'burstable=256']);
  } finally { done(); }
});

test('two attempts of a pod share its cgroup; only the last one removed takes it away', async () => {
  const { sys, mgr, done } = setup();
  try {
    const first = await mgr.run(config);
    const second = await mgr.run({ ...config, metadata: { ...config.metadata, attempt: 1 } });
    sys.calls.length = 0;
    await mgr.remove(first);
    expect(sys.calls.filter((c) => c.op === 'rmdirCgroup')).toEqual([]);
    await mgr.remove(second);
    expect(sys.calls.filter((c) => c.op === 'rmdirCgroup')).toHaveLength(controllers.length);
  } finally { done(); }
});

test('shareProcessNamespace: a pause init in the pod cgroup pins the PID namespace; stop kills it, remove unmounts it', async () => {
  const { sys, mgr, root, procs, done } = setup();
  sys.helperReports = [{}, { pid: 4242 }];
  procs.set(4242, 'pause');
  try {
    const id = await mgr.run({ ...config, linux: { securityContext: { namespaceOptions: { pid: 'POD' } } } });
    const pause = sys.calls.find((c) => c.op === 'spawnHelper' && c.args[0] === 'pause');
    const nsFile = path.join(root, 'sandboxes', id, 'ns', 'pid');
    expect(pause?.op === 'spawnHelper' && pause.args).toEqual(['pause', '--pid-ns', nsFile, ...controllers.flatMap((c) => ['--cgroup', `/cg/${c}/berth/podu1`])]);
    expect(fs.existsSync(nsFile)).toBe(true);
    expect((await mgr.get(id)).pausePid).toBe(4242);
    expect((await mgr.status(id)).linux?.namespaces?.options?.pid).toBe('POD');
    sys.calls.length = 0;
    await mgr.stop(id);
    expect(sys.calls.map(summary)).toEqual(['exec bridge DEL eth0', 'exec loopback DEL lo', 'kill 4242']);
    expect((await mgr.get(id)).pausePid).toBeUndefined();
    sys.calls.length = 0;
    await mgr.remove(id);
    expect(sys.calls.map(summary)).toContain('umount ns/pid');
  } finally { done(); }
});

test('a recorded pause pid that is no longer a pause (reused after a reboot) is not killed', async () => {
  const { sys, mgr, procs, done } = setup();
  sys.helperReports = [{}, { pid: 77 }];
  try {
    const id = await mgr.run({ ...config, linux: { securityContext: { namespaceOptions: { pid: 'POD' } } } });
    procs.set(77, 'bash');
    await mgr.stop(id);
    expect(sys.calls.filter((c) => c.op === 'kill')).toEqual([]);
  } finally { done(); }
});

test('hostNetwork and hostIPC: no namespaces of its own, no CNI, the node\'s hostname and hosts file; teardown leaves the host alone', async () => {
  const { sys, mgr, root, done } = setup();
  try {
    const id = await mgr.run({ ...config, hostname: '', linux: { securityContext: { namespaceOptions: { network: 'NODE', ipc: 'NODE', pid: 'NODE' } } } });
    expect(sys.calls.map(summary)).toEqual([...controllers.map((c) => `mkdirCgroup /cg/${c}/berth/podu1`), 'write /cg/pids/berth/podu1/pids.max']);
    const dir = path.join(root, 'sandboxes', id);
    expect(fs.readFileSync(path.join(dir, 'hosts'), 'utf8')).toBe('# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n192.168.1.5\tnode-1\n');
    expect(fs.readFileSync(path.join(dir, 'hostname'), 'utf8')).toBe('node-1\n');
    expect(await mgr.status(id)).toMatchObject({ network: { ip: '' }, linux: { namespaces: { options: { network: 'NODE', ipc: 'NODE', pid: 'NODE' } } } });
    sys.calls.length = 0;
    await mgr.remove(id);
    expect(sys.calls.map(summary)).toEqual(controllers.map((c) => `rmdirCgroup /cg/${c}/berth/podu1`));
  } finally { done(); }
});

test('hostNetwork alone: ns-create makes only the IPC namespace; the pod keeps its /dev/shm', async () => {
  const { sys, mgr, root, done } = setup();
  try {
    const id = await mgr.run({ ...config, linux: { securityContext: { namespaceOptions: { network: 'NODE' } } } });
    const create = sys.calls.find((c) => c.op === 'spawnHelper');
    expect(create?.op === 'spawnHelper' && create.args).toEqual(['ns-create', '--ipc', path.join(root, 'sandboxes', id, 'ns', 'ipc')]);
    expect(sys.calls.map(summary).filter((c) => c.startsWith('exec') || c.startsWith('mount'))).toEqual(['mount tmpfs shm nosuid,nodev,noexec,mode=1777,size=65536k']);
  } finally { done(); }
});

test('host ports: portmap chained after bridge on ADD and first on DEL', async () => {
  const { sys, mgr, done } = setup();
  try {
    const id = await mgr.run({ ...config, portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort: 18081 }] });
    expect(sys.calls.map(summary).filter((c) => c.startsWith('exec'))).toEqual(['exec loopback ADD lo', 'exec bridge ADD eth0', 'exec portmap ADD eth0']);
    sys.calls.length = 0;
    await mgr.stop(id);
    expect(sys.calls.map(summary)).toEqual(['exec portmap DEL eth0', 'exec bridge DEL eth0', 'exec loopback DEL lo']);
    const del = sys.calls[0];
    expect(del.op === 'exec' && JSON.parse(del.input ?? '')).toMatchObject({ prevResult: JSON.parse(cniResult) });
  } finally { done(); }
});

test.each([
  { name: 'no DNS config: the host\'s file', dns: undefined, want: 'nameserver 1.1.1.1\n' },
  { name: 'empty DNS config: the host\'s file', dns: { servers: [], searches: [], options: [] }, want: 'nameserver 1.1.1.1\n' },
  { name: 'dnsPolicy None with only options', dns: { servers: [], searches: [], options: ['ndots:2'] }, want: 'options ndots:2\n' },
  {
    name: 'ClusterFirst', dns: { servers: ['10.96.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] },
    want: 'nameserver 10.96.0.10\nsearch ns.svc.cluster.local svc.cluster.local\noptions ndots:5\n',
  },
])('resolv.conf: $name', async ({ dns, want }) => {
  const { mgr, root, done } = setup();
  try {
    const id = await mgr.run({ ...config, dnsConfig: dns });
    expect(fs.readFileSync(path.join(root, 'sandboxes', id, 'resolv.conf'), 'utf8')).toBe(want);
  } finally { done(); }
});
