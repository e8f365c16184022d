import { FakeClock } from '../client/fake-clock';
import { LeaseManager } from './lease-manager';

const setup = (opts: { maxObjects?: number } = {}) => {
  const clock = new FakeClock(0);
  const grants: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const m = new LeaseManager({
    clock, ...opts,
    grant: async (ttl) => {
      grants.push(ttl);
      if (hold) await new Promise<void>((r) => { release = r; });
      return String(grants.length);
    },
  });
  return { clock, grants, m, holdGrants: () => { hold = true; }, release: () => { hold = false; release?.(); } };
};

describe('LeaseManager', () => {
  test('writes within the reuse window share one lease granted for ttl + the window', async () => {
    const { clock, grants, m } = setup();
    // ttl 1 h: the window is min(5 % of 3600 s, 60 s) = 60 s.
    expect(m.reuseSeconds(3600)).toBe(60);
    expect(m.reuseSeconds(100)).toBe(5);
    expect(m.reuseSeconds(2)).toBe(0);
    const ids = [];
    for (let i = 0; i < 1000; i++) {
      ids.push(await m.leaseFor(3600));
      clock.step(50);
    }
    // 1,000 writes over 50 s: one lease, granted for 3,660 s.
    expect(new Set(ids)).toEqual(new Set(['1']));
    expect(grants).toEqual([3660]);
    // Past the window a write would outlive its ttl by too much: a new lease.
    clock.step(11_000);
    expect(await m.leaseFor(3600)).toBe('2');
    // Another ttl never shares a lease with the first.
    expect(await m.leaseFor(100)).toBe('3');
  });

  test('a lease carries at most maxObjects keys', async () => {
    const { m } = setup({ maxObjects: 2 });
    expect([await m.leaseFor(3600), await m.leaseFor(3600), await m.leaseFor(3600)]).toEqual(['1', '1', '2']);
  });

  test('concurrent writes wait for one grant instead of granting their own', async () => {
    const { grants, m, holdGrants, release } = setup();
    holdGrants();
    const pending = Promise.all(Array.from({ length: 10 }, () => m.leaseFor(3600)));
    await Promise.resolve();
    release();
    expect(new Set(await pending)).toEqual(new Set(['1']));
    expect(grants).toHaveLength(1);
  });

  test('with no reuse window every write takes a fresh lease', async () => {
    const { m } = setup();
    expect([await m.leaseFor(2), await m.leaseFor(2)]).toEqual(['1', '2']);
  });
});
