// dialWebSocket: the URL, the bearer token, early messages held for the caller, and a refused
// upgrade as the server's Status.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { StatusError } from '../apimachinery/errors';
import { dialWebSocket, webSocketURL } from './websocket';

test('webSocketURL: wss for https, the server\'s path prefix kept, repeated query values', () => {
  expect(webSocketURL('https://h:6443/prefix/', '/api/v1/x', { command: ['sh', '-c'], tty: true, no: undefined }).href)
    .toBe('wss://h:6443/prefix/api/v1/x?command=sh&command=-c&tty=true');
  expect(webSocketURL('http://h:8080', '/p').href).toBe('ws://h:8080/p');
});

test('the token is sent, and messages sent with the 101 are held until consumed', async () => {
  const server = http.createServer();
  const status = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "p" is forbidden', reason: 'Forbidden', code: 403 });
  let auth: string | undefined;
  const wss = new WebSocketServer({ noServer: true, handleProtocols: () => 'v5.channel.k8s.io' });
  server.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith('/refuse')) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${status.length}\r\nConnection: close\r\n\r\n${status}`);
      return;
    }
    auth = req.headers.authorization;
    wss.handleUpgrade(req, socket, head, (ws) => { ws.send(Buffer.from([1, 104, 105])); ws.close(1000); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 'secret' };
  const open = await dialWebSocket(config, '/ok', { protocols: ['v5.channel.k8s.io'] });
  await new Promise((resolve) => setImmediate(resolve));
  const got: Buffer[] = [];
  const code = await new Promise<number>((resolve) => open.consume((d) => got.push(d), resolve));
  expect({ auth, protocol: open.protocol, got, code }).toEqual({ auth: 'Bearer secret', protocol: 'v5.channel.k8s.io', got: [Buffer.from([1, 104, 105])], code: 1000 });
  const refused = await dialWebSocket(config, '/refuse', { protocols: ['v5.channel.k8s.io'] }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(StatusError);
  expect((refused as StatusError).status).toMatchObject({ reason: 'Forbidden', message: 'pods "p" is forbidden' });
  wss.close();
  await new Promise((resolve) => server.close(resolve));
});
