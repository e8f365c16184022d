// exec, attach and port-forward on a real one-node cluster, through the real kubectl of every
// wire: 1.32 (WebSocket v5.channel.k8s.io, and SPDY/3.1 tunnelled in a WebSocket for
// port-forward), 1.27 (plain SPDY/3.1 for all three) and 1.33 forced to SPDY; and a WebSocket
// client of our own for the protocols kubectl no longer speaks (v4, channel.k8s.io, port-forward
// with `ports=`). The pod serves HTTP with busybox httpd and prints a numbered line twice a second.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { startCluster, waitFor, type Result, type TestCluster } from './cluster';

jest.setTimeout(240_000);

const versioned = (v: string) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
const kubectl127 = versioned('1.27');
const kubectl133 = versioned('1.33');

let c: TestCluster;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

const script = 'mkdir -p /www && echo hello-from-httpd > /www/index.html && httpd -p 80 -h /www; '
  + 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.5; done';
const podJson = JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box' },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }] },
});

beforeAll(async () => {
  c = await startCluster('exec');
  env = { ...process.env, KUBECONFIG: c.kubeconfig };
  expect((await c.kubectl(['apply', '-f', '-'], { input: podJson })).code).toBe(0);
  expect((await c.kubectl(['wait', '--for=condition=Ready', 'pod/box', '--timeout=120s'])).code).toBe(0);
});
afterAll(async () => {
  for (const p of children) if (p.exitCode === null) p.kill('SIGKILL');
  if (c) await c.stop();
});

/** kubectl (or another binary) with extra environment, stdin from `input`. */
const run = (binary: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Result => {
  const r = spawnSync(binary, ['--cache-dir', path.join(c.home, `cache-${path.basename(binary)}`), ...args],
    { env: { ...env, ...opts.env }, input: opts.input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

/** A long-running kubectl whose output is collected; killed by the test or in afterAll. */
const background = (binary: string, args: string[]) => {
  const p = spawn(binary, ['--cache-dir', path.join(c.home, `cache-bg-${path.basename(binary)}`), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  p.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  return { p, output: () => out };
};

const fetchText = (port: number, p = '/'): Promise<string> => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
    let body = '';
    res.on('data', (d: Buffer) => { body += d.toString(); });
    res.on('end', () => resolve(body));
  }).on('error', reject);
});

describe.each([
  ['1.32 (WebSocket)', 'kubectl', {}],
  ['1.27 (SPDY)', kubectl127, {}],
  ['1.33 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false (SPDY)', kubectl133, { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }],
])('kubectl %s exec', (_name, binary, extraEnv) => {
  test('runs the command and prints its output', () => {
    expect(run(binary, ['exec', 'box', '--', 'echo', 'hi'], { env: extraEnv })).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  test('propagates the exit code and stderr', () => {
    const r = run(binary, ['exec', 'box', '--', 'sh', '-c', 'echo oops >&2; exit 3'], { env: extraEnv });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('oops\n');
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  test('-i streams stdin until it ends', () => {
    const input = Array.from({ length: 2000 }, (_, i) => `data line ${i}`).join('\n');
    expect(run(binary, ['exec', '-i', 'box', '--', 'cat'], { input, env: extraEnv })).toMatchObject({ code: 0, stdout: input });
  });

  test('-it gives the command a terminal of the caller\'s size', () => {
    // `script` gives kubectl a pty; the command waits (bounded) for the first resize to land.
    const cmd = 'tty; for i in $(seq 1 50); do s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] && break; sleep 0.1; done; echo "size=$s"; exit 4';
    const line = `stty rows 30 cols 100; ${binary} --cache-dir ${path.join(c.home, 'cache-tty')} exec -it box -- sh -c '${cmd}'`;
    const r = spawnSync('script', ['-qec', line, '/dev/null'], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000, input: '' });
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).toContain('size=30 100');
  });
});

test('exec errors are Status messages: unknown container, unknown pod', () => {
  expect(run('kubectl', ['exec', 'box', '-c', 'nope', '--', 'true'])).toMatchObject({ code: 1, stderr: expect.stringContaining('container nope is not valid for pod box') });
  expect(run(kubectl127, ['exec', 'nope', '--', 'true'])).toMatchObject({ code: 1, stderr: expect.stringContaining('pods "nope" not found') });
});

test.each([['1.32 (SPDY in WebSocket)', 'kubectl'], ['1.27 (SPDY)', kubectl127]])('kubectl %s port-forward reaches httpd in the pod', async (_name, binary) => {
  const pf = background(binary, ['port-forward', 'pod/box', ':80']);
  const m = await waitFor(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(pf.output()) ?? undefined, 'port-forward to listen', 30_000);
  const port = Number(m[1]);
  expect(await fetchText(port)).toBe('hello-from-httpd\n');
  // Several connections at once, each its own stream pair.
  const bodies = await Promise.all([1, 2, 3, 4].map(() => fetchText(port, '/index.html')));
  expect(bodies).toEqual(Array(4).fill('hello-from-httpd\n'));
  expect(await fetchText(port, '/missing')).toContain('404 Not Found');
  pf.p.kill('SIGINT');
  await waitFor(async () => pf.p.exitCode !== null || pf.p.signalCode !== null, 'port-forward to exit', 10_000);
  expect(pf.output()).not.toContain('error');
});

test.each([['1.32', 'kubectl'], ['1.27', kubectl127]])('kubectl %s attach streams the lines the container prints', async (_name, binary) => {
  const at = background(binary, ['attach', 'box']);
  const lines = await waitFor(async () => {
    const got = at.output().match(/^line \d+$/gm);
    return got && got.length >= 2 ? got : undefined;
  }, 'two lines from attach', 30_000);
  const [a, b] = lines.map((l) => Number(l.split(' ')[1]));
  expect(b).toBe(a + 1);
  at.p.kill('SIGINT');
  await waitFor(async () => at.p.exitCode !== null || at.p.signalCode !== null, 'attach to exit', 10_000);
});

describe('a WebSocket client of our own', () => {
  const server = () => /server: (\S+)/.exec(fs.readFileSync(c.kubeconfig, 'utf8'))?.[1] ?? '';
  const tls = () => ({
    ca: fs.readFileSync(path.join(c.home, 'pki', 'ca.crt')),
    cert: fs.readFileSync(path.join(c.home, 'pki', 'admin.crt')),
    key: fs.readFileSync(path.join(c.home, 'pki', 'admin.key')),
  });

  /** Opens a session and collects each channel's bytes until the server closes. */
  const session = (p: string, protocol: string, send: (ws: WebSocket) => void = () => undefined) => new Promise<{ protocol: string; channels: Map<number, Buffer[]> }>((resolve, reject) => {
    const ws = new WebSocket(`${server().replace(/^https/, 'wss')}${p}`, [protocol], tls());
    const channels = new Map<number, Buffer[]>();
    ws.on('message', (d: RawData) => {
      const msg = d as Buffer;
      channels.set(msg[0], [...(channels.get(msg[0]) ?? []), msg.subarray(1)]);
    });
    ws.on('open', () => send(ws));
    ws.on('close', () => resolve({ protocol: ws.protocol, channels }));
    ws.on('error', reject);
  });
  const text = (s: { channels: Map<number, Buffer[]> }, ch: number) => Buffer.concat(s.channels.get(ch) ?? []).toString();
  const execPath = (cmd: string) => `/api/v1/namespaces/default/pods/box/exec?command=sh&command=-c&command=${encodeURIComponent(cmd)}&stdout=true&stderr=true`;

  test('v4.channel.k8s.io: output and the exit code as a Status on channel 3', async () => {
    const s = await session(execPath('echo out; echo err >&2; exit 7'), 'v4.channel.k8s.io');
    expect(s.protocol).toBe('v4.channel.k8s.io');
    expect([text(s, 1), text(s, 2)]).toEqual(['out\n', 'err\n']);
    expect(JSON.parse(text(s, 3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
  });

  test('channel.k8s.io: the error channel carries the message as text, nothing on success', async () => {
    const failed = await session(execPath('exit 2'), 'channel.k8s.io');
    expect(text(failed, 3)).toBe('command terminated with non-zero exit code: 2');
    const ok = await session(execPath('echo fine'), 'channel.k8s.io');
    expect([text(ok, 1), text(ok, 3)]).toEqual(['fine\n', '']);
  });

  test('port-forward with ports= (portforward.k8s.io framing): port header, then the data', async () => {
    const s = await session('/api/v1/namespaces/default/pods/box/portforward?ports=80', 'portforward.k8s.io', (ws) => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.0\r\n\r\n')]));
    });
    expect(s.channels.get(0)?.[0]).toEqual(Buffer.from([80, 0]));
    expect(Buffer.concat(s.channels.get(0)?.slice(1) ?? []).toString()).toContain('hello-from-httpd');
  });
});
