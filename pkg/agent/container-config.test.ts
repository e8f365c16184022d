import { ContainerConfigError, containerConfig, containerResources, expand, podCgroupName, podResources, sandboxConfig } from './container-config';
import { containerSecurityContext, sandboxSecurityContext } from './security-context';
import { container, pod } from './test-builders';
import type { ConfigMap, Container, EnvVarSource, PodSpec, ResourceFieldSelector, ResourceRequirements, Secret, Service, ServicePort } from '../../api/core/v1';
import { containerEnv, type EnvSources } from './container-env';
import type { KeyValue, LinuxContainerResources } from './runtime-client';
import { serviceVariables, type ServiceLister } from './service-env';

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

test('configMapKeyRef without the API is a CreateContainerConfigError, as kubelet without a client', () => {
  const c = container('app', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] });
  expect(() => containerConfig(pod({ containers: [c] }), c, 0, ctx)).toThrow(ContainerConfigError);
  expect(() => containerConfig(pod({ containers: [c] }), c, 0, ctx)).toThrow("couldn't get configMap default/cm, no kubeClient defined");
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

// --- the container environment (container-env.ts, service-env.ts) ---

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const configMap = (name: string, data: Record<string, string>): ConfigMap => ({ metadata: { name, namespace: 'default' }, data });
const secret = (name: string, data: Record<string, string>): Secret =>
  ({ metadata: { name, namespace: 'default' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });
const service = (namespace: string, name: string, clusterIP: string, ports: ServicePort[] = [{ port: 80 }]): Service =>
  ({ metadata: { name, namespace }, spec: { clusterIP, ports } });
const lister = (services: Service[]): ServiceLister => (ns) => services.filter((s) => s.metadata?.namespace === ns);
const kubernetesSvc = service('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]);
const sources = (o: { configMaps?: ConfigMap[]; secrets?: Secret[]; services?: Service[] } = {}): EnvSources => ({
  configMaps: new Map((o.configMaps ?? []).map((x) => [x.metadata?.name ?? '', x])),
  secrets: new Map((o.secrets ?? []).map((x) => [x.metadata?.name ?? '', x])),
  ...(o.services ? { services: lister(o.services) } : {}),
});
/** A pod in `namespace` (default: default) running `c`. */
const podIn = (c: Container, spec: Partial<PodSpec> = {}, namespace = 'default') => {
  const p = podWith([c], spec);
  return { ...p, metadata: { ...p.metadata, namespace } };
};
const allocatable = { milliCPU: 4000, memory: 8 * 2 ** 30, ephemeralStorage: 100 * 2 ** 30 };
const envOf = (c: Container, src: EnvSources, spec: Partial<PodSpec> = {}, namespace = 'default') =>
  containerEnv(podIn(c, spec, namespace), c, { ...ctx, allocatable }, src);
const asRecord = (envs: KeyValue[]) => Object.fromEntries(envs.map((kv) => [kv.key, kv.value]));

const objects = { configMaps: [configMap('cm', { k: 'from-cm' })], secrets: [secret('s', { pw: 'hunter2' })] };
const valueFromCases: { name: string; from: EnvVarSource; want: string | undefined | RegExp }[] = [
  { name: 'configMapKeyRef', from: { configMapKeyRef: { name: 'cm', key: 'k' } }, want: 'from-cm' },
  { name: 'secretKeyRef (decoded)', from: { secretKeyRef: { name: 's', key: 'pw' } }, want: 'hunter2' },
  { name: 'missing configmap', from: { configMapKeyRef: { name: 'nope', key: 'k' } }, want: /^configmap "nope" not found$/ },
  { name: 'missing configmap key', from: { configMapKeyRef: { name: 'cm', key: 'x' } }, want: /^couldn't find key x in ConfigMap default\/cm$/ },
  { name: 'missing secret', from: { secretKeyRef: { name: 'nope', key: 'pw' } }, want: /^secret "nope" not found$/ },
  { name: 'missing secret key', from: { secretKeyRef: { name: 's', key: 'x' } }, want: /^couldn't find key x in Secret default\/s$/ },
  { name: 'optional missing configmap', from: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } }, want: undefined },
  { name: 'optional missing configmap key', from: { configMapKeyRef: { name: 'cm', key: 'x', optional: true } }, want: undefined },
  { name: 'optional missing secret', from: { secretKeyRef: { name: 'nope', key: 'pw', optional: true } }, want: undefined },
  { name: 'optional missing secret key', from: { secretKeyRef: { name: 's', key: 'x', optional: true } }, want: undefined },
];
test.each(valueFromCases)('valueFrom: $name', ({ from, want }) => {
  const c = container('app', { env: [{ name: 'X', valueFrom: from }] });
  if (want instanceof RegExp) {
    expect(() => envOf(c, sources(objects))).toThrow(ContainerConfigError);
    expect(() => envOf(c, sources(objects))).toThrow(want);
    return;
  }
  expect(asRecord(envOf(c, sources(objects)).envs).X).toBe(want);
});

const res = (cpu?: string, memory?: string, storage?: string): Record<string, string> => {
  const out: Record<string, string> = {};
  if (cpu) out.cpu = cpu;
  if (memory) out.memory = memory;
  if (storage) out['ephemeral-storage'] = storage;
  return out;
};
const resourceFieldCases: { name: string; resources: ResourceRequirements; ref: ResourceFieldSelector; want: string | RegExp }[] = [
  { name: 'limits.cpu in millicores', resources: { limits: res('500m') }, ref: { resource: 'limits.cpu', divisor: '1m' }, want: '500' },
  { name: 'limits.cpu rounds up to whole cores', resources: { limits: res('1500m') }, ref: { resource: 'limits.cpu' }, want: '2' },
  { name: 'limits.memory in Mi', resources: { limits: res(undefined, '64Mi') }, ref: { resource: 'limits.memory', divisor: '1Mi' }, want: '64' },
  { name: 'limits.memory rounds up', resources: { limits: res(undefined, '100M') }, ref: { resource: 'limits.memory', divisor: '1Mi' }, want: '96' },
  { name: 'requests.memory in bytes', resources: { requests: res(undefined, '32Mi') }, ref: { resource: 'requests.memory' }, want: '33554432' },
  { name: 'requests.cpu defaults to the limit', resources: { limits: res('2') }, ref: { resource: 'requests.cpu' }, want: '2' },
  { name: 'requests.cpu unset is 0', resources: {}, ref: { resource: 'requests.cpu' }, want: '0' },
  { name: 'requests.ephemeral-storage', resources: { requests: res(undefined, undefined, '1Gi') }, ref: { resource: 'requests.ephemeral-storage', divisor: '1Mi' }, want: '1024' },
  { name: 'unset cpu limit is the node allocatable', resources: {}, ref: { resource: 'limits.cpu' }, want: '4' },
  { name: 'unset memory limit is the node allocatable', resources: {}, ref: { resource: 'limits.memory', divisor: '1Gi' }, want: '8' },
  { name: 'unset ephemeral-storage limit is the node allocatable', resources: {}, ref: { resource: 'limits.ephemeral-storage', divisor: '1Gi' }, want: '100' },
  { name: 'another container by name', resources: {}, ref: { resource: 'limits.memory', containerName: 'side', divisor: '1Mi' }, want: '16' },
  { name: 'unknown container', resources: {}, ref: { resource: 'limits.cpu', containerName: 'nope' }, want: /^container nope not found$/ },
  { name: 'unsupported resource', resources: {}, ref: { resource: 'limits.nvidia.com/gpu' }, want: /^unsupported container resource : limits.nvidia.com\/gpu$/ },
];
test.each(resourceFieldCases)('resourceFieldRef: $name', ({ resources, ref, want }) => {
  const c = container('app', { resources, env: [{ name: 'R', valueFrom: { resourceFieldRef: ref } }] });
  const p = podIn(c, { containers: [c, container('side', { resources: { limits: res(undefined, '16Mi') } })] });
  const build = () => containerEnv(p, c, { ...ctx, allocatable });
  if (want instanceof RegExp) {
    expect(build).toThrow(want);
    return;
  }
  expect(build().envs).toEqual([{ key: 'R', value: want }]);
});

test('envFrom: prefix, invalid names skipped with an event message, secrets decoded, env wins over envFrom', () => {
  const c = container('app', {
    envFrom: [
      { configMapRef: { name: 'cm' } },
      { prefix: 'S_', secretRef: { name: 's' } },
      { configMapRef: { name: 'absent', optional: true } },
    ],
    env: [{ name: 'MODE', value: 'explicit' }],
  });
  const got = envOf(c, sources({
    configMaps: [configMap('cm', { MODE: 'from-cm', 'my.dotted-name': 'ok', '1bad': 'x', 'has space': 'y' })],
    secrets: [secret('s', { token: 't0k', '9lives': 'z' })],
  }));
  expect(got.envs).toEqual([
    { key: 'MODE', value: 'explicit' }, { key: 'my.dotted-name', value: 'ok' }, { key: 'S_token', value: 't0k' }, { key: 'S_9lives', value: 'z' },
  ]);
  expect(got.warnings).toEqual([
    'Keys [1bad, has space] from the EnvFrom configMap default/cm were skipped since they are considered invalid environment variable names.',
  ]);
  const missing = container('app', { envFrom: [{ secretRef: { name: 'absent' } }] });
  expect(() => envOf(missing, sources())).toThrow(/^secret "absent" not found$/);
});

test('service variables: upstream names and order for a service with two named ports', () => {
  const svc = service('default', 'my-svc', '10.0.0.11', [{ name: 'http', port: 80 }, { name: 'metrics-port', port: 9090, protocol: 'UDP' }]);
  expect(serviceVariables(svc)).toEqual([
    { key: 'MY_SVC_SERVICE_HOST', value: '10.0.0.11' },
    { key: 'MY_SVC_SERVICE_PORT', value: '80' },
    { key: 'MY_SVC_SERVICE_PORT_HTTP', value: '80' },
    { key: 'MY_SVC_SERVICE_PORT_METRICS_PORT', value: '9090' },
    { key: 'MY_SVC_PORT', value: 'tcp://10.0.0.11:80' },
    { key: 'MY_SVC_PORT_80_TCP', value: 'tcp://10.0.0.11:80' },
    { key: 'MY_SVC_PORT_80_TCP_PROTO', value: 'tcp' },
    { key: 'MY_SVC_PORT_80_TCP_PORT', value: '80' },
    { key: 'MY_SVC_PORT_80_TCP_ADDR', value: '10.0.0.11' },
    { key: 'MY_SVC_PORT_9090_UDP', value: 'udp://10.0.0.11:9090' },
    { key: 'MY_SVC_PORT_9090_UDP_PROTO', value: 'udp' },
    { key: 'MY_SVC_PORT_9090_UDP_PORT', value: '9090' },
    { key: 'MY_SVC_PORT_9090_UDP_ADDR', value: '10.0.0.11' },
  ]);
  expect(asRecord(serviceVariables(service('x', 'v6', 'fd00::10', [{ port: 53, protocol: 'UDP' }]))).V6_PORT).toBe('udp://[fd00::10]:53');
});

const services = [
  kubernetesSvc,
  service('default', 'db', '10.0.0.20', [{ port: 5432 }]),
  service('team', 'web', '10.0.0.30', [{ port: 8080 }]),
  service('team', 'headless', 'None'),
  service('team', 'external', ''),
];
const serviceCases: { name: string; namespace: string; spec: Partial<PodSpec>; want: string[] }[] = [
  { name: 'the namespace\'s services and default/kubernetes', namespace: 'team', spec: {}, want: ['KUBERNETES', 'WEB'] },
  { name: 'in the default namespace, its services', namespace: 'default', spec: {}, want: ['DB', 'KUBERNETES'] },
  { name: 'enableServiceLinks false keeps only kubernetes', namespace: 'team', spec: { enableServiceLinks: false }, want: ['KUBERNETES'] },
  { name: 'enableServiceLinks false in default keeps only kubernetes', namespace: 'default', spec: { enableServiceLinks: false }, want: ['KUBERNETES'] },
];
test.each(serviceCases)('service variables: $name', ({ namespace, spec, want }) => {
  const got = envOf(container('app'), sources({ services }), spec, namespace).envs;
  expect([...new Set(got.map((kv) => kv.key.slice(0, kv.key.indexOf('_'))))].sort()).toEqual(want);
  expect(asRecord(got)).toMatchObject({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443' });
});

test('a kubernetes service in the pod\'s namespace wins over default/kubernetes', () => {
  const got = asRecord(envOf(container('app'), sources({ services: [kubernetesSvc, service('team', 'kubernetes', '10.0.0.99')] }), {}, 'team').envs);
  expect(got.KUBERNETES_SERVICE_HOST).toBe('10.0.0.99');
});

test('precedence: service variables < envFrom < env, explicit entries come first and are not repeated', () => {
  const c = container('app', {
    envFrom: [{ configMapRef: { name: 'cm' } }],
    env: [{ name: 'WEB_SERVICE_HOST', value: 'override' }],
  });
  const got = envOf(c, sources({ configMaps: [configMap('cm', { WEB_SERVICE_PORT: '1' })], services }), {}, 'team').envs;
  expect(got.slice(0, 2)).toEqual([{ key: 'WEB_SERVICE_PORT', value: '1' }, { key: 'WEB_SERVICE_HOST', value: 'override' }]);
  expect(got.filter((kv) => kv.key.startsWith('WEB_SERVICE_'))).toHaveLength(2);
  expect(asRecord(got).WEB_PORT).toBe('tcp://10.0.0.30:8080');
});

test('expansion: earlier env, envFrom and service variables; later or unknown references stay; $$ escapes', () => {
  const c = container('app', {
    command: ['echo', '$(URL)', '$(WEB_SERVICE_PORT)'],
    envFrom: [{ configMapRef: { name: 'cm' } }],
    env: [
      { name: 'A', value: 'a' },
      { name: 'URL', value: 'http://$(WEB_SERVICE_HOST):$(PORT)/$(A)/$(B)/$(NOPE)/$$(A)' },
      { name: 'B', value: 'b' },
    ],
  });
  const p = podIn(c, {}, 'team');
  const cfg = containerConfig(p, c, 0, { ...ctx, envs: envOf(c, sources({ configMaps: [configMap('cm', { PORT: '8080' })], services }), {}, 'team').envs });
  expect(asRecord(cfg.envs).URL).toBe('http://10.0.0.30:8080/a/$(B)/$(NOPE)/$(A)');
  expect(cfg.command).toEqual(['echo', 'http://10.0.0.30:8080/a/$(B)/$(NOPE)/$(A)', '8080']);
});
