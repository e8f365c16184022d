import { findResource } from '../../api/resources';
import type { EventHandler, Informer } from '../client/types';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { PodManager } from './pod-manager';
import type { ApiPod } from './pod-util';
import { container, pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

const fakeInformer = (): Informer<ApiPod> & { handlers: EventHandler<ApiPod>[] } => {
  const handlers: EventHandler<ApiPod>[] = [];
  return {
    handlers,
    addEventHandler: (h) => { handlers.push(h); },
    run: async () => undefined,
    hasSynced: () => true,
    waitForSync: async () => undefined,
    get: () => undefined,
    list: () => [],
    byIndex: () => [],
  };
};

const setup = () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  const informer = fakeInformer();
  const m = new PodManager({
    runtime, pods, informer, clock, log: silentLogger(), nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: '/l',
    memoryCapacity: 1 << 30, activePollMs: 1000, resyncMs: 10_000, allocatable: { milliCPU: 2000, memory: 1 << 30, pods: 110 },
  });
  return { clock, runtime, pods, m };
};

test('add → running; delete event → torn down and the worker ends', async () => {
  const t = setup();
  const p = t.pods.seed('default', pod());
  t.m.handler.add?.(p);
  await t.m.workers.whenIdle();
  expect(t.runtime.sandboxes.size).toBe(1);
  t.m.handler.delete?.(p);
  await t.m.workers.whenIdle();
  expect(t.runtime.sandboxes.size + t.runtime.containers.size).toBe(0);
  expect(t.m.workers.has('uid-1')).toBe(false);
});

test('deletionTimestamp → killed and deleted through the API', async () => {
  const t = setup();
  const p = t.pods.seed('default', pod());
  t.m.handler.add?.(p);
  await t.m.workers.whenIdle();
  const deleting = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } };
  t.m.handler.update?.(p, deleting);
  await t.m.workers.whenIdle();
  expect(t.runtime.calls.filter((c) => c.startsWith('stop'))[0]).toMatch(/^stopContainer c\d+ 30$/);
  expect(t.pods.objects.size).toBe(0);
});

test('housekeeping tears down orphans the API does not know', async () => {
  const t = setup();
  await t.runtime.runPodSandbox({ metadata: { name: 'old', namespace: 'default', uid: 'gone', attempt: 0 }, hostname: 'old', logDirectory: '/l', labels: { 'io.kubernetes.pod.uid': 'gone' }, annotations: {} });
  await t.m.housekeeping();
  await t.m.workers.whenIdle();
  expect(t.runtime.sandboxes.size).toBe(0);
});

test('admission rejects a pod that does not fit with OutOfcpu', async () => {
  const t = setup();
  const p = t.pods.seed('default', pod({ containers: [container('app', { resources: { requests: { cpu: '3' } } })] }));
  t.m.handler.add?.(p);
  await t.m.workers.whenIdle();
  const got = await t.pods.get('default', 'web');
  expect(got.status).toMatchObject({ phase: 'Failed', reason: 'OutOfcpu' });
  expect(t.runtime.sandboxes.size).toBe(0);
});
