// The streaming server against a fake backend (no root): tokens, the exec channel protocol, and
// port-forward framing, with a real WebSocket client on loopback.
import { PassThrough } from 'node:stream';
import WebSocket from 'ws';
import { silentLogger } from '../log';
import type { ExecOutcome, ExecProcess } from './exec';
import { StreamingServer, type StreamingBackend } from './streaming-server';

/** A process whose streams the test drives: `finish` ends the output and sets the outcome. */
const fakeProcess = () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const resizes: [number, number][] = [];
  let finish: (o: ExecOutcome) => void = () => undefined;
  const outcome = new Promise<ExecOutcome>((resolve) => { finish = (o) => { stdout.end(); stderr.end(); resolve(o); }; });
  const proc: ExecProcess = { stdin, stdout, stderr, resize: (w, h) => resizes.push([w, h]), kill: () => finish({ exitCode: 137, timedOut: false }), outcome };
  return { proc, stdin, stdout, stderr, resizes, finish: (o: ExecOutcome) => finish(o) };
};

const connect = (url: string, protocol: string) => new Promise<{ ws: WebSocket; got: Buffer[]; closed: Promise<void> }>((resolve, reject) => {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), [protocol]);
  const got: Buffer[] = [];
  ws.on('message', (d: Buffer) => got.push(d));
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  ws.once('open', () => resolve({ ws, got, closed }));
  ws.once('error', reject);
});

/** Resolves once `cond` holds, checking on every turn of the event loop (no timers). */
const until = async (cond: () => boolean): Promise<void> => { while (!cond()) await new Promise((r) => setImmediate(r)); };

const text = (got: Buffer[], ch: number) => Buffer.concat(got.filter((m) => m[0] === ch).map((m) => m.subarray(1))).toString();

describe('StreamingServer', () => {
  let clock = 0;
  const procs: ReturnType<typeof fakeProcess>[] = [];
  const backend: StreamingBackend = {
    exec: async () => { const p = fakeProcess(); procs.push(p); return p.proc; },
    attach: async () => { throw new Error('container "x" is not running'); },
    portForward: async (_sb, port) => {
      if (port === 9) throw new Error('connect localhost:9: Connection refused');
      const p = fakeProcess(); procs.push(p); return p.proc;
    },
  };
  const server = new StreamingServer({ backend, log: silentLogger(), now: () => clock, ttlMs: 1000 });
  beforeAll(() => server.listen());
  afterAll(() => server.close());

  test('exec: stdin and resize reach the process, output and the exit Status come back, then close', async () => {
    const before = procs.length;
    const url = server.getExec({ containerId: 'c', cmd: ['sh'], stdin: true, stdout: true, stderr: true });
    const s = await connect(url, 'v5.channel.k8s.io');
    s.ws.send(Buffer.from([4, ...Buffer.from('{"Width":80,"Height":24}')]));
    s.ws.send(Buffer.from([0, ...Buffer.from('hello')]));
    s.ws.send(Buffer.from([255, 0]));
    await until(() => procs.length > before);
    const p = procs[procs.length - 1];
    const input: Buffer[] = [];
    p.stdin.on('data', (c: Buffer) => input.push(c));
    await new Promise((r) => p.stdin.on('end', r));
    expect(Buffer.concat(input).toString()).toBe('hello');
    expect(p.resizes).toEqual([[80, 24]]);
    p.stdout.write('out');
    p.stderr.write('err');
    p.finish({ exitCode: 2, timedOut: false });
    await s.closed;
    expect([text(s.got, 1), text(s.got, 2)]).toEqual(['out', 'err']);
    expect(JSON.parse(text(s.got, 3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
  });

  test('a token is single-use and expires', async () => {
    const before = procs.length;
    const url = server.getExec({ containerId: 'c', cmd: ['true'], stdout: true });
    const s = await connect(url, 'v4.channel.k8s.io');
    await until(() => procs.length > before);
    procs[procs.length - 1].finish({ exitCode: 0, timedOut: false });
    await s.closed;
    expect(JSON.parse(text(s.got, 3))).toEqual({ metadata: {}, status: 'Success' });
    await expect(connect(url, 'v4.channel.k8s.io')).rejects.toThrow(/404/);
    const late = server.getExec({ containerId: 'c', cmd: ['true'], stdout: true });
    clock += 1001;
    await expect(connect(late, 'v4.channel.k8s.io')).rejects.toThrow(/404/);
  });

  test('a backend failure is a Failure Status on the error channel', async () => {
    const s = await connect(server.getAttach({ containerId: 'x', stdout: true }), 'v5.channel.k8s.io');
    await s.closed;
    expect(JSON.parse(text(s.got, 3))).toMatchObject({ status: 'Failure', message: 'container "x" is not running' });
  });

  test('port-forward: port headers first, data queued until connected, errors on the error channel', async () => {
    const before = procs.length;
    const url = server.getPortForward({ podSandboxId: 'sb', port: [] });
    const s = await connect(`${url}?port=80&port=9`, 'v4.channel.k8s.io');
    s.ws.send(Buffer.from([0, ...Buffer.from('GET /')]));
    await until(() => text(s.got, 3).includes('Connection refused') && procs.length > before);
    const p = procs[procs.length - 1];
    const input: Buffer[] = [];
    p.stdin.on('data', (c: Buffer) => input.push(c));
    await until(() => input.length > 0);
    expect(Buffer.concat(input).toString()).toBe('GET /');
    p.stdout.write('200 OK');
    p.finish({ exitCode: 0, timedOut: false });
    await s.closed;
    const first = (ch: number) => s.got.find((m) => m[0] === ch)?.subarray(1);
    expect([first(0), first(1), first(2), first(3)]).toEqual([Buffer.from([80, 0]), Buffer.from([80, 0]), Buffer.from([9, 0]), Buffer.from([9, 0])]);
    expect(text(s.got, 0).slice(2)).toBe('200 OK');
    expect(text(s.got, 3).slice(2)).toBe('error forwarding port 9 to pod sb: connect localhost:9: Connection refused');
  });
});
