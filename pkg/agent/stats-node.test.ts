import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMeminfo, parseProcStat, readNodeUsage } from './stats-node';

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

describe('readNodeUsage', () => {
  it('stamps the reading with the time /proc/stat was read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
    try {
      fs.writeFileSync(path.join(dir, 'stat'), 'cpu  1 0 1 5 0 0 0 0 0 0\nbtime 7\n');
      fs.writeFileSync(path.join(dir, 'meminfo'), 'MemTotal: 2 kB\nMemFree: 1 kB\n');
      const u = await readNodeUsage(dir, () => 42);
      expect(u).toEqual({ time: 42, cpu: { usageCoreNanoSeconds: 2e7, bootTime: 7 }, memory: { capacityBytes: 2048, usageBytes: 1024, workingSetBytes: 1024, availableBytes: 1024 } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
