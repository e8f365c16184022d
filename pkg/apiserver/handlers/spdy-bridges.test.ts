// The SPDY bridges against loopback stand-ins: a SPDY client session on one end of a TCP
// connection, and a WebSocket server playing the agent (v5 exec, portforward.k8s.io framing).
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { silentLogger } from '../../log';
import { SpdySession, type SpdyStream } from '../spdy';
import { bridgeSpdyExec } from './exec-spdy';
import { bridgeSpdyPortForward } from './portforward-spdy';
import { hold, type AgentTarget } from './stream-agent';

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

/** A WebSocket server on loopback; `onConnection` plays the agent. */
const fakeAgent = async (onConnection: (ws: WebSocket, url: string) => void) => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (ws, req) => onConnection(ws, req.url ?? ''));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => { for (const c of wss.clients) c.terminate(); wss.close(); server.close(); });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    dial: async (path: string, protocol: string): Promise<WebSocket> => {
      const ws = new WebSocket(`${url}${path}`, [protocol]);
      hold(ws);
      await once(ws, 'open');
      return ws;
    },
  };
};

/** A TCP connection: the server end for the bridge, a SPDY client session on the other. */
const connection = async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const sock = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [serverSide] = await accepted;
  cleanups.push(() => { sock.destroy(); serverSide.destroy(); server.close(); });
  const client = new SpdySession({ write: (b) => sock.write(b), end: () => sock.end(), destroy: () => sock.destroy() }, { isServer: false });
  sock.on('data', (d: Buffer) => client.receive(d));
  sock.on('close', () => client.transportClosed());
  return { upgrade: { socket: serverSide, head: Buffer.alloc(0) }, client };
};

const read = (s: SpdyStream) => {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  return once(s, 'end').then(() => Buffer.concat(chunks).toString());
};

test('remote command: early output waits for its stream, stdin FIN becomes the v5 close, the Status ends it', async () => {
  const stdinSeen: string[] = [];
  const agent = await fakeAgent((ws) => {
    ws.send(Buffer.from('\x01early;'));
    ws.on('message', (d: RawData) => {
      const m = d as Buffer;
      if (m[0] === 0) stdinSeen.push(m.subarray(1).toString());
      if (m[0] === 255 && m[1] === 0) {
        ws.send(Buffer.from(`\x01got:${stdinSeen.join('')}`));
        ws.send(Buffer.from('\x02warn'));
        ws.send(Buffer.from(`\x03${JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })}`));
        ws.close(1000);
      }
    });
  });
  const { upgrade, client } = await connection();
  const agentWs = await agent.dial('/exec/ns/p/c', 'v5.channel.k8s.io');
  bridgeSpdyExec(upgrade, agentWs, { protocol: 'v4.channel.k8s.io', expect: new Set(['error', 'stdin', 'stdout', 'stderr']), log: silentLogger() });
  const streams = Object.fromEntries(['error', 'stdin', 'stdout', 'stderr'].map((t) => [t, client.openStream({ streamtype: t })]));
  // Readers first: the early output may arrive with the replies.
  const outputs = Promise.all([read(streams.stdout), read(streams.stderr), read(streams.error)]);
  await Promise.all(Object.values(streams).map((s) => once(s, 'reply')));
  const goaway = once(client, 'goaway');
  streams.error.end();
  streams.stdin.write('ab');
  streams.stdin.write('c');
  streams.stdin.end();
  const [stdout, stderr, error] = await outputs;
  expect(stdout).toBe('early;got:abc');
  expect(stderr).toBe('warn');
  expect(JSON.parse(error)).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ message: '3' }] } });
  await goaway;
});

const target = {} as AgentTarget;

test('port-forward: each stream pair gets an agent connection; data both ways; errors on the error stream', async () => {
  const paths: string[] = [];
  const agent = await fakeAgent((ws, url) => {
    paths.push(url);
    ws.send(Buffer.from([0, 80, 0]));
    ws.send(Buffer.from([1, 80, 0]));
    ws.on('message', (d: RawData) => {
      const text = (d as Buffer).subarray(1).toString();
      ws.send(Buffer.from(`\x00${text.toUpperCase()}`));
      if (text.includes('bye')) ws.close(1000);
    });
  });
  const { upgrade, client } = await connection();
  const server = new SpdySession({ write: (b) => upgrade.socket.write(b), end: () => upgrade.socket.end(), destroy: () => upgrade.socket.destroy() }, { isServer: true });
  upgrade.socket.on('data', (d: Buffer) => server.receive(d));
  bridgeSpdyPortForward(server, {
    target, namespace: 'ns', name: 'p', log: silentLogger(),
    dial: async (port) => {
      if (port === 81) throw new Error('connection refused');
      return agent.dial(`/portForward/ns/p?port=${port}`, 'portforward.k8s.io');
    },
  });
  const pair = (id: string, port: string) => {
    const error = client.openStream({ streamtype: 'error', port, requestid: id });
    error.end();
    const data = client.openStream({ streamtype: 'data', port, requestid: id });
    return { error: read(error), data, dataText: read(data) };
  };
  const a = pair('0', '80');
  const b = pair('1', '80');
  const bad = pair('2', '81');
  a.data.write('hello ');
  b.data.write('second bye');
  a.data.write('bye');
  expect(await a.dataText).toBe('HELLO BYE');
  expect(await b.dataText).toBe('SECOND BYE');
  expect(await a.error).toBe('');
  expect(await bad.error).toBe('error forwarding port 81 to pod ns/p: connection refused');
  expect(paths.sort()).toEqual(['/portForward/ns/p?port=80', '/portForward/ns/p?port=80']);
});
