import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiConfigMap, ApiSecret, ApiService } from '../../api/core/v1';
import { findResource } from '../../api/resources';
import { FakeInformer } from '../client/fake-informer';
import { silentLogger } from '../log';
import { Backoff } from './backoff';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { containerAction, pullPolicy, syncPod, type SyncDeps } from './pod-sync';
import type { ApiPod } from './pod-util';
import { killPod } from './pod-teardown';
import { StatusManager } from './status-manager';
import { VolumeManager } from './volumes';
import { container, crStatus, pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

const setup = (p: ApiPod) => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  pods.seed('default', p);
  const deps: SyncDeps = {
    runtime, statusManager: new StatusManager(pods, silentLogger()), backoff: new Backoff(clock), clock, log: silentLogger(),
    nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: '/var/log/pods', memoryCapacity: 8 << 30, activePollMs: 1000, resyncMs: 10_000,
  };
  const fresh = async () => pods.get('default', p.metadata.name ?? '');
  const sync = async () => syncPod(await fresh(), deps);
  return { clock, runtime, pods, deps, fresh, sync };
};

describe('syncPod', () => {
  test('first sync starts sandbox, pulls, creates and starts, and reports Running', async () => {
    const t = setup(pod());
    expect(await t.sync()).toBe(1000);
    expect(t.runtime.calls).toEqual(['runPodSandbox web', 'pullImage busybox:1.36', 'createContainer app 0', expect.stringMatching(/^startContainer c\d+$/)]);
    const p = await t.fresh();
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.podIP).toBe('10.88.0.5');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, restartCount: 0, state: { running: {} } });
  });

  test('pulls an image that is missing, and Always for :latest', async () => {
    const t = setup(pod({ containers: [container('app', { image: 'busybox' })] }));
    await t.sync();
    expect(t.runtime.calls).toContain('pullImage busybox');
    expect([pullPolicy(container('a', { image: 'busybox' })), pullPolicy(container('a', { image: 'r:5000/x:1' })), pullPolicy(container('a', { image: 'x@sha256:1' }))])
      .toEqual(['Always', 'IfNotPresent', 'IfNotPresent']);
  });

  test('a steady pod makes no runtime writes and no status writes', async () => {
    const t = setup(pod());
    await t.sync();
    const calls = t.runtime.calls.length;
    const writes = t.pods.calls.filter((c) => c.startsWith('updateStatus')).length;
    await t.sync();
    expect(t.runtime.calls.length).toBe(calls);
    expect(t.pods.calls.filter((c) => c.startsWith('updateStatus')).length).toBe(writes);
  });

  test('crash: immediate restart, then CrashLoopBackOff 10s, then 20s', async () => {
    const t = setup(pod());
    await t.sync();
    t.runtime.exit(t.runtime.latest('app')?.id ?? '', 1);
    await t.sync();
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(1);
    t.runtime.exit(t.runtime.latest('app')?.id ?? '', 1);
    t.clock.step(1000);
    await t.sync();
    let p = await t.fresh();
    expect(p.status?.containerStatuses?.[0].state?.waiting).toEqual({ reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=web_default(uid-1)' });
    expect(p.status?.containerStatuses?.[0].lastState?.terminated?.exitCode).toBe(1);
    expect(p.status?.phase).toBe('Running');
    t.clock.step(9000);
    await t.sync();
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(2);
    t.runtime.exit(t.runtime.latest('app')?.id ?? '', 1);
    t.clock.step(15_000);
    await t.sync();
    p = await t.fresh();
    expect(p.status?.containerStatuses?.[0].state?.waiting?.message).toMatch(/^back-off 20s/);
    t.clock.step(5000);
    await t.sync();
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(3);
    expect((await t.fresh()).status?.containerStatuses?.[0].restartCount).toBe(3);
  });

  test.each([
    { policy: 'Never', exitCode: 0, phase: 'Succeeded', restarted: false },
    { policy: 'Never', exitCode: 1, phase: 'Failed', restarted: false },
    { policy: 'OnFailure', exitCode: 0, phase: 'Succeeded', restarted: false },
    { policy: 'OnFailure', exitCode: 1, phase: 'Running', restarted: true },
    { policy: 'Always', exitCode: 0, phase: 'Running', restarted: true },
  ])('restartPolicy $policy, exit $exitCode → $phase', async ({ policy, exitCode, phase, restarted }) => {
    const t = setup(pod({ restartPolicy: policy }));
    await t.sync();
    t.runtime.exit(t.runtime.latest('app')?.id ?? '', exitCode);
    await t.sync();
    expect((await t.fresh()).status?.phase).toBe(phase);
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(restarted ? 1 : 0);
    if (phase === 'Succeeded' || phase === 'Failed') {
      expect(t.runtime.calls).toContain('stopPodSandbox sb1');
      expect(t.runtime.containers.size).toBe(1);   // kept for logs
    }
  });

  test('image pull failure: ErrImagePull, then ImagePullBackOff, then success after the back-off', async () => {
    const t = setup(pod());
    t.runtime.pullErrors.set('busybox:1.36', 'manifest unknown');
    expect(await t.sync()).toBe(1000);
    let st = (await t.fresh()).status?.containerStatuses?.[0];
    expect(st?.state?.waiting).toEqual({ reason: 'ErrImagePull', message: 'Failed to pull image "busybox:1.36": manifest unknown' });
    expect((await t.fresh()).status?.phase).toBe('Pending');
    t.clock.step(2000);
    await t.sync();
    st = (await t.fresh()).status?.containerStatuses?.[0];
    expect(st?.state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:1.36"' });
    t.runtime.pullErrors.clear();
    t.clock.step(9000);
    await t.sync();
    expect((await t.fresh()).status?.phase).toBe('Running');
  });

  test('start failure reports RunContainerError', async () => {
    const t = setup(pod());
    t.runtime.startErrors.set('app', 'exec: "nope": not found');
    await t.sync();
    expect((await t.fresh()).status?.containerStatuses?.[0].state?.waiting).toEqual({ reason: 'RunContainerError', message: 'exec: "nope": not found' });
  });

  test('keeps only the latest and previous container of a name', async () => {
    const t = setup(pod());
    await t.sync();
    for (let i = 0; i < 3; i++) {
      t.runtime.exit(t.runtime.latest('app')?.id ?? '', 1);
      t.clock.step(400_000);
      await t.sync();
    }
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(3);
    expect(t.runtime.containers.size).toBe(2);
  });
});

describe('containerAction', () => {
  const b = () => new Backoff(new FakeClock());
  test.each([
    { name: 'nothing yet', history: [], want: { kind: 'start', attempt: 0 } },
    { name: 'running', history: [crStatus({ state: 'CONTAINER_RUNNING' })], want: { kind: 'keep' } },
    { name: 'created', history: [crStatus({ state: 'CONTAINER_CREATED', id: 'x' })], want: { kind: 'startCreated', id: 'x' } },
  ])('$name', ({ history, want }) => {
    expect(containerAction(pod(), container(), history, b(), Date.now())).toEqual(want);
  });
  test('a terminal pod never restarts', () => {
    expect(containerAction(pod({ phase: 'Failed' }), container(), [crStatus({ state: 'CONTAINER_EXITED', exitCode: 1 })], b(), Date.now())).toEqual({ kind: 'done' });
  });
});

describe('syncPod with volumes', () => {
  const withVolumes = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sync-vol-'));
    const cmInfo = findResource('', 'v1', 'configmaps');
    const secInfo = findResource('', 'v1', 'secrets');
    if (!cmInfo || !secInfo) throw new Error('resources missing');
    const configMaps = new FakeResourceClient<ApiConfigMap>(cmInfo);
    const volumes = new VolumeManager({ podsDir: path.join(root, 'pods'), configMaps, secrets: new FakeResourceClient<ApiSecret>(secInfo), log: silentLogger() });
    const p = pod({ containers: [container('app', { volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }, { name: 'scratch', mountPath: '/scratch' }] })] });
    p.spec = { ...p.spec, containers: p.spec?.containers ?? [], hostAliases: [{ ip: '10.1.1.1', hostnames: ['db'] }], volumes: [
      { name: 'cfg', configMap: { name: 'app-config' } }, { name: 'scratch', emptyDir: {} },
    ] };
    const t = setup(p);
    t.deps.volumes = volumes;
    return { ...t, root, configMaps, done: () => fs.rmSync(root, { recursive: true, force: true }) };
  };

  test('a missing configMap keeps the pod ContainerCreating with a FailedMount; once it exists the container gets its mounts and /etc/hosts', async () => {
    const t = withVolumes();
    try {
      await t.sync();
      expect(t.runtime.calls).toEqual([]);
      expect((await t.fresh()).status?.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
      t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { k: 'v' } });
      await t.sync();
      const id = [...t.runtime.configs.keys()][0];
      const mounts = t.runtime.configs.get(id)?.mounts ?? [];
      expect(mounts.map((m) => [m.containerPath, path.relative(t.root, m.hostPath), m.readonly])).toEqual([
        ['/etc/app', 'pods/uid-1/volumes/kubernetes.io~configmap/cfg', true],
        ['/scratch', 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch', false],
        ['/etc/hosts', 'pods/uid-1/etc-hosts', false],
      ]);
      expect(fs.readFileSync(path.join(t.root, 'pods/uid-1/etc-hosts'), 'utf8')).toContain('10.88.0.5\tweb\n\n# Entries added by HostAliases.\n10.1.1.1\tdb\n');
      const sb = [...t.runtime.sandboxConfigs.values()][0];
      expect(sb.linux?.securityContext?.namespaceOptions).toEqual({ network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
      await killPod('uid-1', 0, { runtime: t.runtime, log: silentLogger(), volumes: t.deps.volumes });
      expect(fs.existsSync(path.join(t.root, 'pods', 'uid-1'))).toBe(false);
    } finally { t.done(); }
  });
});

describe('syncPod environment', () => {
  test('a missing configMap is CreateContainerConfigError; once it exists the container gets it, service variables and an event for skipped keys', async () => {
    const cmInfo = findResource('', 'v1', 'configmaps');
    const secretInfo = findResource('', 'v1', 'secrets');
    if (!cmInfo || !secretInfo) throw new Error('resources missing');
    const configMaps = new FakeResourceClient<ApiConfigMap>(cmInfo);
    const services = new FakeInformer<ApiService>();
    services.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] } });
    const c = container('app', { envFrom: [{ configMapRef: { name: 'settings' } }], env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } }] });
    const t = setup(pod({ containers: [c] }));
    const events: string[] = [];
    t.deps.recorder = { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) };
    t.deps.envSources = { configMaps, secrets: new FakeResourceClient<ApiSecret>(secretInfo), services };
    await t.sync();
    expect((await t.fresh()).status?.containerStatuses?.[0].state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    expect(t.runtime.calls.filter((x) => x.startsWith('createContainer'))).toEqual([]);

    configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { level: 'debug', 'bad key': 'x' } });
    t.clock.step(10_000);
    await t.sync();
    expect((await t.fresh()).status?.phase).toBe('Running');
    const envs = [...t.runtime.configs.values()][0]?.envs ?? [];
    expect(envs).toEqual(expect.arrayContaining([{ key: 'level', value: 'debug' }, { key: 'LEVEL', value: 'debug' }, { key: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' }]));
    expect(events).toContain('Warning InvalidEnvironmentVariableNames Keys [bad key] from the EnvFrom configMap default/settings were skipped since they are considered invalid environment variable names.');
  });
});
