// The scheduler's delete handlers accept client-go's DeletedFinalStateUnknown (an informer relist
// that finds a pod or node gone) as upstream's deletePodFromSchedulingQueue/deleteNodeFromCache do.
import { DeletedFinalStateUnknown } from '../client';
import { FakeClock } from '../client/fake-clock';
import { SchedulerCache } from './cache';
import { nodeEventHandler, podEventHandler } from './event-handlers';
import { SchedulingQueue } from './queue';
import { node, pod } from './testing';

const setup = () => {
  const deps = { queue: new SchedulingQueue({ clock: new FakeClock(1_000_000) }), cache: new SchedulerCache(), schedulerName: 'default-scheduler' };
  return { ...deps, pods: podEventHandler(deps), nodes: nodeEventHandler(deps) };
};

test('a tombstoned pending pod leaves the scheduling queue', () => {
  const s = setup();
  const p = pod({ name: 'a' });
  s.pods.add?.(p);
  expect(s.queue.where('default/a')).toBe('active');
  s.pods.delete?.(new DeletedFinalStateUnknown('default/a', p));
  expect(s.queue.where('default/a')).toBeUndefined();
});

test('a tombstoned bound pod frees its node; a tombstoned node leaves the cache', () => {
  const s = setup();
  const n = node({ name: 'n1' });
  s.nodes.add?.(n);
  const p = pod({ name: 'a', cpu: '1', nodeName: 'n1' });
  s.pods.add?.(p);
  expect(s.cache.snapshot()[0].requested.milliCPU).toBe(1000);
  s.pods.delete?.(new DeletedFinalStateUnknown('default/a', p));
  expect(s.cache.snapshot()[0].requested.milliCPU).toBe(0);
  s.nodes.delete?.(new DeletedFinalStateUnknown('n1', n));
  expect(s.cache.nodeCount()).toBe(0);
});
