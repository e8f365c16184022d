import { admitPod } from './admission';
import { container, pod } from './test-builders';

const withReq = (uid: string, cpu: string, memory = '0') =>
  pod({ uid, name: uid, containers: [container('app', { resources: { requests: { cpu, memory } } })] });
const alloc = { milliCPU: 2000, memory: 4 * 1024 ** 3, pods: 3 };

test.each([
  { name: 'fits', p: withReq('a', '500m'), others: [withReq('b', '1')], want: undefined },
  { name: 'out of cpu', p: withReq('a', '1500m'), others: [withReq('b', '1')],
    want: { reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000" } },
  { name: 'out of memory', p: withReq('a', '0', '5Gi'), others: [],
    want: { reason: 'OutOfmemory', message: "Pod was rejected: Node didn't have enough resource: memory, requested: 5368709120, used: 0, capacity: 4294967296" } },
  { name: 'out of pods', p: withReq('a', '0'), others: [withReq('b', '0'), withReq('c', '0'), withReq('d', '0')],
    want: { reason: 'OutOfpods', message: "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3" } },
  { name: 'best effort always fits cpu', p: pod(), others: [withReq('b', '2')], want: undefined },
])('$name', ({ p, others, want }) => {
  expect(admitPod(p, others, alloc)).toEqual(want);
});
