import { qosParent } from './qos-cgroups';

test.each([
  { path: '/berth/kubepods/burstable/podu1', want: { path: '/berth/kubepods/burstable', qos: 'burstable' } },
  { path: '/kubepods/besteffort/podu1', want: { path: '/kubepods/besteffort', qos: 'besteffort' } },
  { path: '/berth/kubepods/podu1', want: undefined }, // guaranteed: directly under kubepods
  { path: '/berth/podu1', want: undefined }, // a CRI client without kubelet's hierarchy
  { path: '/other/burstable/podu1', want: undefined },
])('qosParent($path)', ({ path, want }) => {
  expect(qosParent(path)).toEqual(want);
});
