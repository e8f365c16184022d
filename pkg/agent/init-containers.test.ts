import { findResource } from '../../api/resources';
import type { Container } from '../../api/core/v1';
import { silentLogger } from '../log';
import { Backoff } from './backoff';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { syncPod, type SyncDeps } from './pod-sync';
import type { ApiPod } from './pod-util';
import { StatusManager } from './status-manager';
import { initPlan } from './init-containers';
import { observePod } from './runtime-state';
import { container, pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

const withInits = (restartPolicy: string, inits: Container[] = [container('init1'), container('init2')]): ApiPod => {
  const p = pod({ restartPolicy });
  return { ...p, spec: { ...p.spec, containers: p.spec?.containers ?? [], initContainers: inits } };
};

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
  const exit = (name: string, code: number) => runtime.exit(runtime.latest(name)?.id ?? '', code);
  return { clock, runtime, fresh, sync, exit };
};

describe('init containers', () => {
  test('run one at a time, in order, before the app container; Initialized follows them', async () => {
    const t = setup(withInits('Always'));
    await t.sync();
    expect(t.runtime.calls.filter((c) => c.startsWith('createContainer'))).toEqual(['createContainer init1 0']);
    let p = await t.fresh();
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.initContainerStatuses?.map((s) => [s.name, Object.keys(s.state ?? {})[0], s.ready])).toEqual([['init1', 'running', false], ['init2', 'waiting', false]]);
    expect(p.status?.initContainerStatuses?.[1].state?.waiting?.reason).toBe('PodInitializing');
    expect(p.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('PodInitializing');
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init1 init2]' });

    await t.sync();   // init1 still running: nothing new starts
    expect(t.runtime.latest('init2')).toBeUndefined();
    t.exit('init1', 0);
    await t.sync();
    expect(t.runtime.latest('init2')?.state).toBe('CONTAINER_RUNNING');
    expect(t.runtime.latest('app')).toBeUndefined();
    p = await t.fresh();
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.message).toBe('containers with incomplete status: [init2]');
    t.exit('init2', 0);
    await t.sync();
    expect(t.runtime.latest('app')?.state).toBe('CONTAINER_RUNNING');
    p = await t.fresh();
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.initContainerStatuses?.every((s) => s.ready && s.state?.terminated?.reason === 'Completed')).toBe(true);
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  test('restartPolicy Never: a failed init container fails the pod, the app never starts, the sandbox stops', async () => {
    const t = setup(withInits('Never'));
    await t.sync();
    t.exit('init1', 1);
    await t.sync();
    const p = await t.fresh();
    expect(p.status?.phase).toBe('Failed');
    expect(p.status?.initContainerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(t.runtime.latest('init2')).toBeUndefined();
    expect(t.runtime.latest('app')).toBeUndefined();
    expect(t.runtime.calls.some((c) => c.startsWith('stopPodSandbox'))).toBe(true);
  });

  test('Always/OnFailure: a failed init container restarts, then waits in CrashLoopBackOff', async () => {
    for (const policy of ['Always', 'OnFailure']) {
      const t = setup(withInits(policy));
      await t.sync();
      t.exit('init1', 1);
      await t.sync();
      expect(t.runtime.latest('init1')?.metadata.attempt).toBe(1);
      t.exit('init1', 1);
      expect(await t.sync()).toBeLessThanOrEqual(10_000);
      const p = await t.fresh();
      expect(p.status?.phase).toBe('Pending');
      expect(p.status?.initContainerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } });
      t.clock.step(10_000);
      await t.sync();
      expect(t.runtime.latest('init1')?.metadata.attempt).toBe(2);
    }
  });

  test('once the app container ran, init containers are not run again', async () => {
    const t = setup(withInits('Always', [container('init1')]));
    await t.sync();
    t.exit('init1', 0);
    await t.sync();
    for (const [id, c] of t.runtime.containers) if (c.status.metadata.name === 'init1') t.runtime.containers.delete(id);
    t.exit('app', 1);
    await t.sync();
    expect(t.runtime.latest('init1')).toBeUndefined();
    expect(t.runtime.latest('app')?.metadata.attempt).toBe(1);
  });

  test('a sidecar (restartPolicy Always) only has to start; it runs beside the app, restarts whatever the pod policy, and counts for Ready', async () => {
    const t = setup(withInits('Never', [container('proxy', { restartPolicy: 'Always' }), container('setup')]));
    await t.sync();
    expect(t.runtime.latest('proxy')?.state).toBe('CONTAINER_RUNNING');
    await t.sync();
    expect(t.runtime.latest('setup')?.state).toBe('CONTAINER_RUNNING');
    t.exit('setup', 0);
    await t.sync();
    expect(t.runtime.latest('app')?.state).toBe('CONTAINER_RUNNING');
    let p = await t.fresh();
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.initContainerStatuses?.map((s) => [s.name, Object.keys(s.state ?? {})[0], s.ready, s.started])).toEqual([['proxy', 'running', true, true], ['setup', 'terminated', true, false]]);
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    t.exit('proxy', 1);
    await t.sync();
    expect(t.runtime.latest('proxy')).toMatchObject({ state: 'CONTAINER_RUNNING', metadata: { attempt: 1 } });
    expect(t.runtime.latest('setup')?.metadata.attempt).toBe(0);   // regular init containers do not run again
    t.exit('proxy', 1);
    await t.sync();
    p = await t.fresh();
    expect(p.status?.conditions?.find((c) => c.type === 'ContainersReady')).toMatchObject({ status: 'False', message: 'containers with unready status: [proxy]' });
    t.clock.step(10_000);
    await t.sync();
    t.exit('app', 0);   // the app is done under Never: the pod succeeds and the sidecar is stopped with the sandbox
    await t.sync();
    expect((await t.fresh()).status?.phase).toBe('Succeeded');
    expect(t.runtime.latest('proxy')?.state).toBe('CONTAINER_EXITED');
  });

  test('the next init container waits until the sidecar has passed its startup probe', async () => {
    const t = setup(withInits('Always', [container('proxy', { restartPolicy: 'Always' }), container('setup')]));
    await t.sync();
    const state = await observePod(t.runtime, 'uid-1');
    const p = await t.fresh();
    const notStarted = initPlan(p, state, new Backoff(t.clock), t.clock.now(), () => false);
    expect([notStarted.initialized, [...notStarted.actions.keys()]]).toEqual([false, []]);
    const started = initPlan(p, state, new Backoff(t.clock), t.clock.now(), () => true);
    expect([...started.actions.entries()]).toEqual([['setup', { kind: 'start', attempt: 0 }]]);
  });
});
