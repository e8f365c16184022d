import { FakeClock } from '../client/fake-clock';
import { SchedulerCache } from './cache';
import { nodeEventHandler, podEventHandler } from './event-handlers';
import { SchedulingQueue } from './queue';
import { node, pod } from './testing';

const setup = () => {
  const clock = new FakeClock(1_000_000);
  const deps = { queue: new SchedulingQueue({ clock }), cache: new SchedulerCache(), schedulerName: 'default-scheduler' };
  return { ...deps, clock, pods: podEventHandler(deps), nodes: nodeEventHandler(deps) };
};

describe('event handlers', () => {
  test.each([
    { name: 'pending pod of ours', pod: pod({ name: 'a' }), queued: true },
    { name: 'another scheduler', pod: pod({ name: 'a', schedulerName: 'other' }), queued: false },
    { name: 'already bound', pod: pod({ name: 'a', nodeName: 'n1' }), queued: false },
    { name: 'being deleted', pod: { ...pod({ name: 'a' }), metadata: { name: 'a', namespace: 'default', deletionTimestamp: '2024-01-01T00:00:00Z' } }, queued: false },
  ])('add: $name', ({ pod, queued }) => {
    const s = setup();
    s.pods.add?.(pod);
    expect(s.queue.where('default/a') === 'active').toBe(queued);
  });

  test('binding confirmation removes the pod from the queue and counts it on the node', () => {
    const s = setup();
    s.nodes.add?.(node({ name: 'n1' }));
    const p = pod({ name: 'a', cpu: '1' });
    s.pods.add?.(p);
    s.pods.update?.(p, pod({ name: 'a', cpu: '1', nodeName: 'n1' }));
    expect(s.queue.where('default/a')).toBeUndefined();
    expect(s.cache.snapshot()[0].requested.milliCPU).toBe(1000);
  });

  test('node heartbeats do not flush the unschedulable pool; a new node does', async () => {
    const s = setup();
    s.pods.add?.(pod({ name: 'a' }));
    const info = await s.queue.pop();
    if (!info) throw new Error('no pod');
    s.clock.step(5000);
    const n = node({ name: 'n1' });
    s.nodes.add?.(n); // before the failure is recorded: the move request makes it go to backoff
    s.queue.requeueAfterFailure(info, 'unschedulable');
    expect(s.queue.where('default/a')).toBe('backoff');
    s.clock.step(5000);
    s.queue.flushBackoffQCompleted();
    const again = await s.queue.pop();
    if (!again) throw new Error('no pod');
    s.queue.requeueAfterFailure(again, 'unschedulable');
    expect(s.queue.where('default/a')).toBe('unschedulable');
    const beat = { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:01:00Z' }] } };
    s.nodes.update?.(n, beat);
    expect(s.queue.where('default/a')).toBe('unschedulable');
    s.clock.step(5000);
    s.nodes.update?.(beat, { ...beat, status: { ...beat.status, allocatable: { cpu: '8', memory: '8Gi', pods: '110' } } });
    expect(s.queue.where('default/a')).toBe('active');
  });
});
