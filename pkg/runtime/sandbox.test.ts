import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../log';
import { SandboxManager } from './sandbox';
import { KeyedMutex, runtimeLayout, StateStore } from './state';
import { RecordingSyscalls, type RecordedCall } from './syscalls';

const cniResult = JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '10.9.0.7/24', gateway: '10.9.0.1' }] });

const setup = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sb-'));
  const sys = new RecordingSyscalls();
  sys.execResults.set('/cni/bridge', cniResult);
  const stopped: string[] = [];
  const mgr = new SandboxManager({
    sys, state: new StateStore(runtimeLayout(root)), locks: new KeyedMutex(), log: silentLogger(), cgroupParent: 'berth', cgroupRoot: '/cg',
    network: { root, bridge: 'br0', podCidr: '10.9.0.0/24', networkName: 'n', cniBinDir: '/cni' }, now: () => 1, hostResolvConf: () => 'nameserver 1.1.1.1\n',
  }, { stopAllIn: async (id) => { stopped.push(`stop ${id}`); }, removeAllIn: async (id) => { stopped.push(`remove ${id}`); } });
  return { root, sys, mgr, stopped, done: () => fs.rmSync(root, { recursive: true, force: true }) };
};

const summary = (c: RecordedCall): string => {
  switch (c.op) {
    case 'exec': return `exec ${path.basename(c.file)} ${c.env?.CNI_COMMAND ?? c.args.join(' ')} ${c.env?.CNI_IFNAME ?? ''}`.trim();
    case 'spawnHelper': return `helper ${c.args[0]}`;
    case 'mount': return `mount ${c.req.target}`;
    case 'writeCgroup': return `write ${c.path}`;
    case 'kill': return `kill ${c.pid}`;
    default: return `${c.op} ${c.path.replace(/.*\/(ns\/\w+)$/, '$1')}`;
  }
};

const config = { metadata: { name: 'web', namespace: 'default', uid: 'u1', attempt: 0 }, dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc'], options: [] } };

test('RunPodSandbox: namespaces, pod cgroup, CNI, then the /etc files', async () => {
  const { sys, mgr, root, done } = setup();
  try {
    const id = await mgr.run(config);
    expect(sys.calls.map(summary)).toEqual([
      'helper ns-create',
      'mkdirCgroup /cg/cpu/berth/podu1', 'mkdirCgroup /cg/cpuacct/berth/podu1', 'mkdirCgroup /cg/memory/berth/podu1', 'mkdirCgroup /cg/pids/berth/podu1',
      'exec loopback ADD lo', 'exec bridge ADD eth0',
    ]);
    const bridgeCall = sys.calls[6];
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
      'umount ns/net', 'umount ns/uts', 'umount ns/ipc',
      'rmdirCgroup /cg/cpu/berth/podu1', 'rmdirCgroup /cg/cpuacct/berth/podu1', 'rmdirCgroup /cg/memory/berth/podu1', 'rmdirCgroup /cg/pids/berth/podu1',
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
