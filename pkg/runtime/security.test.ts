import { capMask, capName, capsFromMask, containerCapabilities, currentCapabilities, minOomScoreAdj, privilegedCapabilities } from './security';
import { capabilityNumbers, defaultCapabilities } from './oci-spec';

const all = ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN'];

test.each([
  { name: 'no capabilities field: the default set', c: undefined, want: defaultCapabilities },
  { name: 'add one (kubelet name without CAP_)', c: { addCapabilities: ['NET_ADMIN'] }, want: [...defaultCapabilities, 'CAP_NET_ADMIN'] },
  { name: 'drop one', c: { dropCapabilities: ['net_raw'] }, want: defaultCapabilities.filter((x) => x !== 'CAP_NET_RAW') },
  { name: 'drop ALL', c: { dropCapabilities: ['ALL'] }, want: [] },
  { name: 'drop ALL, add one back', c: { dropCapabilities: ['ALL'], addCapabilities: ['NET_BIND_SERVICE'] }, want: ['CAP_NET_BIND_SERVICE'] },
  { name: 'add ALL means what the runtime holds', c: { addCapabilities: ['ALL'] }, want: all },
  { name: 'add ALL, drop one', c: { addCapabilities: ['ALL'], dropCapabilities: ['SYS_ADMIN'] }, want: ['CAP_CHOWN', 'CAP_NET_ADMIN'] },
  { name: 'added and dropped: dropped', c: { addCapabilities: ['SYS_ADMIN'], dropCapabilities: ['SYS_ADMIN', 'ALL'] }, want: [] },
])('containerCapabilities: $name', ({ c, want }) => {
  const sorted = [...want].sort((a, b) => capabilityNumbers.indexOf(a) - capabilityNumbers.indexOf(b));
  expect(containerCapabilities(c, all)).toEqual({ bounding: sorted, effective: sorted, permitted: sorted });
});

test('ambient capabilities are also inheritable and in every other set', () => {
  const caps = containerCapabilities({ dropCapabilities: ['ALL'], addAmbientCapabilities: ['NET_BIND_SERVICE'] });
  expect(caps).toEqual({
    bounding: ['CAP_NET_BIND_SERVICE'], effective: ['CAP_NET_BIND_SERVICE'], permitted: ['CAP_NET_BIND_SERVICE'],
    inheritable: ['CAP_NET_BIND_SERVICE'], ambient: ['CAP_NET_BIND_SERVICE'],
  });
});

test('an unknown capability is refused', () => {
  expect(() => containerCapabilities({ addCapabilities: ['FLY'] })).toThrow(/unknown capability "CAP_FLY"/);
});

test('privileged: every capability given, in kernel order', () => {
  expect(privilegedCapabilities(['CAP_SYS_ADMIN', 'CAP_CHOWN']).bounding).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
});

test.each([
  { names: [], want: '0' },
  { names: ['CAP_CHOWN'], want: '1' },
  { names: ['CAP_KILL', 'CAP_SETUID'], want: String((1 << 5) + (1 << 7)) },
  { names: ['CAP_CHECKPOINT_RESTORE'], want: String(2 ** 40) },
])('capMask($names)', ({ names, want }) => {
  expect(capMask(names)).toBe(want);
});

test('masks and /proc/self/status round-trip (this host lacks CAP_SYS_RESOURCE, bit 24)', () => {
  const caps = currentCapabilities('Name:\tnode\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n');
  expect(caps).toHaveLength(40);
  expect(caps).not.toContain('CAP_SYS_RESOURCE');
  expect(BigInt(capMask(caps)).toString(16)).toBe('1fffeffffff');
  expect(capsFromMask('3')).toEqual(['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
  expect(capName('cap_kill')).toBe('CAP_KILL');
});

test('oom_score_adj floor: -1000 with CAP_SYS_RESOURCE, else the runtime\'s own score (containerd restrict_oom_score_adj)', () => {
  expect(minOomScoreAdj(['CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE'], () => '0\n')).toBe(-1000);
  expect(minOomScoreAdj(['CAP_SYS_ADMIN'], () => '0\n')).toBe(0);
  expect(minOomScoreAdj([], () => '-500\n')).toBe(-500);
});
