import { bridgeConfig, cniAdd, cniDel, cniPortMappings, coveringSlash16, ensureBlackholeRoute, podIPFromResult } from './cni';
import { RecordingSyscalls } from './syscalls';

test('the bridge network never masquerades', () => {
  expect(bridgeConfig({ root: '/r', bridge: 'b0', podCidr: '10.1.2.0/24', networkName: 'n' })).toEqual({
    cniVersion: '1.0.0', name: 'n', type: 'bridge', bridge: 'b0', isGateway: true, ipMasq: false, hairpinMode: true,
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

test('cniPortMappings: only host ports, protocol in lower case, the host IP when given', () => {
  expect(cniPortMappings([
    { protocol: 'TCP', containerPort: 80, hostPort: 8080 }, { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
    { protocol: 'TCP', containerPort: 9090, hostPort: 0 }, { containerPort: 1 },
  ])).toEqual([
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' }, { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' },
  ]);
});

const net = { root: '/r', bridge: 'b0', podCidr: '10.1.2.0/24', networkName: 'n', cniBinDir: '/cni' };
const bridgeResult = { cniVersion: '1.0.0', ips: [{ address: '10.1.2.5/24' }] };
const plugins = (sys: RecordingSyscalls) => sys.calls.map((c) => (c.op === 'exec' ? `${c.env?.CNI_COMMAND} ${c.file}` : c.op));

test('cniAdd chains portmap after bridge with the bridge result and the mappings; DEL goes in reverse', async () => {
  const sys = new RecordingSyscalls();
  sys.execResults.set('/cni/bridge', JSON.stringify(bridgeResult));
  const ports = [{ protocol: 'TCP' as const, containerPort: 80, hostPort: 18081 }];
  expect(await cniAdd(sys, net, 'sb', '/ns', ports)).toEqual({ ip: '10.1.2.5', result: bridgeResult });
  expect(plugins(sys)).toEqual(['ADD /cni/loopback', 'ADD /cni/bridge', 'ADD /cni/portmap']);
  const pm = sys.calls[2];
  expect(pm.op === 'exec' && JSON.parse(pm.input ?? '')).toEqual({
    cniVersion: '1.0.0', name: 'n', type: 'portmap', capabilities: { portMappings: true }, snat: true,
    runtimeConfig: { portMappings: [{ hostPort: 18081, containerPort: 80, protocol: 'tcp' }] }, prevResult: bridgeResult,
  });
  sys.calls.length = 0;
  await cniDel(sys, net, 'sb', '/ns', ports, bridgeResult);
  expect(plugins(sys)).toEqual(['DEL /cni/portmap', 'DEL /cni/bridge', 'DEL /cni/loopback']);
});

test('without host ports portmap is never called', async () => {
  const sys = new RecordingSyscalls();
  sys.execResults.set('/cni/bridge', JSON.stringify(bridgeResult));
  await cniAdd(sys, net, 'sb', '/ns', [{ containerPort: 80 }]);
  await cniDel(sys, net, 'sb', '/ns', [{ containerPort: 80 }]);
  expect(plugins(sys)).toEqual(['ADD /cni/loopback', 'ADD /cni/bridge', 'DEL /cni/bridge', 'DEL /cni/loopback']);
});
