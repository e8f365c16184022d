// Protocol test of berth-shim (root only): sends it the exact bundle TypeScript writes
// (config.json + exec.spec from renderExecSpec) and checks the report, exit file and CRI log.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CgroupBind } from '../cgroups';
import { renderExecSpec } from '../exec-spec';
import { defaultCapabilities, defaultMaskedPaths, defaultMounts, defaultReadonlyPaths, type OciSpec } from '../oci-spec';
import { runtimeDefaultProfile } from '../seccomp-profile';
import { capMask } from '../security';
import { defaultShimPath, runShim, ShimError } from '../shim-client';
import { makeBusyboxRootfs } from '../test-rootfs';

// Root only, like every Berth suite that touches namespaces and cgroups (hack/test.sh checks).
const d = describe;

const cri = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [FP] /;

const waitFor = async (cond: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

d('berth-shim', () => {
  let dir = '';
  let rootfs = '';
  const shim = defaultShimPath();

  beforeAll(() => {
    execFileSync(path.resolve(__dirname, '../../../hack/build-native.sh'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-shim-'));
    rootfs = makeBusyboxRootfs(path.join(dir, 'rootfs'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bundle = (name: string, args: string[], extra: Partial<OciSpec> = {}, cgroup?: CgroupBind): string => {
    const b = path.join(dir, name);
    fs.mkdirSync(b);
    const spec: OciSpec = {
      ociVersion: '1.0.2',
      process: { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin', 'GREETING=hi there'], cwd: '/tmp' },
      root: { path: rootfs },
      hostname: 'shim-test',
      mounts: defaultMounts(),
      linux: {
        namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }, { type: 'network' }],
        cgroupsPath: '', maskedPaths: defaultMaskedPaths, readonlyPaths: defaultReadonlyPaths,
      },
      ...extra,
    };
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(spec, null, 2));
    fs.writeFileSync(path.join(b, 'exec.spec'), renderExecSpec({
      spec, rootPath: rootfs, cgroupDirs: cgroup ? [cgroup.hostDir] : [], cgroupBinds: cgroup ? [cgroup] : [], isFile: (p) => fs.statSync(p).isFile(),
    }));
    return b;
  };

  const run = (b: string) => runShim(shim, ['run', '--bundle', b, '--id', path.basename(b), '--log', `${b}/log`,
    '--exit-file', `${b}/exit.json`, '--pid-file', `${b}/pid`]);

  const exitOf = async (b: string): Promise<{ exitCode: number; signal: number; finishedAt: string }> => {
    await waitFor(() => fs.existsSync(`${b}/exit.json`));
    return JSON.parse(fs.readFileSync(`${b}/exit.json`, 'utf8'));
  };

  test('runs a process in new namespaces and logs in CRI format', async () => {
    const b = bundle('hello', ['sh', '-c', 'echo "$GREETING"; echo pid=$$; hostname; pwd; echo oops >&2; exit 3']);
    const report = await run(b);
    expect(report.pid).toBeGreaterThan(1);
    expect(fs.readFileSync(`${b}/pid`, 'utf8').trim()).toBe(String(report.pid));
    const exit = await exitOf(b);
    expect(exit).toMatchObject({ exitCode: 3, signal: 0 });
    const lines = fs.readFileSync(`${b}/log`, 'utf8').trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(cri);
    const content = lines.map((l) => l.replace(cri, ''));
    expect(content).toEqual(expect.arrayContaining(['hi there', 'pid=1', 'shim-test', '/tmp', 'oops']));
    expect(lines.find((l) => l.endsWith(' oops'))).toMatch(/ stderr F oops$/);
  });

  test('the container gets default signal dispositions (SIGPIPE is not ignored)', async () => {
    const b = bundle('sigpipe', ['grep', '-E', '^SigIgn', '/proc/self/status']);
    await run(b);
    await exitOf(b);
    expect(fs.readFileSync(`${b}/log`, 'utf8')).toMatch(/stdout F SigIgn:\s+0+$/m);
  });

  test('splits lines over 16 KiB into partial records', async () => {
    const b = bundle('long', ['sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" a; echo']);
    await run(b);
    expect((await exitOf(b)).exitCode).toBe(0);
    const lines = fs.readFileSync(`${b}/log`, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[2])).toEqual(['P', 'F']);
    expect(lines.map((l) => l.replace(cri, '').length)).toEqual([16384, 20000 - 16384]);
  });

  test('the container sees its own memory cgroup, read-only, at /sys/fs/cgroup/memory (as runc on v1)', async () => {
    const hostDir = `/sys/fs/cgroup/memory/berth-shim-test-${path.basename(dir)}`;
    fs.mkdirSync(hostDir);
    try {
      fs.writeFileSync(`${hostDir}/memory.limit_in_bytes`, String(32 << 20));
      const f = '/sys/fs/cgroup/memory/memory.limit_in_bytes';
      const b = bundle('cgroup', ['sh', '-c', `cat ${f}; ls /sys/fs/cgroup; grep -x 1 /sys/fs/cgroup/memory/cgroup.procs; ` +
        `(echo 1 > ${f}) 2>&1; (mkdir /sys/fs/cgroup/x) 2>&1; cat ${f}`], {}, { name: 'memory', hostDir, links: [] });
      await run(b);
      expect((await exitOf(b)).exitCode).toBe(0);
      const out = fs.readFileSync(`${b}/log`, 'utf8').trimEnd().split('\n').map((l) => l.replace(cri, ''));
      expect(out).toEqual([String(32 << 20), 'memory', '1', expect.stringMatching(/can't create .*memory.limit_in_bytes: Read-only file system/),
        expect.stringMatching(/can't create directory .*: Read-only file system/), String(32 << 20)]);
      expect(fs.readFileSync(`${hostDir}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(32 << 20));
      expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(path.basename(hostDir));
    } finally {
      fs.rmdirSync(hostDir);
    }
  });

  test('reports a failed cgroup bind as a JSON error', async () => {
    const b = bundle('cgroup-missing', ['true'], {}, { name: 'memory', hostDir: path.join(dir, 'no-such-cgroup'), links: [] });
    fs.writeFileSync(`${b}/exec.spec`, fs.readFileSync(`${b}/exec.spec`, 'utf8').replace(/^cgroup .*\n/m, ''));
    await expect(run(b)).rejects.toMatchObject({ op: 'mount', path: `${rootfs}/sys/fs/cgroup/memory`, errno: 2 });
  });

  const logOf = (b: string) => fs.readFileSync(`${b}/log`, 'utf8').trimEnd().split('\n').map((l) => l.replace(cri, ''));
  const hexMask = (names: string[]) => BigInt(capMask(names)).toString(16).padStart(16, '0');
  const capsOf = (names: string[]) => ({ bounding: names, effective: names, permitted: names });
  const statusLines = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status";

  test('root with the default capability set: no CAP_SYS_ADMIN, so no mount and no hostname', async () => {
    const script = `${statusLines}; mount -t tmpfs none /tmp 2>&1; hostname other 2>&1; hostname`;
    const b = bundle('caps-root', ['sh', '-c', script], { process: {
      terminal: false, user: { uid: 0, gid: 0 }, args: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/', capabilities: capsOf(defaultCapabilities),
    } });
    await run(b);
    await exitOf(b);
    const m = hexMask(defaultCapabilities);
    expect(logOf(b)).toEqual([`CapInh:\t${'0'.repeat(16)}`, `CapPrm:\t${m}`, `CapEff:\t${m}`, `CapBnd:\t${m}`, `CapAmb:\t${'0'.repeat(16)}`,
      'NoNewPrivs:\t0', expect.stringMatching(/mount: .*Operation not permitted|permission denied/i), expect.stringMatching(/hostname: sethostname: Operation not permitted/), 'shim-test']);
  });

  test('a non-root user keeps only ambient capabilities across exec; no_new_privs; supplementary groups', async () => {
    const amb = ['CAP_NET_BIND_SERVICE'];
    const script = `${statusLines}; id`;
    const b = bundle('caps-user', ['sh', '-c', script], { process: {
      terminal: false, user: { uid: 1000, gid: 1000, additionalGids: [2000, 3000] }, args: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/',
      capabilities: { ...capsOf(defaultCapabilities), inheritable: amb, ambient: amb }, noNewPrivileges: true,
    } });
    await run(b);
    expect((await exitOf(b)).exitCode).toBe(0);
    const a = hexMask(amb);
    expect(logOf(b)).toEqual([`CapInh:\t${a}`, `CapPrm:\t${a}`, `CapEff:\t${a}`, `CapBnd:\t${hexMask(defaultCapabilities)}`, `CapAmb:\t${a}`,
      'NoNewPrivs:\t1', 'uid=1000 gid=1000 groups=2000,3000']);
  });

  test('a read-only root file system: the root refuses writes, the /dev/shm mount does not', async () => {
    const b = bundle('ro-root', ['sh', '-c', '(echo x > /root/f) 2>&1; echo x > /dev/shm/f && echo shm=ok; grep " / " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1'],
      { root: { path: rootfs, readonly: true } });
    await run(b);
    await exitOf(b);
    expect(logOf(b)).toEqual([expect.stringMatching(/Read-only file system/), 'shm=ok', 'ro']);
  });

  test('oomscoreadj: written before exec, as root, for a process that then runs as another user', async () => {
    for (const [name, adj] of [['oom-pos', 987]] as const) {
      const b = bundle(name, ['cat', '/proc/self/oom_score_adj'], { process: {
        terminal: false, user: { uid: 1000, gid: 1000 }, args: ['cat', '/proc/self/oom_score_adj'], env: ['PATH=/bin'], cwd: '/',
        capabilities: capsOf(defaultCapabilities), oomScoreAdj: adj,
      } });
      expect(fs.readFileSync(`${b}/exec.spec`, 'utf8')).toContain(`\noomscoreadj ${adj}\n`);
      await run(b);
      expect((await exitOf(b)).exitCode).toBe(0);
      expect(logOf(b)).toEqual([String(adj)]);
    }
  });

  test('seccomp: the exec.spec filter is installed (mode 2) and refuses what the profile blocks; without one, mode 0', async () => {
    const script = 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>&1; echo end';
    const process = { terminal: false, user: { uid: 0, gid: 0 }, args: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/', capabilities: capsOf(defaultCapabilities) };
    const open = bundle('seccomp-off', ['sh', '-c', script], { process });
    const spec = JSON.parse(fs.readFileSync(`${open}/config.json`, 'utf8')) as OciSpec;
    const filtered = bundle('seccomp-on', ['sh', '-c', script], { process, linux: { ...spec.linux, seccomp: runtimeDefaultProfile(defaultCapabilities) } });
    expect(fs.readFileSync(`${filtered}/exec.spec`, 'utf8')).toMatch(/^seccomp [0-9a-f]+$/m);
    for (const b of [open, filtered]) {
      await run(b);
      expect((await exitOf(b)).exitCode).toBe(0);
    }
    expect(logOf(open)[0]).toBe('Seccomp:\t0');
    expect(logOf(filtered)).toEqual(['Seccomp:\t2', 'unshare: unshare(0x10000000): Operation not permitted', 'end']);
  });

  test('reports 128+signal for a killed process', async () => {
    const b = bundle('killed', ['sleep', '30']);
    const { pid } = await run(b);
    process.kill(pid ?? 0, 'SIGKILL');
    expect(await exitOf(b)).toMatchObject({ exitCode: 137, signal: 9 });
  });

  test('reports a missing executable as a JSON error', async () => {
    const b = bundle('missing', ['no-such-command']);
    const err: unknown = await run(b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShimError);
    expect(err).toMatchObject({ op: 'exec', path: 'no-such-command', message: expect.stringContaining('not found in $PATH') });
    expect((await exitOf(b)).exitCode).toBe(127);
  });

  test('reports a malformed exec.spec with its line', async () => {
    const b = bundle('bad', ['true']);
    fs.appendFileSync(`${b}/exec.spec`, 'frobnicate 1\n');
    await expect(run(b)).rejects.toMatchObject({ op: 'load-spec', errno: 22 });
  });

  test('ns-create --sysctl writes inside the new IPC and network namespaces, not the host\'s', async () => {
    const ns = ['net', 'ipc'].map((t) => path.join(dir, `sysctl-${t}`));
    for (const f of ns) fs.writeFileSync(f, '');
    const hostSyncookies = fs.readFileSync('/proc/sys/net/ipv4/tcp_syncookies', 'utf8');
    const hostShmmni = fs.readFileSync('/proc/sys/kernel/shmmni', 'utf8');
    await runShim(shim, ['ns-create', '--net', ns[0], '--ipc', ns[1], '--sysctl', 'net.ipv4.tcp_syncookies=0', '--sysctl', 'kernel/shmmni=1234']);
    try {
      expect(execFileSync('nsenter', [`--net=${ns[0]}`, 'cat', '/proc/sys/net/ipv4/tcp_syncookies'], { encoding: 'utf8' })).toBe('0\n');
      expect(execFileSync('nsenter', [`--ipc=${ns[1]}`, 'cat', '/proc/sys/kernel/shmmni'], { encoding: 'utf8' })).toBe('1234\n');
      expect(fs.readFileSync('/proc/sys/net/ipv4/tcp_syncookies', 'utf8')).toBe(hostSyncookies);
      expect(fs.readFileSync('/proc/sys/kernel/shmmni', 'utf8')).toBe(hostShmmni);
    } finally {
      for (const f of ns) execFileSync('umount', [f]);
    }
    await expect(runShim(shim, ['ns-create', '--net', ns[0], '--sysctl', 'net.ipv4.no_such_key=1'])).rejects.toMatchObject({ op: 'open' });
  });

  test('ns-create pins namespaces to files', async () => {
    const ns = ['net', 'uts', 'ipc'].map((t) => path.join(dir, `ns-${t}`));
    for (const f of ns) fs.writeFileSync(f, '');
    await runShim(shim, ['ns-create', '--net', ns[0], '--uts', ns[1], '--ipc', ns[2], '--hostname', 'pinned']);
    try {
      expect(execFileSync('nsenter', [`--uts=${ns[1]}`, 'hostname'], { encoding: 'utf8' }).trim()).toBe('pinned');
      expect(execFileSync('nsenter', [`--net=${ns[0]}`, 'ip', '-o', 'link'], { encoding: 'utf8' })).toMatch(/^1: lo/);
    } finally {
      for (const f of ns) execFileSync('umount', [f]);
    }
  });
});
