// The agent's pod delete handler accepts client-go's DeletedFinalStateUnknown: a pod that a
// relist finds gone (its DELETED event missed) is torn down like one whose deletion was seen.
import { findResource } from '../../api/resources';
import { DeletedFinalStateUnknown } from '../client/tombstone';
import type { Informer } from '../client/types';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { PodManager } from './pod-manager';
import type { ApiPod } from './pod-util';
import { pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

test('a tombstoned pod is torn down and its worker ends', async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  const informer: Informer<ApiPod> = {
    addEventHandler: () => undefined, run: async () => undefined, hasSynced: () => true, waitForSync: async () => undefined,
    get: () => undefined, list: () => [], byIndex: () => [],
  };
  const m = new PodManager({
    runtime, pods, informer, clock, log: silentLogger(), nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: '/l',
    memoryCapacity: 1 << 30, activePollMs: 1000, resyncMs: 10_000, allocatable: { milliCPU: 2000, memory: 1 << 30, pods: 110 },
  });
  const p = pods.seed('default', pod());
  m.handler.add?.(p);
  await m.workers.whenIdle();
  expect(runtime.sandboxes.size).toBe(1);
  pods.objects.clear(); // gone from the API too, as after a missed deletion
  m.handler.delete?.(new DeletedFinalStateUnknown(`default/${p.metadata.name}`, p));
  await m.workers.whenIdle();
  expect(runtime.sandboxes.size + runtime.containers.size).toBe(0);
  expect(m.workers.has(p.metadata.uid ?? '')).toBe(false);
});
