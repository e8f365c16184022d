import { TokenBucket } from './rate-limiter';
import { FakeClock, flushPromises } from './fake-clock';

describe('token bucket', () => {
  test('a full bucket serves `burst` at once, then one per 1/qps, in arrival order', async () => {
    const clock = new FakeClock();
    const tb = new TokenBucket({ qps: 2, burst: 3, clock });
    const done: number[] = [];
    for (let i = 0; i < 6; i++) void tb.wait().then(() => done.push(i));
    await flushPromises();
    expect(done).toEqual([0, 1, 2]);
    expect(clock.pendingDelays()).toEqual([500, 1000, 1500]);
    clock.step(500);
    await flushPromises();
    expect(done).toEqual([0, 1, 2, 3]);
    clock.step(1000);
    await flushPromises();
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('refills over time up to burst, never beyond', () => {
    const clock = new FakeClock();
    const tb = new TokenBucket({ qps: 10, burst: 5, clock });
    for (let i = 0; i < 5; i++) expect(tb.tryAccept()).toBe(true);
    expect(tb.tryAccept()).toBe(false);
    clock.step(100);
    expect(tb.tokens()).toBe(1);
    clock.step(60_000);
    expect(tb.tokens()).toBe(5);
  });

  test('an aborted wait rejects, clears its timer and gives its reservation back', async () => {
    const clock = new FakeClock();
    const tb = new TokenBucket({ qps: 1, burst: 1, clock });
    await tb.wait();
    const ac = new AbortController();
    const waiting = tb.wait(ac.signal).then(() => 'ok', (e: Error) => e.name);
    ac.abort();
    expect(await waiting).toBe('AbortError');
    expect(clock.pending()).toBe(0);
    clock.step(1000);
    expect(tb.tryAccept()).toBe(true);
  });

  test.each([
    { qps: 0, burst: 1 },
    { qps: 1, burst: 0 },
  ])('rejects qps=$qps burst=$burst', ({ qps, burst }) => {
    expect(() => new TokenBucket({ qps, burst })).toThrow(/qps > 0 and burst >= 1/);
  });
});
