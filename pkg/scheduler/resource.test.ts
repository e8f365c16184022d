import { computePodRequests, defaultMemoryRequest, defaultMilliCPURequest } from './resource';
import { pod } from './testing';

const Mi = 1024 * 1024;

describe('computePodRequests', () => {
  test.each([
    { name: 'no requests', pod: pod(), want: { milliCPU: 0, memory: 0 } },
    { name: 'one container', pod: pod({ cpu: '500m', memory: '64Mi' }), want: { milliCPU: 500, memory: 64 * Mi } },
    { name: 'whole cores', pod: pod({ cpu: '2' }), want: { milliCPU: 2000, memory: 0 } },
    { name: 'requests default to limits', pod: pod({ limits: { cpu: '1', memory: '1Gi' } }), want: { milliCPU: 1000, memory: 1024 * Mi } },
    { name: 'requests win over limits', pod: pod({ cpu: '100m', limits: { cpu: '1' } }), want: { milliCPU: 100, memory: 0 } },
    { name: 'init container larger than containers', pod: pod({ cpu: '1', init: [{ cpu: '3', memory: '1Mi' }] }),
      want: { milliCPU: 3000, memory: Mi } },
    { name: 'init containers smaller: the sum wins', pod: pod({ cpu: '2', init: [{ cpu: '1' }, { cpu: '500m' }] }),
      want: { milliCPU: 2000, memory: 0 } },
    { name: 'sidecar adds to containers', pod: pod({ cpu: '1', init: [{ cpu: '1', restartPolicy: 'Always' }] }),
      want: { milliCPU: 2000, memory: 0 } },
    { name: 'sidecar runs beside later init containers',
      pod: pod({ cpu: '1', init: [{ cpu: '1', restartPolicy: 'Always' }, { cpu: '2500m' }] }),
      want: { milliCPU: 3500, memory: 0 } },
  ])('$name', ({ pod, want }) => {
    expect(computePodRequests(pod)).toEqual(want);
  });

  test.each([
    { name: 'missing requests get the defaults', pod: pod(), want: { milliCPU: defaultMilliCPURequest, memory: defaultMemoryRequest } },
    { name: 'explicit zero stays zero', pod: pod({ cpu: '0', memory: '0' }), want: { milliCPU: 0, memory: 0 } },
    { name: 'set requests are kept', pod: pod({ cpu: '1' }), want: { milliCPU: 1000, memory: defaultMemoryRequest } },
  ])('nonZero: $name', ({ pod, want }) => {
    expect(computePodRequests(pod, { nonZero: true })).toEqual(want);
  });
});
