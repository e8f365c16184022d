import { bpfHex, compileSeccomp, seccompProgramHex, type BpfInsn } from './seccomp-bpf';
import { appArmorStatus, checkAppArmor, containerSeccomp, parseProfile, runtimeDefaultProfile, type OciSeccomp } from './seccomp-profile';
import { x86_64Syscalls as nr } from './seccomp-syscalls';
import { defaultCapabilities } from './oci-spec';

/** A classic BPF interpreter for the instructions the compiler emits: the kernel's verdict on one call. */
const run = (prog: BpfInsn[], data: { nr: number; arch?: number; args?: bigint[] }): number => {
  const words = new Map<number, number>([[0, data.nr], [4, data.arch ?? 0xc000003e]]);
  (data.args ?? []).forEach((a, i) => {
    words.set(16 + 8 * i, Number(a & 0xffffffffn));
    words.set(20 + 8 * i, Number((a >> 32n) & 0xffffffffn));
  });
  let acc = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const { code, jt, jf, k } = prog[pc];
    if (code === 0x20) acc = words.get(k) ?? 0;
    else if (code === 0x54) acc = (acc & k) >>> 0;
    else if (code === 0x06) return k;
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x25) pc += acc > k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else throw new Error(`unexpected code ${code}`);
  }
  throw new Error('fell off the program');
};

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

describe('RuntimeDefault (default capabilities)', () => {
  const prog = compileSeccomp(runtimeDefaultProfile(defaultCapabilities));
  const call = (name: string, ...args: bigint[]) => run(prog, { nr: nr[name], args });

  test.each(['read', 'write', 'execve', 'openat', 'clone', 'futex', 'rseq', 'setuid', 'capset', 'chroot'])('%s is allowed', (name) => {
    expect(call(name)).toBe(ALLOW);
  });
  test.each(['unshare', 'keyctl', 'add_key', 'mount', 'setns', 'reboot', 'init_module', 'bpf', 'kexec_load', 'open_by_handle_at'])('%s fails with EPERM', (name) => {
    expect(call(name)).toBe(EPERM);
  });
  test('clone creating a namespace fails; clone3 is ENOSYS (libc falls back to clone)', () => {
    expect(call('clone', 0x10000000n /* CLONE_NEWUSER */)).toBe(EPERM);
    expect(call('clone', 0x11n /* SIGCHLD | CLONE_VM-less fork flags */)).toBe(ALLOW);
    expect(call('clone3')).toBe(ENOSYS);
  });
  test('personality: only the listed personas; socket: anything but AF_VSOCK', () => {
    expect(call('personality', 0x8n)).toBe(ALLOW);
    expect(call('personality', 0xffffffffn)).toBe(ALLOW);
    expect(call('personality', 0x0040000n /* ADDR_NO_RANDOMIZE */)).toBe(EPERM);
    expect(call('personality', 0x1_00000008n)).toBe(EPERM); // the high word counts
    expect(call('socket', 2n)).toBe(ALLOW);
    expect(call('socket', 40n)).toBe(EPERM);
  });
  test('other ABIs get the default action; numbers past the newest known get ENOSYS', () => {
    expect(run(prog, { nr: nr.read, arch: 0x40000003 /* i386 */ })).toBe(EPERM);
    expect(run(prog, { nr: 0x40000000 | nr.read })).toBe(EPERM);
    expect(run(prog, { nr: 999 })).toBe(ENOSYS);
  });
});

test('CAP_SYS_ADMIN brings its group (unshare, mount, any clone)', () => {
  const prog = compileSeccomp(runtimeDefaultProfile([...defaultCapabilities, 'CAP_SYS_ADMIN']));
  for (const name of ['unshare', 'mount', 'setns', 'clone3']) expect(run(prog, { nr: nr[name] })).toBe(ALLOW);
  expect(run(prog, { nr: nr.clone, args: [0x10000000n] })).toBe(ALLOW);
});

test('Localhost profiles: every comparison operator on 64-bit arguments, errnoRet, rules OR-ed per syscall', () => {
  const profile: OciSeccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 0x1_00000000, op: 'SCMP_CMP_GT' }] },
      { names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 14, args: [{ index: 1, value: 5, op: 'SCMP_CMP_LT' }] },
      { names: ['setpriority'], action: 'SCMP_ACT_KILL_PROCESS', args: [{ index: 0, value: 7, op: 'SCMP_CMP_GE' }, { index: 2, value: 9, op: 'SCMP_CMP_LE' }] },
      { names: ['mkdir', 'no_such_syscall'], action: 'SCMP_ACT_ERRNO' },
    ],
  };
  const prog = compileSeccomp(profile);
  const gp = (a: bigint) => run(prog, { nr: nr.getpriority, args: [0n, a] });
  expect(gp(0x1_00000001n)).toBe(0x0005000d);
  expect(gp(0x1_00000000n)).toBe(ALLOW);
  expect(gp(4n)).toBe(0x0005000e);
  expect(gp(5n)).toBe(ALLOW);
  const sp = (a0: bigint, a2: bigint) => run(prog, { nr: nr.setpriority, args: [a0, 0n, a2] });
  expect(sp(7n, 9n)).toBe(0x80000000);
  expect(sp(6n, 9n)).toBe(ALLOW);
  expect(sp(7n, 10n)).toBe(ALLOW);
  expect(run(prog, { nr: nr.mkdir })).toBe(EPERM);
});

test('docker-format profiles: includes/excludes by capability and architecture', () => {
  const text = JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['chroot'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['arm_only'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
    ],
  });
  expect(parseProfile(text, ['CAP_CHOWN'], 'p.json').syscalls?.map((s) => s.names[0])).toEqual(['read', 'chroot']);
  expect(parseProfile(text, ['CAP_SYS_ADMIN'], 'p.json').syscalls?.map((s) => s.names[0])).toEqual(['read', 'mount']);
  expect(() => parseProfile('{', [], 'bad.json')).toThrow(/seccomp profile bad.json/);
});

test('which profile: none for nil, Unconfined and privileged; RuntimeDefault; a Localhost file (absolute path only)', () => {
  const caps = defaultCapabilities;
  expect(containerSeccomp(null, caps, false)).toBeUndefined();
  expect(containerSeccomp({ profileType: 'Unconfined' }, caps, false)).toBeUndefined();
  expect(containerSeccomp({ profileType: 'RuntimeDefault' }, caps, true)).toBeUndefined();
  expect(containerSeccomp({ profileType: 'RuntimeDefault' }, caps, false)?.defaultAction).toBe('SCMP_ACT_ERRNO');
  const local = containerSeccomp({ profileType: 'Localhost', localhostRef: '/p/x.json' }, caps, false, () => '{"defaultAction":"SCMP_ACT_LOG"}');
  expect(local?.defaultAction).toBe('SCMP_ACT_LOG');
  expect(() => containerSeccomp({ profileType: 'Localhost', localhostRef: 'x.json' }, caps, false)).toThrow(/absolute/);
  expect(() => containerSeccomp({ profileType: 'Localhost', localhostRef: '/nope/x.json' }, caps, false)).toThrow(/failed to load seccomp profile/);
});

test('bpfHex: struct sock_filter bytes, little-endian', () => {
  expect(bpfHex([{ code: 0x06, jt: 1, jf: 2, k: 0x7fff0000 }])).toBe('060001020000ff7f');
});

test('AppArmor: reported unsupported either way; a Localhost profile is refused, RuntimeDefault accepted', () => {
  const gone = () => { throw Object.assign(new Error('no such file'), { code: 'ENOENT' }); };
  expect(appArmorStatus(gone)).toMatch(/^unsupported: AppArmor is not enabled in this kernel/);
  expect(appArmorStatus(() => 'Y\n')).toMatch(/^unsupported: the kernel has AppArmor but Berth loads no AppArmor profiles/);
  expect(() => checkAppArmor({ profileType: 'Localhost', localhostRef: 'k8s-nginx' }, 'web')).toThrow(/AppArmor profile "k8s-nginx" requested but AppArmor is not supported/);
  expect(() => checkAppArmor({ profileType: 'RuntimeDefault' }, 'web')).not.toThrow();
});

test('seccompProgramHex: the compiled program, once per distinct profile', () => {
  const p = runtimeDefaultProfile(defaultCapabilities);
  const first = seccompProgramHex(p);
  expect(first).toBe(bpfHex(compileSeccomp(p)));
  expect(seccompProgramHex(runtimeDefaultProfile(defaultCapabilities))).toBe(first);
  expect(seccompProgramHex(runtimeDefaultProfile([...defaultCapabilities, 'CAP_SYS_ADMIN']))).not.toBe(first);
});
