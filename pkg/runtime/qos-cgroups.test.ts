import { cgroupV1 } from './cgroups-v1';
import { cgroupV2, sharesToWeight } from './cgroups-v2';
import { qosParent, updateQosParent } from './qos-cgroups';
import type { SandboxRecord } from './state';
import { RecordingSyscalls } from './syscalls';

test.each([
  { path: '/berth/kubepods/burstable/podu1', want: { path: '/berth/kubepods/burstable', qos: 'burstable' } },
  { path: '/kubepods/besteffort/podu1', want: { path: '/kubepods/besteffort', qos: 'besteffort' } },
  { path: '/berth/kubepods/podu1', want: undefined }, // guaranteed: directly under kubepods
  { path: '/berth/podu1', want: undefined }, // a CRI client without kubelet's hierarchy
  { path: '/other/burstable/podu1', want: undefined },
])('qosParent($path)', ({ path, want }) => {
  expect(qosParent(path)).toEqual(want);
});

test('updateQosParent: cpu.shares on v1, cpu.weight (runc\'s conversion) on v2; nothing for a pod outside kubelet\'s hierarchy', async () => {
  const sb = (cgroupPath: string, cpuShares: number): SandboxRecord => ({
    id: cgroupPath, config: { metadata: { name: 'p', namespace: 'd', uid: 'u', attempt: 0 }, linux: { resources: { cpuShares } } },
    createdAt: 0, ready: true, hostname: 'p', ip: '', networkAttached: false, ns: {}, cgroupPath,
  });
  const pods = [sb('/b/kubepods/burstable/pod1', 1024), sb('/b/kubepods/burstable/pod2', 1024)];
  const v1 = new RecordingSyscalls();
  await updateQosParent(v1, cgroupV1('/cg'), pods[0].cgroupPath, pods);
  const v2 = new RecordingSyscalls();
  await updateQosParent(v2, cgroupV2('/cg2'), pods[0].cgroupPath, pods);
  await updateQosParent(v2, cgroupV2('/cg2'), '/b/pod3', pods);
  expect(v1.calls).toEqual([{ op: 'writeCgroup', path: '/cg/cpu/b/kubepods/burstable/cpu.shares', value: '2048' }]);
  expect(v2.calls).toEqual([{ op: 'writeCgroup', path: '/cg2/b/kubepods/burstable/cpu.weight', value: String(sharesToWeight(2048)) }]);
});
