import { nanoCoresBetween } from './stats-rate';

describe('nanoCoresBetween', () => {
  it('divides the CPU time used by the window', () => {
    // 0.5 s of CPU over 2 s is a quarter of a core.
    expect(nanoCoresBetween({ time: 10e9, usageCoreNanoSeconds: 1e9 }, { time: 12e9, usageCoreNanoSeconds: 1.5e9 })).toBe(250_000_000);
  });

  it('gives no rate without an earlier sample, without a window, or when the counter went back', () => {
    expect(nanoCoresBetween(undefined, { time: 1, usageCoreNanoSeconds: 1 })).toBeUndefined();
    expect(nanoCoresBetween({ time: 5, usageCoreNanoSeconds: 1 }, { time: 5, usageCoreNanoSeconds: 2 })).toBeUndefined();
    expect(nanoCoresBetween({ time: 1, usageCoreNanoSeconds: 9 }, { time: 5, usageCoreNanoSeconds: 2 })).toBeUndefined();
  });
});
