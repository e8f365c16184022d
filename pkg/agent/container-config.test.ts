import { containerConfig, containerResources, expand, sandboxConfig } from './container-config';
import { container, pod } from './test-builders';
import type { ResourceRequirements } from '../../api/core/v1';
import type { LinuxContainerResources } from './runtime-client';

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
    logDirectory: '/root/.berth/logs/pods/default_web_uid-1',
    labels: { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-1' },
    annotations: {}, linux: {},
  });
});

test('expand', () => {
  expect(expand('$(A)-$$(A)-$(B)', new Map([['A', '1']]))).toBe('1-$(A)-$(B)');
});
