import { buildContainerSpec, criMounts, mergeEnv, processArgs, processUser, sandboxFileMounts } from './container-spec';
import type { ContainerConfig, LinuxContainerSecurityContext } from './cri-types';
import { allDevicesAllowed, defaultCapabilities, defaultDeviceRules, defaultMaskedPaths, defaultReadonlyPaths } from './oci-spec';
import type { SandboxRecord } from './state';

const image = { Entrypoint: ['/entry'], Cmd: ['default-arg'], Env: ['PATH=/bin', 'A=image'] };

test.each([
  { name: 'image defaults', command: [], args: [], want: ['/entry', 'default-arg'] },
  { name: 'args replace Cmd', command: [], args: ['x'], want: ['/entry', 'x'] },
  { name: 'command replaces Entrypoint and drops Cmd', command: ['sh'], args: [], want: ['sh'] },
  { name: 'command and args', command: ['sh', '-c'], args: ['echo hi'], want: ['sh', '-c', 'echo hi'] },
])('processArgs: $name', ({ command, args, want }) => {
  expect(processArgs(image, command, args)).toEqual(want);
});

test.each([
  { name: 'image env kept, CRI env overrides in place', envs: [{ key: 'A', value: 'cri' }, { key: 'B', value: '1' }], want: ['PATH=/bin', 'A=cri', 'B=1'] },
  { name: 'no envs', envs: [], want: ['PATH=/bin', 'A=image'] },
])('mergeEnv: $name', ({ envs, want }) => {
  expect(mergeEnv(image.Env, envs)).toEqual(want);
});

test('mergeEnv adds a default PATH', () => {
  expect(mergeEnv([], [])).toEqual([expect.stringMatching(/^PATH=\/usr\/local\/sbin:/)]);
});

const config = (over: Partial<ContainerConfig> = {}): ContainerConfig => ({ metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, ...over });

test.each([
  { name: 'root by default', c: config(), user: undefined, want: { uid: 0, gid: 0 } },
  { name: 'numeric image user', c: config(), user: '1000:100', want: { uid: 1000, gid: 100 } },
  { name: 'named image user falls back to root', c: config(), user: 'nobody', want: { uid: 0, gid: 0 } },
  { name: 'CRI runAsUser wins', c: config({ linux: { securityContext: { runAsUser: { value: 7 }, runAsGroup: { value: 8 } } } }), user: '1000', want: { uid: 7, gid: 8 } },
  {
    name: 'supplemental groups (with fsGroup folded in by kubelet), deduplicated',
    c: config({ linux: { securityContext: { runAsUser: { value: 7 }, supplementalGroups: [2000, 3000, 2000] } } }), user: undefined,
    want: { uid: 7, gid: 0, additionalGids: [2000, 3000] },
  },
])('processUser: $name', ({ c, user, want }) => {
  expect(processUser(c, { User: user })).toEqual(want);
});

test('CRI mounts are sorted parents first and read-only honoured', () => {
  expect(criMounts([{ containerPath: '/a/b', hostPath: '/h2', readonly: true }, { containerPath: '/a', hostPath: '/h1' }])).toEqual([
    { destination: '/a', type: 'bind', source: '/h1', options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/a/b', type: 'bind', source: '/h2', options: ['rbind', 'rprivate', 'ro'] },
  ]);
});

test('sandbox /etc files are skipped when the request mounts them (kubelet manages /etc/hosts)', () => {
  expect(sandboxFileMounts('/sb', [{ containerPath: '/etc/hosts', hostPath: '/pod/etc-hosts' }]).map((m) => m.destination))
    .toEqual(['/etc/hostname', '/etc/resolv.conf']);
});

const sandbox: SandboxRecord = {
  id: 'sb1', config: { metadata: { name: 'p', namespace: 'd', uid: 'u', attempt: 0 } }, createdAt: 0, ready: true, hostname: 'p',
  ip: '10.0.0.2', networkAttached: true, ns: { net: '/ns/net', uts: '/ns/uts', ipc: '/ns/ipc' }, cgroupPath: '/berth/podu',
};

test('the OCI spec joins the pod namespaces and carries the limits', () => {
  const spec = buildContainerSpec({
    config: config({ command: ['sleep', '1'], linux: { resources: { memoryLimitInBytes: 1024, cpuQuota: 5000, cpuPeriod: 10000 } } }),
    image, sandbox, sandboxDir: '/sb', cgroupPath: '/berth/podu/c1',
  });
  expect(spec.process.args).toEqual(['sleep', '1']);
  expect(spec.linux.namespaces).toEqual([{ type: 'pid' }, { type: 'mount' }, { type: 'network', path: '/ns/net' }, { type: 'uts', path: '/ns/uts' }, { type: 'ipc', path: '/ns/ipc' }]);
  expect(spec.linux.resources).toEqual({ memory: { limit: 1024 }, cpu: { quota: 5000, period: 10000 }, devices: defaultDeviceRules });
  expect(spec.linux.cgroupsPath).toBe('/berth/podu/c1');
  expect(spec.mounts.map((m) => m.destination)).toEqual(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);
  // runc's default, so that runc and crun show the container its cgroups from the same bundle.
  expect(spec.mounts[6]).toEqual({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] });
  expect(spec.hostname).toBe('p');
  // The pod's /dev/shm (IPC is the pod's, so is POSIX shared memory).
  expect(spec.mounts[3]).toEqual({ destination: '/dev/shm', type: 'bind', source: '/sb/shm', options: ['rbind', 'rprivate', 'nosuid', 'noexec', 'nodev'] });
});

test('no command at all is InvalidArgument', () => {
  expect(() => buildContainerSpec({ config: config(), image: {}, sandbox, sandboxDir: '/sb', cgroupPath: '/x' })).toThrow(/no command specified/);
});

const withSc = (securityContext: LinuxContainerSecurityContext, sb = sandbox) => buildContainerSpec({
  config: config({ command: ['true'], linux: { securityContext } }), image, sandbox: sb, sandboxDir: '/sb', cgroupPath: '/x',
  allCapabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'],
  hostDevices: () => [{ path: '/dev/sda', type: 'b', major: 8, minor: 0 }],
});
const privilegedSandbox: SandboxRecord = { ...sandbox, config: { ...sandbox.config, linux: { securityContext: { privileged: true } } } };

test('an unprivileged container: default capabilities, masked and read-only paths, devices denied, read-only /sys', () => {
  const spec = withSc({});
  const caps = spec.process.capabilities;
  for (const set of [caps?.bounding, caps?.effective, caps?.permitted]) expect(new Set(set)).toEqual(new Set(defaultCapabilities));
  expect(caps?.inheritable).toBeUndefined();
  expect(spec.process.noNewPrivileges).toBeUndefined();
  expect(spec.root.readonly).toBe(false);
  expect(spec.linux).toMatchObject({ maskedPaths: defaultMaskedPaths, readonlyPaths: defaultReadonlyPaths, resources: { devices: defaultDeviceRules } });
  expect(spec.linux.devices).toBeUndefined();
  expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
});

test('security context: no_new_privs, read-only root, the CRI masked and read-only paths', () => {
  const spec = withSc({ noNewPrivs: true, readonlyRootfs: true, maskedPaths: ['/proc/x'], readonlyPaths: ['/proc/y'] });
  expect(spec.process.noNewPrivileges).toBe(true);
  expect(spec.root.readonly).toBe(true);
  expect(spec.linux).toMatchObject({ maskedPaths: ['/proc/x'], readonlyPaths: ['/proc/y'] });
});

test('privileged: every capability the runtime has, host devices, no masks, writable /sys and cgroups', () => {
  const spec = withSc({ privileged: true, capabilities: { dropCapabilities: ['ALL'] } }, privilegedSandbox);
  const all = ['CAP_CHOWN', 'CAP_SYS_ADMIN'];
  expect(spec.process.capabilities).toEqual({ bounding: all, effective: all, permitted: all });
  expect(spec.linux).toMatchObject({ maskedPaths: [], readonlyPaths: [], devices: [{ path: '/dev/sda' }], resources: { devices: allDevicesAllowed } });
  for (const d of ['/sys', '/sys/fs/cgroup']) expect(spec.mounts.find((m) => m.destination === d)?.options).not.toContain('ro');
});

test('a privileged container needs a privileged sandbox (containerd)', () => {
  expect(() => withSc({ privileged: true })).toThrow(/no privileged container allowed in sandbox/);
});

test.each([
  { name: 'private by default', propagation: undefined, option: 'rprivate', root: 'rprivate' },
  { name: 'HOST_TO_CONTAINER: rslave, root rslave', propagation: 'PROPAGATION_HOST_TO_CONTAINER' as const, option: 'rslave', root: 'rslave' },
  { name: 'BIDIRECTIONAL: rshared, root rshared', propagation: 'PROPAGATION_BIDIRECTIONAL' as const, option: 'rshared', root: 'rshared' },
])('mount propagation: $name', ({ propagation, option, root }) => {
  const mounts = [{ containerPath: '/data', hostPath: '/h', readonly: true, selinuxRelabel: true, ...(propagation ? { propagation } : {}) }];
  const spec = buildContainerSpec({ config: config({ command: ['true'], mounts }), image, sandbox, sandboxDir: '/sb', cgroupPath: '/x' });
  expect(spec.mounts.at(-1)).toEqual({ destination: '/data', type: 'bind', source: '/h', options: ['rbind', option, 'ro'] });
  expect(spec.linux.rootfsPropagation).toBe(root);
});

test('a relative mount path is InvalidArgument', () => {
  expect(() => criMounts([{ containerPath: 'data', hostPath: '/h' }])).toThrow(/must be absolute/);
  expect(() => criMounts([{ containerPath: '/data', hostPath: 'h' }])).toThrow(/must be absolute/);
});

test.each([
  { name: 'no pod PID namespace: a new one', ns: undefined, mode: 'POD' as const, want: { type: 'pid' } },
  { name: 'the pod\'s, for NamespaceMode POD', ns: '/sb/ns/pid', mode: 'POD' as const, want: { type: 'pid', path: '/sb/ns/pid' } },
  { name: 'the pod\'s when the container says nothing (POD is the proto default)', ns: '/sb/ns/pid', mode: undefined, want: { type: 'pid', path: '/sb/ns/pid' } },
  { name: 'its own for NamespaceMode CONTAINER', ns: '/sb/ns/pid', mode: 'CONTAINER' as const, want: { type: 'pid' } },
])('PID namespace: $name', ({ ns, mode, want }) => {
  const sb: SandboxRecord = { ...sandbox, ns: { ...sandbox.ns, ...(ns ? { pid: ns } : {}) } };
  const c = config({ command: ['true'], ...(mode ? { linux: { securityContext: { namespaceOptions: { pid: mode } } } } : {}) });
  expect(buildContainerSpec({ config: c, image, sandbox: sb, sandboxDir: '/sb', cgroupPath: '/x' }).linux.namespaces[0]).toEqual(want);
});

test('host namespaces: no PID namespace for hostPID, no network/UTS (nor hostname) for hostNetwork, the host /dev/shm for hostIPC', () => {
  const host: SandboxRecord = {
    ...sandbox, hostname: 'node-1', ns: {},
    config: { ...sandbox.config, linux: { securityContext: { namespaceOptions: { network: 'NODE', pid: 'NODE', ipc: 'NODE' } } } },
  };
  const spec = buildContainerSpec({
    config: config({ command: ['true'], linux: { securityContext: { namespaceOptions: { network: 'NODE', pid: 'NODE', ipc: 'NODE' } } } }),
    image, sandbox: host, sandboxDir: '/sb', cgroupPath: '/berth/podu/c1',
  });
  expect(spec.linux.namespaces).toEqual([{ type: 'mount' }]);
  expect(spec.hostname).toBeUndefined();
  expect(spec.mounts.find((m) => m.destination === '/dev/shm')).toMatchObject({ type: 'bind', source: '/dev/shm' });
  // Without the container's own options, the sandbox's decide (a CRI client that sets them only on the sandbox).
  const inherited = buildContainerSpec({ config: config({ command: ['true'] }), image, sandbox: host, sandboxDir: '/sb', cgroupPath: '/c' });
  expect(inherited.linux.namespaces).toEqual([{ type: 'mount' }]);
});

test('oomScoreAdj: the CRI value, raised to the runtime\'s floor; none without resources', () => {
  const spec = (oomScoreAdj: number, minOomScoreAdj?: number) => buildContainerSpec({
    config: config({ command: ['true'], linux: { resources: { oomScoreAdj } } }), image, sandbox, sandboxDir: '/sb', cgroupPath: '/c', minOomScoreAdj,
  }).process.oomScoreAdj;
  expect(spec(-997)).toBe(-997);
  expect(spec(-997, 0)).toBe(0);
  expect(spec(1000, 0)).toBe(1000);
  expect(buildContainerSpec({ config: config({ command: ['true'] }), image, sandbox, sandboxDir: '/sb', cgroupPath: '/c' }).process.oomScoreAdj).toBeUndefined();
});
