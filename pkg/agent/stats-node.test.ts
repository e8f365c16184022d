import { parseMeminfo, parseProcStat } from './stats-node';

describe('node usage from /proc', () => {
  it('counts non-idle jiffies (user nice system irq softirq steal) as nanoseconds', () => {
    const cpu = parseProcStat('cpu  100 5 20 900 40 1 2 3 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\nbtime 1795385600\n');
    expect(cpu.usageCoreNanoSeconds).toBe((100 + 5 + 20 + 1 + 2 + 3) * 1e7);
    expect(cpu.bootTime).toBe(1795385600);
  });

  it('refuses a /proc/stat without the cpu line', () => {
    expect(() => parseProcStat('intr 1 2\n')).toThrow('no cpu line');
  });

  it('takes the working set as used memory less inactive file pages', () => {
    const m = parseMeminfo('MemTotal:       1000 kB\nMemFree:         400 kB\nMemAvailable:    700 kB\nInactive(file):   100 kB\n');
    expect(m).toEqual({ capacityBytes: 1000 * 1024, usageBytes: 600 * 1024, workingSetBytes: 500 * 1024, availableBytes: 500 * 1024 });
  });
});
