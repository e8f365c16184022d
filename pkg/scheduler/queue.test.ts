import { FakeClock } from '../client/fake-clock';
import { SchedulingQueue } from './queue';
import { pod } from './testing';

const newQueue = (clock = new FakeClock(1_000_000)) => ({ clock, q: new SchedulingQueue({ clock }) });

const popKey = async (q: SchedulingQueue): Promise<string | undefined> => (await q.pop())?.key;

describe('SchedulingQueue', () => {
  test.each([
    {
      name: 'higher priority first',
      pods: [pod({ name: 'low', priority: 1 }), pod({ name: 'high', priority: 100 }), pod({ name: 'none' })],
      want: ['default/high', 'default/low', 'default/none'],
    },
    {
      name: 'equal priority: older first',
      pods: [pod({ name: 'new', created: '2024-01-01T00:00:02Z' }), pod({ name: 'old', created: '2024-01-01T00:00:01Z' })],
      want: ['default/old', 'default/new'],
    },
    {
      name: 'priority beats age',
      pods: [pod({ name: 'old', created: '2024-01-01T00:00:01Z' }), pod({ name: 'vip', priority: 5, created: '2024-01-01T00:00:09Z' })],
      want: ['default/vip', 'default/old'],
    },
  ])('activeQ order: $name', async ({ pods, want }) => {
    const { q } = newQueue();
    pods.forEach((p) => q.add(p));
    const got: (string | undefined)[] = [];
    for (let i = 0; i < pods.length; i++) got.push(await popKey(q));
    expect(got).toEqual(want);
  });

  test('backoff doubles from 1s and caps at 10s', () => {
    const { q } = newQueue();
    expect([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  test('an error goes to backoffQ and returns once its backoff expires', async () => {
    const { clock, q } = newQueue();
    q.add(pod({ name: 'a' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.requeueAfterFailure(info, 'error');
    expect(q.where('default/a')).toBe('backoff');
    clock.step(999);
    q.flushBackoffQCompleted();
    expect(q.where('default/a')).toBe('backoff');
    clock.step(1);
    q.flushBackoffQCompleted();
    expect(q.where('default/a')).toBe('active');
    expect((await q.pop())?.attempts).toBe(2);
  });

  test('unschedulable pods wait for a cluster event, then respect their backoff', async () => {
    const { clock, q } = newQueue();
    q.add(pod({ name: 'a' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.requeueAfterFailure(info, 'unschedulable');
    expect(q.where('default/a')).toBe('unschedulable');
    q.flushBackoffQCompleted();
    expect(q.where('default/a')).toBe('unschedulable');
    q.moveAllToActiveOrBackoffQueue('NodeAdd');
    expect(q.where('default/a')).toBe('backoff'); // still inside its 1s back-off
    clock.step(1000);
    q.flushBackoffQCompleted();
    expect(q.lengths()).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
  });

  test('a cluster event after the back-off sends the pod straight to activeQ', async () => {
    const { clock, q } = newQueue();
    q.add(pod({ name: 'a' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.requeueAfterFailure(info, 'unschedulable');
    clock.step(5000);
    q.moveAllToActiveOrBackoffQueue('NodeUpdate');
    expect(q.where('default/a')).toBe('active');
  });

  test('the unschedulable pool is flushed after 60s without events', async () => {
    const { clock, q } = newQueue();
    q.add(pod({ name: 'a' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.requeueAfterFailure(info, 'unschedulable');
    clock.step(59_999);
    q.flushUnschedulablePodsLeftover();
    expect(q.where('default/a')).toBe('unschedulable');
    clock.step(1);
    q.flushUnschedulablePodsLeftover();
    expect(q.where('default/a')).toBe('active');
  });

  test('a move request during the cycle sends the failed pod to backoffQ, not the pool', async () => {
    const { q } = newQueue();
    q.add(pod({ name: 'a' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.moveAllToActiveOrBackoffQueue('NodeAdd'); // the event raced with the cycle
    q.requeueAfterFailure(info, 'unschedulable');
    expect(q.where('default/a')).toBe('backoff');
  });

  test('a pod deleted during its cycle is not requeued', async () => {
    const { q } = newQueue();
    const p = pod({ name: 'a' });
    q.add(p);
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.delete(p);
    q.requeueAfterFailure(info, 'unschedulable');
    expect(q.where('default/a')).toBeUndefined();
  });

  test('a spec update moves an unschedulable pod; a status update does not', async () => {
    const { clock, q } = newQueue();
    const p = pod({ name: 'a', cpu: '100' });
    q.add(p);
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.requeueAfterFailure(info, 'unschedulable');
    clock.step(2000);
    const withStatus = { ...p, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    q.update(p, withStatus);
    expect(q.where('default/a')).toBe('unschedulable');
    q.update(withStatus, pod({ name: 'a', cpu: '1' }));
    expect(q.where('default/a')).toBe('active');
  });

  test('updates during the cycle are kept for the requeue', async () => {
    const { q } = newQueue();
    q.add(pod({ name: 'a', cpu: '1' }));
    const info = await q.pop();
    if (!info) throw new Error('no pod');
    q.update(undefined, pod({ name: 'a', cpu: '2' }));
    expect(q.where('default/a')).toBe('inFlight');
    q.requeueAfterFailure(info, 'error');
    expect(info.pod.spec?.containers[0].resources?.requests?.cpu).toBe('2');
  });

  test('pop waits for a pod and returns undefined once closed', async () => {
    const { q } = newQueue();
    const waiting = q.pop();
    q.add(pod({ name: 'late' }));
    expect((await waiting)?.key).toBe('default/late');
    const blocked = q.pop();
    q.close();
    expect(await blocked).toBeUndefined();
  });

  test('pop returns undefined when its signal aborts', async () => {
    const { q } = newQueue();
    const ac = new AbortController();
    const blocked = q.pop(ac.signal);
    ac.abort();
    expect(await blocked).toBeUndefined();
  });
});
