import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { containerConfig, sandboxConfig } from './container-config';
import { FakeRuntime } from './fake-runtime';
import { parsePortsQuery, parseStreamTarget, runtimeURL, streamingUpgrade, type StreamingProxyDeps } from './streaming-proxy';
import type { AttachStreamRequest, ExecStreamRequest, PortForwardStreamRequest, StreamingRuntime } from './streaming-runtime';
import { pod } from './test-builders';

describe('parseStreamTarget', () => {
  test.each([
    ['/exec/default/web/app', { kind: 'exec', namespace: 'default', pod: 'web', container: 'app' }],
    ['/exec/default/web/uid-1/app', { kind: 'exec', namespace: 'default', pod: 'web', container: 'app' }],
    ['/attach/ns/p%20q/c', { kind: 'attach', namespace: 'ns', pod: 'p q', container: 'c' }],
    ['/portForward/default/web', { kind: 'portForward', namespace: 'default', pod: 'web', container: '' }],
    ['/exec/default/web', undefined],
    ['/containerLogs/default/web/app', undefined],
  ])('%s', (p, want) => expect(parseStreamTarget(p)).toEqual(want));
});

describe('parsePortsQuery', () => {
  test.each([
    ['port=80', [80]],
    ['port=80&port=443', [80, 443]],
    ['ports=80,8080', [80, 8080]],
  ])('%s', (q, want) => expect(parsePortsQuery(new URLSearchParams(q))).toEqual(want));
  test.each([[''], ['port=0'], ['port=x'], ['port=70000']])('rejects "%s"', (q) => expect(() => parsePortsQuery(new URLSearchParams(q))).toThrow(/port/));
});

class FakeStreaming implements StreamingRuntime {
  calls: unknown[] = [];
  constructor(private readonly url: string) {}
  async exec(req: ExecStreamRequest): Promise<string> { this.calls.push({ exec: req }); return `${this.url}/exec/t`; }
  async attach(req: AttachStreamRequest): Promise<string> { this.calls.push({ attach: req }); return `${this.url}/attach/t`; }
  async portForward(req: PortForwardStreamRequest): Promise<string> { this.calls.push({ portForward: req }); return `${this.url}/portforward/t`; }
}

const setup = async () => {
  const runtime = new FakeRuntime(new FakeClock());
  const p = pod();
  const sb = sandboxConfig(p, '/pods', 0);
  const sbId = await runtime.runPodSandbox(sb);
  const id = await runtime.createContainer(sbId, containerConfig(p, p.spec?.containers?.[0] ?? { name: 'app' }, 0, { podIP: '', hostIP: '', nodeName: 'n1', memoryCapacity: 1 }));
  await runtime.startContainer(id);
  return { runtime, p, sbId, id };
};

test('runtimeURL asks the runtime for the running container, with the streams the query names', async () => {
  const { runtime, p, sbId, id } = await setup();
  const streaming = new FakeStreaming('http://127.0.0.1:1');
  const d: StreamingProxyDeps = { runtime, streaming, getPod: (ns, name) => (ns === 'default' && name === 'web' ? p : undefined), log: silentLogger() };
  const q = (s: string) => new URLSearchParams(s);
  expect(await runtimeURL(d, { kind: 'exec', namespace: 'default', pod: 'web', container: 'app' }, q('command=ls&command=-l&input=1&output=1&error=1'))).toBe('http://127.0.0.1:1/exec/t');
  await runtimeURL(d, { kind: 'attach', namespace: 'default', pod: 'web', container: 'app' }, q('stdout=true&tty=true&stderr=true'));
  await runtimeURL(d, { kind: 'portForward', namespace: 'default', pod: 'web', container: '' }, q('port=80'));
  expect(streaming.calls).toEqual([
    { exec: { containerId: id, cmd: ['ls', '-l'], tty: false, stdin: true, stdout: true, stderr: true } },
    { attach: { containerId: id, tty: true, stdin: false, stdout: true, stderr: false } },
    { portForward: { podSandboxId: sbId, port: [80] } },
  ]);
  const t = { kind: 'exec' as const, namespace: 'default', pod: 'web', container: 'app' };
  await expect(runtimeURL(d, { ...t, pod: 'nope' }, q('command=ls'))).rejects.toMatchObject({ code: 404, message: 'pods "nope" not found' });
  await expect(runtimeURL(d, { ...t, container: 'x' }, q('command=ls'))).rejects.toMatchObject({ code: 400, message: 'container x is not valid for pod web' });
  await expect(runtimeURL(d, t, q(''))).rejects.toMatchObject({ code: 400, message: 'you must specify at least 1 command' });
  runtime.exit(id, 0);
  await expect(runtimeURL(d, t, q('command=ls'))).rejects.toMatchObject({ code: 400, message: 'container not found ("app")' });
});

/** A stand-in for the runtime's streaming server: sends at once, on connection, then closes. */
const fakeStreamingServer = async () => {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, handleProtocols: (offered) => [...offered][0] ?? false });
  const received: Buffer[] = [];
  wss.on('connection', (ws) => {
    ws.send(Buffer.from([1, ...Buffer.from('early')]));
    ws.on('message', (d: RawData) => {
      received.push(d as Buffer);
      ws.send(Buffer.from([3, ...Buffer.from('{"status":"Success"}')]));
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => { wss.close(); server.close(); } };
};

test('the upgrade relays the runtime session, messages sent before the caller is wired included', async () => {
  const { runtime, p } = await setup();
  const rt = await fakeStreamingServer();
  const agent = http.createServer();
  agent.on('upgrade', streamingUpgrade({ runtime, streaming: new FakeStreaming(rt.url), getPod: () => p, log: silentLogger() }));
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
  const base = `ws://127.0.0.1:${(agent.address() as AddressInfo).port}`;
  try {
    const ws = new WebSocket(`${base}/exec/default/web/app?command=sh&output=1`, ['v5.channel.k8s.io']);
    const got: Buffer[] = [];
    ws.on('message', (d: RawData) => got.push(d as Buffer));
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(Buffer.from([0, 0x61]));
    const [code] = await new Promise<[number]>((r) => ws.once('close', (c: number) => r([c])));
    expect(code).toBe(1000);
    expect(got.map((b) => b.toString('latin1'))).toEqual(['\x01early', '\x03{"status":"Success"}']);
    expect(rt.received).toEqual([Buffer.from([0, 0x61])]);

    // A refusal before the upgrade is an HTTP error with a Status body.
    const refused = new WebSocket(`${base}/exec/default/web/nope?command=sh&output=1`, ['v5.channel.k8s.io']);
    const status = await new Promise<number>((r) => refused.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(400);
  } finally {
    agent.close();
    rt.close();
  }
});
