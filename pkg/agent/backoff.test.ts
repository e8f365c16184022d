import { Backoff, formatDuration } from './backoff';
import { FakeClock } from './clock';

test('10s doubling to 5m, reset after a long quiet run', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    const failedAt = clock.now();
    expect(b.isInBackOffSince('k', failedAt)).toBe(i > 0);
    if (i > 0) { clock.step(b.get('k')); expect(b.isInBackOffSince('k', failedAt)).toBe(false); }
    b.next('k', failedAt);
    delays.push(b.get('k') / 1000);
  }
  expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  clock.step(11 * 60_000);
  b.next('k', clock.now());
  expect(b.get('k')).toBe(10_000);
});

test('isInBackOffSinceUpdate and remaining', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  b.next('pull', clock.now());
  expect(b.isInBackOffSinceUpdate('pull')).toBe(true);
  clock.step(4000);
  expect(b.remaining('pull', clock.now() - 4000)).toBe(6000);
  clock.step(6000);
  expect(b.isInBackOffSinceUpdate('pull')).toBe(false);
});

test.each([[10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s']])('formatDuration(%d) = %s', (ms, want) => {
  expect(formatDuration(ms)).toBe(want);
});
