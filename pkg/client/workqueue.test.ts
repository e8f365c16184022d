import { createWorkQueue } from './workqueue';
import { FakeClock } from './fake-clock';

describe('workqueue', () => {
  test('de-duplicates keys waiting in the queue', async () => {
    const q = createWorkQueue();
    q.add('a'); q.add('b'); q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  test('a key re-added while processing is handed out again only after done', async () => {
    const q = createWorkQueue();
    q.add('a');
    const first = await q.get();
    expect(first).toBe('a');
    q.add('a');
    expect(q.len()).toBe(0); // not queued while a worker holds it
    let second: string | undefined;
    const pending = q.get().then((k) => { second = k; });
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done('a');
    await pending;
    expect(second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  test('two workers never hold the same key', async () => {
    const q = createWorkQueue();
    q.add('a');
    const w1 = await q.get();
    const got: (string | undefined)[] = [];
    const w2 = q.get().then((k) => got.push(k));
    q.add('a'); q.add('b');
    await w2;
    expect([w1, ...got]).toEqual(['a', 'b']);
  });

  test.each([
    { name: 'defaults', opts: {}, want: [5, 10, 20, 40, 80] },
    { name: 'capped', opts: { baseDelayMs: 100, maxDelayMs: 500 }, want: [100, 200, 400, 500, 500] },
  ])('addRateLimited back-off grows per failure ($name)', ({ opts, want }) => {
    const clock = new FakeClock();
    const q = createWorkQueue({ ...opts, clock });
    const delays: number[] = [];
    for (let i = 0; i < want.length; i++) {
      q.addRateLimited('k');
      delays.push(clock.pendingDelays()[0]);
      clock.step(delays[i]);
      expect(q.len()).toBe(1);
    }
    expect(delays).toEqual(want);
    expect(q.numRequeues('k')).toBe(want.length);
    q.forget('k');
    q.addRateLimited('k');
    expect(clock.pendingDelays()).toEqual([want[0]]);
    q.shutDown();
    expect(clock.pending()).toBe(0);
  });

  test('addAfter keeps the earliest wake-up and adds when due', () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    q.addAfter('k', 1000);
    q.addAfter('k', 200);
    q.addAfter('k', 5000);
    expect(clock.pendingDelays()).toEqual([200]);
    clock.step(199);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    q.addAfter('now', 0);
    expect(q.len()).toBe(2);
  });

  test('shutDown releases waiting workers and refuses new keys', async () => {
    const clock = new FakeClock();
    const q = createWorkQueue({ clock });
    const waiting = q.get();
    q.addAfter('later', 10);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('x');
    expect(await q.get()).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });
});

test('addRateLimited also obeys the queue-wide token bucket (10 qps, burst 100 by default)', () => {
  const clock = new FakeClock();
  const q = createWorkQueue({ clock, qps: 10, burst: 3 });
  for (const k of ['a', 'b', 'c', 'd', 'e']) q.addRateLimited(k);
  // a..c ride the burst with their own 5 ms back-off; d and e wait for tokens at 100 ms and 200 ms.
  expect(clock.pendingDelays()).toEqual([5, 5, 5, 100, 200]);
  q.shutDown();
});
