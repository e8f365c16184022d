import { chooseProtocol, execProtocols, exitStatus, frame, parsePorts, parseResize, portForwardProtocols, portHeader, unframe } from './streaming-protocol';

test.each([
  { offered: ['v5.channel.k8s.io'], supported: execProtocols, want: 'v5.channel.k8s.io' },
  { offered: ['v4.channel.k8s.io', 'channel.k8s.io'], supported: execProtocols, want: 'v4.channel.k8s.io' },
  { offered: ['SPDY/3.1+portforward.k8s.io'], supported: portForwardProtocols, want: undefined },
  { offered: [' portforward.k8s.io'], supported: portForwardProtocols, want: 'portforward.k8s.io' },
])('chooseProtocol($offered) = $want', ({ offered, supported, want }) => {
  expect(chooseProtocol(offered, supported)).toBe(want);
});

test('frames carry the channel in the first byte', () => {
  expect(frame(2, 'hi')).toEqual(Buffer.from([2, 0x68, 0x69]));
  expect(unframe(Buffer.from([255, 0]))).toEqual({ ch: 255, data: Buffer.from([0]) });
});

test.each([
  { code: 0, want: { metadata: {}, status: 'Success' } },
  { code: 3, want: { metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: 3', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } } },
])('exitStatus($code)', ({ code, want }) => {
  expect(exitStatus(code)).toEqual(want);
});

test.each([
  { data: '{"Width":80,"Height":24}', want: { width: 80, height: 24 } },
  { data: '{"Width":"80"}', want: undefined },
  { data: 'not json', want: undefined },
])('parseResize($data)', ({ data, want }) => {
  expect(parseResize(Buffer.from(data))).toEqual(want);
});

test('ports: little-endian header, query values', () => {
  expect(portHeader(8080)).toEqual(Buffer.from([0x90, 0x1f]));
  expect(parsePorts(['80', '443,8080'])).toEqual([80, 443, 8080]);
  expect(() => parsePorts(['0'])).toThrow('invalid port "0"');
  expect(() => parsePorts(['http'])).toThrow('invalid port "http"');
});
