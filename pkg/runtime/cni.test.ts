import { bridgeConfig, coveringSlash16, ensureBlackholeRoute, podIPFromResult } from './cni';
import { RecordingSyscalls } from './syscalls';

test('the bridge network never masquerades', () => {
  expect(bridgeConfig({ root: '/r', bridge: 'b0', podCidr: '10.1.2.0/24', networkName: 'n' })).toEqual({
    cniVersion: '1.0.0', name: 'n', type: 'bridge', bridge: 'b0', isGateway: true, ipMasq: false,
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.1.2.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/r/cni/ipam' },
  });
});

test.each([
  { name: 'first IPv4', out: { ips: [{ address: 'fd00::2/64' }, { address: '10.1.2.3/24' }] }, want: '10.1.2.3' },
])('podIPFromResult: $name', ({ out, want }) => {
  expect(podIPFromResult(JSON.stringify(out))).toBe(want);
});

test('podIPFromResult rejects a result without an address', () => {
  expect(() => podIPFromResult('{"ips":[]}')).toThrow(/no IPv4 address/);
});

test.each([
  { cidr: '10.244.0.0/24', want: '10.244.0.0/16' },
  { cidr: '10.250.17.0/24', want: '10.250.0.0/16' },
])('coveringSlash16($cidr)', ({ cidr, want }) => expect(coveringSlash16(cidr)).toBe(want));

test('the blackhole route is added only when absent', async () => {
  const sys = new RecordingSyscalls();
  await ensureBlackholeRoute(sys, '10.244.0.0/24');
  sys.execResults.set('ip', 'blackhole 10.244.0.0/16\n');
  await ensureBlackholeRoute(sys, '10.244.0.0/24');
  expect(sys.calls.map((c) => (c.op === 'exec' ? c.args.join(' ') : c.op))).toEqual([
    'route show type blackhole 10.244.0.0/16', 'route replace blackhole 10.244.0.0/16', 'route show type blackhole 10.244.0.0/16',
  ]);
});
