import { containerConfig, containerResources, expand, podCgroupName, podResources, sandboxConfig } from './container-config';
import { containerSecurityContext, sandboxSecurityContext } from './security-context';
import { container, pod } from './test-builders';
import type { Container, PodSpec, ResourceRequirements } from '../../api/core/v1';
import type { LinuxContainerResources } from './runtime-client';

const ns = { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } };
const ctx = { podIP: '10.88.0.5', hostIP: '127.0.0.1', nodeName: 'n1', memoryCapacity: 8 * 1024 ** 3 };

const resourceCases: { name: string; resources: ResourceRequirements; want: LinuxContainerResources }[] = [
  { name: 'limits only (Guaranteed)', resources: { limits: { cpu: '500m', memory: '64Mi' } },
    want: { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 67108864, oomScoreAdj: -997 } },
  { name: 'requests only (Burstable)', resources: { requests: { cpu: '250m', memory: '1Gi' } }, want: { cpuShares: 256, oomScoreAdj: 875 } },
  { name: 'nothing (BestEffort)', resources: {}, want: { cpuShares: 2, oomScoreAdj: 1000 } },
  { name: 'tiny cpu limit keeps the minimum quota', resources: { requests: { cpu: '1m' }, limits: { cpu: '1m' } }, want: { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 1000, oomScoreAdj: 999 } },
];
test.each(resourceCases)('resources: $name', ({ resources, want }) => {
  const c = container('app', { resources });
  expect(containerResources(pod({ containers: [c] }), c, ctx.memoryCapacity)).toEqual(want);
});

test('container config: env with fieldRef and $(VAR) expansion, labels, log path, restart count', () => {
  const c = container('app', {
    command: ['sh', '-c'], args: ['echo $(GREETING) from $(POD_NAME) $$(HOME) $(NOPE)'], workingDir: '/tmp',
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'GREETING', value: 'hi $(POD_NAME)' },
    ],
  });
  const cfg = containerConfig(pod({ containers: [c] }), c, 2, ctx);
  expect(cfg.envs).toEqual([
    { key: 'POD_NAME', value: 'web' }, { key: 'POD_IP', value: '10.88.0.5' }, { key: 'NS', value: 'default' }, { key: 'GREETING', value: 'hi web' },
  ]);
  expect(cfg.args).toEqual(['echo hi web from web $(HOME) $(NOPE)']);
  expect(cfg).toMatchObject({
    metadata: { name: 'app', attempt: 2 }, workingDir: '/tmp', logPath: 'app/2.log', image: { image: 'busybox:1.36' },
    labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-1', 'io.kubernetes.container.name': 'app' },
    annotations: { 'io.kubernetes.container.restartCount': '2' },
  });
});

test('unsupported valueFrom is a CreateContainerConfigError', () => {
  const c = container('app', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] });
  expect(() => containerConfig(pod({ containers: [c] }), c, 0, ctx)).toThrow(/only value and fieldRef/);
});

test('sandbox config', () => {
  const p = pod();
  p.metadata.labels = { app: 'web' };
  expect(sandboxConfig(p, '/root/.berth/logs/pods', 1)).toEqual({
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 1 }, hostname: 'web',
    logDirectory: '/root/.berth/logs/pods/default_web_uid-1', dnsConfig: { servers: [], searches: [], options: [] }, portMappings: [],
    labels: { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-1' },
    annotations: {}, linux: { cgroupParent: '/kubepods/besteffort/poduid-1', resources: { cpuShares: 2 }, securityContext: ns },
  });
});

/** A pod with extra spec fields (initContainers, securityContext). */
const podWith = (containers: Container[], spec: Partial<PodSpec>) => {
  const p = pod({ containers });
  return { ...p, spec: { ...p.spec, containers, ...spec } };
};

const qosCases: { name: string; containers: ResourceRequirements[]; cgroup: string; want: LinuxContainerResources }[] = [
  { name: 'BestEffort: minimum shares only', containers: [{}, {}], cgroup: '/kubepods/besteffort/poduid-1', want: { cpuShares: 2 } },
  {
    name: 'Guaranteed: sums of both containers', cgroup: '/kubepods/poduid-1',
    containers: [{ limits: { cpu: '200m', memory: '64Mi' } }, { limits: { cpu: '300m', memory: '32Mi' } }],
    want: { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 96 << 20 },
  },
  {
    name: 'Burstable: no quota or memory limit unless every container declares one', cgroup: '/kubepods/burstable/poduid-1',
    containers: [{ requests: { cpu: '100m' }, limits: { memory: '64Mi' } }, { requests: { cpu: '100m' } }],
    want: { cpuShares: 204 },
  },
];
test.each(qosCases)('pod cgroup: $name', ({ containers, cgroup, want }) => {
  const p = pod({ containers: containers.map((resources, i) => container(`c${i}`, { resources })) });
  expect(podCgroupName(p)).toBe(cgroup);
  expect(podResources(p)).toEqual(want);
});

test('an init container larger than the app containers sets the pod request', () => {
  const p = podWith([container('app', { resources: { limits: { cpu: '100m', memory: '16Mi' } } })],
    { initContainers: [container('init', { resources: { limits: { cpu: '1', memory: '16Mi' } } })] });
  expect(podResources(p)).toMatchObject({ cpuShares: 1024, cpuQuota: 100000 });
});

test('security context: container fields over pod defaults, fsGroup as a supplemental group, no_new_privs only when explicit', () => {
  const c = container('app', { securityContext: {
    runAsUser: 1000, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
  } });
  const p = podWith([c], { securityContext: { runAsUser: 5, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 } });
  expect(containerSecurityContext(p, c)).toEqual({
    capabilities: { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] }, runAsUser: { value: 1000 }, runAsGroup: { value: 3000 },
    readonlyRootfs: true, supplementalGroups: [4000, 2000], noNewPrivs: true, ...ns, ...unconfined,
  });
  expect(containerSecurityContext(pod(), container())).toEqual({ ...ns, ...unconfined });
  expect(containerSecurityContext(pod(), container('x', { securityContext: { allowPrivilegeEscalation: true } }))).toEqual({ ...ns, ...unconfined });
});

test('a privileged container makes the sandbox privileged', () => {
  const c = container('app', { securityContext: { privileged: true } });
  expect(sandboxSecurityContext(pod({ containers: [container('a'), c] }))).toEqual({ privileged: true, ...ns });
  expect(containerSecurityContext(pod({ containers: [c] }), c)).toEqual({ privileged: true, ...ns, ...unconfined });
});

const unconfined = { seccomp: { profileType: 'Unconfined' } };

test('seccomp profile: the container\'s over the pod\'s, none = Unconfined, Localhost under the node\'s seccomp root', () => {
  const local = container('l', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } });
  const p = podWith([local], { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
  expect(containerSecurityContext(p, container('d')).seccomp).toEqual({ profileType: 'RuntimeDefault' });
  expect(containerSecurityContext(p, local, '/agent/seccomp').seccomp).toEqual({ profileType: 'Localhost', localhostRef: '/agent/seccomp/profiles/audit.json' });
  expect(containerSecurityContext(p, container('u', { securityContext: { seccompProfile: { type: 'Unconfined' } } })).seccomp).toEqual({ profileType: 'Unconfined' });
  const bad = container('b', { securityContext: { seccompProfile: { type: 'Localhost' } } });
  expect(() => containerSecurityContext(pod(), bad)).toThrow(/localhostProfile must be set/);
});

test('runAsNonRoot with runAsUser 0 is a CreateContainerConfigError', () => {
  const c = container('app', { securityContext: { runAsNonRoot: true } });
  const p = podWith([c], { securityContext: { runAsUser: 0 } });
  expect(() => containerConfig(p, c, 0, ctx)).toThrow(/breaks non-root policy/);
});

test('expand', () => {
  expect(expand('$(A)-$$(A)-$(B)', new Map([['A', '1']]))).toBe('1-$(A)-$(B)');
});
