// berthctl exec against an in-process WebSocket server that speaks the kubelet's v5 channels:
// stdout/stderr routing, exit codes, stdin and its close, the TTY's raw mode and resizes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ReadStream } from 'node:tty';
import { runBerthctl } from './commands';
import { rawMode } from './exec';
import { channel, decodeErrorChannel, frame } from './remotecommand';
import { captureIO, fakeDeps, FakeClient } from './testing';
import { ExitCodeError, type IO } from './types';

const pod = (containers = ['main'], phase = 'Running') => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default' },
  spec: { containers: containers.map((name) => ({ name, image: 'busybox' })) }, status: { phase },
});

const success = JSON.stringify({ metadata: {}, status: 'Success' });
const exitStatus = (code: number) => JSON.stringify({ metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${code}`,
  reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

interface Session { url: URL; protocol: string; frames: Buffer[] }

/** A scripted exec endpoint: the first `command` picks the script. */
const startServer = async (protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io']) => {
  const sessions: Session[] = [];
  const server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
  const wss = new WebSocketServer({ server, handleProtocols: (offered) => protocols.find((p) => offered.has(p)) ?? false });
  wss.on('connection', (ws: WebSocket, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const s: Session = { url, protocol: ws.protocol, frames: [] };
    sessions.push(s);
    const end = (status: string) => { ws.send(frame(channel.error, status)); ws.close(1000); };
    const script = url.searchParams.getAll('command')[0];
    if (script === 'exit3') { ws.send(frame(channel.stdout, 'hi\n')); ws.send(frame(channel.stderr, 'oops\n')); end(exitStatus(3)); }
    if (script === 'boom') end(JSON.stringify({ metadata: {}, status: 'Failure', message: 'container not found ("x")', reason: 'InternalError' }));
    ws.on('message', (raw: Buffer) => {
      s.frames.push(raw);
      if (script === 'cat' && raw[0] === channel.stdin) ws.send(frame(channel.stdout, raw.subarray(1)));
      if (script === 'cat' && raw[0] === channel.close) end(success);
      if (script === 'tty' && s.frames.filter((f) => f[0] === channel.resize).length === 2) end(success);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, sessions, close: () => new Promise<void>((resolve) => { wss.close(); server.close(() => resolve()); }) };
};

let srv: Awaited<ReturnType<typeof startServer>>;
beforeEach(async () => { srv = await startServer(); });
afterEach(async () => { await srv.close(); });

const run = async (argv: string[], io?: IO, p = pod()) => {
  const client = new FakeClient(() => p, { server: `http://127.0.0.1:${srv.port}` });
  const cap = captureIO();
  const code = await runBerthctl(argv, { io: io ?? cap.io, deps: fakeDeps(client), signal: new AbortController().signal });
  return { code, out: cap.out(), err: cap.err() };
};

test('stdout and stderr on their streams; a non-zero exit is berthctl\'s exit code with kubectl\'s line', async () => {
  const r = await run(['exec', 'hello', '--', 'exit3', 'arg']);
  expect(r).toEqual({ code: 3, out: 'hi\n', err: 'oops\ncommand terminated with exit code 3\n' });
  const q = srv.sessions[0].url.searchParams;
  expect(srv.sessions[0].url.pathname).toBe('/api/v1/namespaces/default/pods/hello/exec');
  expect({ command: q.getAll('command'), container: q.get('container'), stdout: q.get('stdout'), stderr: q.get('stderr'), stdin: q.get('stdin'), tty: q.get('tty') })
    .toEqual({ command: ['exit3', 'arg'], container: 'main', stdout: 'true', stderr: 'true', stdin: null, tty: null });
  expect(srv.sessions[0].protocol).toBe('v5.channel.k8s.io');
});

test('-i: stdin reaches the command and its end is sent as a v5 close of channel 0', async () => {
  const cap = captureIO();
  const stdin = new PassThrough();
  const done = run(['exec', '-i', 'hello', '--', 'cat'], { ...cap.io, in: stdin });
  stdin.end('piped\n');
  expect((await done).code).toBe(0);
  expect(cap.out()).toBe('piped\n');
  expect(srv.sessions[0].url.searchParams.get('stdin')).toBe('true');
  expect(srv.sessions[0].frames.at(-1)).toEqual(Buffer.from([255, 0]));
});

test('-i -t on a terminal: raw mode for the session only, the size first and on every resize, stderr not asked for', async () => {
  const cap = captureIO();
  const rawCalls: boolean[] = [];
  const tin = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(m: boolean) { rawCalls.push(m); this.isRaw = m; return this; } });
  const tout = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  tout.on('data', (c: Buffer) => cap.io.out.write(c));
  const done = run(['exec', '-it', 'hello', '--', 'tty'], { ...cap.io, in: tin, out: tout });
  await new Promise<void>((resolve) => { const t = setInterval(() => { if (srv.sessions[0]?.frames.length) { clearInterval(t); resolve(); } }, 5); });
  Object.assign(tout, { columns: 100, rows: 40 });
  tout.emit('resize');
  expect((await done).code).toBe(0);
  const resizes = srv.sessions[0].frames.filter((f) => f[0] === channel.resize).map((f) => JSON.parse(f.subarray(1).toString()) as unknown);
  expect(resizes).toEqual([{ Width: 80, Height: 24 }, { Width: 100, Height: 40 }]);
  expect(rawCalls).toEqual([true, false]);
  expect(tout.listenerCount('resize')).toBe(0);
  const q = srv.sessions[0].url.searchParams;
  expect([q.get('tty'), q.get('stderr')]).toEqual(['true', null]);
});

test('-t without a terminal: kubectl\'s note and no TTY', async () => {
  const stdin = new PassThrough();
  const cap = captureIO();
  const done = run(['exec', '-i', '-t', 'hello', '--', 'cat'], { ...cap.io, in: stdin });
  stdin.end();
  expect((await done).code).toBe(0);
  expect(cap.err()).toBe('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  expect(srv.sessions[0].url.searchParams.get('tty')).toBeNull();
});

test('v4 server: no close frame is sent when stdin ends', async () => {
  await srv.close();
  srv = await startServer(['v4.channel.k8s.io']);
  const stdin = new PassThrough();
  const cap = captureIO();
  const done = run(['exec', '-i', 'hello', '--', 'exit3'], { ...cap.io, in: stdin });
  stdin.end('x');
  expect((await done).code).toBe(3);
  expect(srv.sessions[0].protocol).toBe('v4.channel.k8s.io');
  expect(srv.sessions[0].frames.some((f) => f[0] === channel.close)).toBe(false);
});

test('a failure Status that is not an exit code is printed as the server\'s error, exit 1', async () => {
  const r = await run(['exec', 'hello', '--', 'boom']);
  expect(r).toMatchObject({ code: 1, err: 'Error from server (InternalError): container not found ("x")\n' });
});

test.each([
  { argv: ['exec', 'hello'], err: /^error: you must specify at least one command for the container/ },
  { argv: ['exec'], err: /^error: expected 'exec POD_NAME COMMAND/ },
  { argv: ['exec', 'cm/web', '--', 'ls'], err: /only pods and workloads or services that select pods are supported/ },
])('usage: $argv', async ({ argv, err }) => {
  const r = await run(argv);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(err);
});

test('a completed pod is refused as kubectl does; several containers: the first with a note', async () => {
  expect((await run(['exec', 'hello', '--', 'ls'], undefined, pod(['main'], 'Succeeded'))).err)
    .toBe('error: cannot exec into a container in a completed pod; current phase is Succeeded\n');
  const r = await run(['exec', 'hello', '--', 'exit3'], undefined, pod(['a', 'b']));
  expect(r.err).toMatch(/^Defaulted container "a" out of: a, b\n/);
  expect(srv.sessions[0].url.searchParams.get('container')).toBe('a');
});

test('decodeErrorChannel: Success and empty are done, an exit code is ExitCodeError, text is an error', () => {
  expect(decodeErrorChannel('')).toBeUndefined();
  expect(decodeErrorChannel(success)).toBeUndefined();
  expect(decodeErrorChannel(exitStatus(42))).toEqual(new ExitCodeError(42));
  expect(decodeErrorChannel('plain failure')?.message).toBe('error executing remote command: plain failure');
});

test('rawMode on our own terminal also clears OPOST with stty (as term.MakeRaw) and restores the saved state', () => {
  const calls: string[][] = [];
  const modes: boolean[] = [];
  const tin = { fd: 0, isRaw: false, setRawMode(m: boolean) { modes.push(m); this.isRaw = m; return this; } };
  const restore = rawMode(tin as unknown as ReadStream, (args) => { calls.push(args); return args[0] === '-g' ? 'saved:state\n' : ''; });
  expect(calls).toEqual([['-g'], ['-opost']]);
  restore();
  expect(calls).toEqual([['-g'], ['-opost'], ['saved:state']]);
  expect(modes).toEqual([true, false]);
});
