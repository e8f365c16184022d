import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { Backoff } from './backoff';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { syncPod, type SyncDeps } from './pod-sync';
import { killPod, runtimePodUIDs, terminatePod } from './pod-teardown';
import type { ApiPod } from './pod-util';
import { StatusManager } from './status-manager';
import { container, pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

const running = async (p: ApiPod) => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  const stored = pods.seed('default', p);
  const deps: SyncDeps = {
    runtime, statusManager: new StatusManager(pods, silentLogger()), backoff: new Backoff(clock), clock, log: silentLogger(),
    nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: '/l', memoryCapacity: 1 << 30, activePollMs: 1000, resyncMs: 10_000,
  };
  await syncPod(stored, deps);
  runtime.calls = [];
  return { runtime, pods };
};

test('deletion: stop containers with the grace period → stop sandbox → remove → API delete with uid precondition', async () => {
  const { runtime, pods } = await running(pod({ containers: [container('a'), container('b')] }));
  const deleting = { ...(await pods.get('default', 'web')) };
  deleting.metadata = { ...deleting.metadata, deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 7 };
  pods.calls = [];
  await terminatePod(deleting, pods, { runtime, log: silentLogger() });
  const [c1, c2] = [...runtime.calls.filter((c) => c.startsWith('removeContainer')).map((c) => c.split(' ')[1])];
  expect(runtime.calls).toEqual([
    `stopContainer ${c1} 7`, `stopContainer ${c2} 7`, 'stopPodSandbox sb1', `removeContainer ${c1}`, `removeContainer ${c2}`, 'removePodSandbox sb1',
  ]);
  expect(pods.calls).toEqual(['delete default/web {"gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"}}']);
  expect(pods.objects.size).toBe(0);
  expect(runtime.containers.size + runtime.sandboxes.size).toBe(0);
});

test('deletion of a pod already replaced by a new one with the same name leaves the new one', async () => {
  const { runtime, pods } = await running(pod());
  const old = { ...(await pods.get('default', 'web')) };
  pods.seed('default', pod({ uid: 'uid-2' }));
  await terminatePod(old, pods, { runtime, log: silentLogger() });
  expect(pods.objects.get('default/web')?.metadata.uid).toBe('uid-2');
});

test('killPod of an orphan and runtimePodUIDs', async () => {
  const { runtime } = await running(pod());
  expect([...(await runtimePodUIDs(runtime))]).toEqual(['uid-1']);
  expect(await killPod('uid-1', 2, { runtime, log: silentLogger() })).toBe(true);
  expect(await runtimePodUIDs(runtime)).toEqual(new Set());
  expect(await killPod('uid-1', 2, { runtime, log: silentLogger() })).toBe(false);
});
