import { memoryUsage } from './container-resources';

test.each([
  { name: 'v1: working set = usage - total_inactive_file; available from the limit', version: 1 as const,
    files: { usage: '100000\n', stat: 'inactive_file 5\ntotal_inactive_file 30000\ntotal_rss 40000\ntotal_pgfault 7\ntotal_pgmajfault 1\n', limit: '200000\n' },
    want: { workingSetBytes: { value: 70000 }, usageBytes: { value: 100000 }, availableBytes: { value: 130000 }, rssBytes: { value: 40000 }, pageFaults: { value: 7 }, majorPageFaults: { value: 1 } } },
  { name: 'v1: no limit (the huge page-aligned int64) → no available', version: 1 as const,
    files: { usage: '100', stat: 'total_inactive_file 300\n', limit: '9223372036854771712' },
    want: { workingSetBytes: { value: 0 }, availableBytes: null } },
  { name: 'v2: memory.current, inactive_file, anon, memory.max', version: 2 as const,
    files: { usage: '5000', stat: 'anon 1000\ninactive_file 2000\npgfault 3\npgmajfault 0\n', limit: 'max\n' },
    want: { workingSetBytes: { value: 3000 }, rssBytes: { value: 1000 }, availableBytes: null } },
])('memoryUsage: $name', ({ version, files, want }) => {
  expect(memoryUsage(version, files, 42)).toMatchObject({ timestamp: 42, ...want });
});
