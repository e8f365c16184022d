// port-forward's pure parts (the wire is covered by test/e2e/berthctl-stream.test.ts) and one
// forwarded connection through an in-process server speaking the kubelet's port-forward channels.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { forwardConnection, listenAddresses, parsePortSpec, resolveRemotePort } from './port-forward';
import { captureIO } from './testing';

const pod = { metadata: { name: 'box' }, spec: { containers: [{ name: 'main', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] } };

test.each([
  ['8080:80', { local: 8080, remote: '80' }],
  ['80', { local: 80, remote: '80' }],
  [':80', { local: 0, remote: '80' }],
  ['0:http', { local: 0, remote: 'http' }],
])('parsePortSpec(%s)', (spec, want) => expect(parsePortSpec(spec)).toEqual(want));

test('bad port specs are kubectl\'s errors', () => {
  expect(() => parsePortSpec('1:2:3')).toThrow("invalid port format '1:2:3'");
  expect(() => parsePortSpec('x:80')).toThrow("Error parsing local port 'x': invalid port");
  expect(() => resolveRemotePort(pod, 'web')).toThrow("Pod 'box' does not have a named port 'web'");
  expect(() => resolveRemotePort(pod, '70000')).toThrow('Remote port must be > 0 and < 65536');
});

test('named remote ports come from the pod\'s containers; localhost is both loopbacks', () => {
  expect(resolveRemotePort(pod, 'http')).toBe(8080);
  expect(resolveRemotePort(pod, '81')).toBe(81);
  expect(listenAddresses(undefined)).toEqual(['127.0.0.1', '::1']);
  expect(listenAddresses(['0.0.0.0'])).toEqual(['0.0.0.0']);
});

test('one connection: the port headers are not data, bytes flow both ways, the remote close ends the local socket', async () => {
  const seen: { url?: string; protocol?: string; data: Buffer[] } = { data: [] };
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: () => 'portforward.k8s.io' });
  wss.on('connection', (ws: WebSocket, req) => {
    seen.url = req.url;
    seen.protocol = ws.protocol;
    const header = Buffer.from([0, 80, 0]); // port 80, little-endian
    ws.send(header);
    ws.send(Buffer.from([1, 80, 0]));
    ws.on('message', (m: Buffer) => {
      seen.data.push(m);
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(`echo:${m.subarray(1).toString()}`)]));
      ws.close(1000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cap = captureIO();
  const local = net.createServer((socket) => forwardConnection({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    '/api/v1/namespaces/default/pods/box/portforward', socket, { local: 1234, remote: 80, out: cap.io.out, err: cap.io.err }));
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  const reply = await new Promise<string>((resolve) => {
    const s = net.connect((local.address() as AddressInfo).port, '127.0.0.1', () => s.write('ping'));
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    s.on('end', () => { s.end(); resolve(got); });
  });
  expect(reply).toBe('echo:ping');
  expect(seen).toEqual({ url: '/api/v1/namespaces/default/pods/box/portforward?ports=80', protocol: 'portforward.k8s.io', data: [Buffer.from('\0ping')] });
  expect(cap.out()).toBe('Handling connection for 1234\n');
  expect(cap.err()).toBe('');
  wss.close();
  await new Promise((resolve) => { local.close(resolve); server.close(); });
});
