// berthctl exec and port-forward on a real one-node cluster, beside the real kubectl: exit codes,
// stdin, a terminal (under `script`, which gives berthctl a pty) and a forward to busybox httpd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { repoRoot, startCluster, waitFor, type TestCluster } from './cluster';

jest.setTimeout(240_000);

const berthctlMain = path.join(repoRoot, 'dist', 'cmd', 'berthctl', 'main.js');
let c: TestCluster;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

const script = 'mkdir -p /www && echo hello-from-httpd > /www/index.html && httpd -p 80 -h /www; '
  + 'while true; do sleep 1; done';
const podJson = JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box', labels: { app: 'box' } },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script], ports: [{ name: 'http', containerPort: 80 }] }] },
});

beforeAll(async () => {
  c = await startCluster('berthctl-stream');
  env = { ...process.env, KUBECONFIG: c.kubeconfig };
  expect((await c.kubectl(['apply', '-f', '-'], { input: podJson })).code).toBe(0);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'box' }, ports: [{ name: 'web', port: 8080, targetPort: 'http' }] } };
  expect((await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(svc) })).code).toBe(0);
  expect((await c.kubectl(['wait', '--for=condition=Ready', 'pod/box', '--timeout=120s'])).code).toBe(0);
});
afterAll(async () => {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (c) await c.stop();
});

const berthctl = (args: string[], input = '') => {
  const r = spawnSync(process.execPath, [berthctlMain, ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

const fetchText = (port: number, p = '/'): Promise<string> => new Promise((resolve, reject) => {
  http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
    let body = '';
    res.on('data', (d: Buffer) => { body += d.toString(); });
    res.on('end', () => resolve(body));
  }).on('error', reject);
});

test('exec prints the output and exits with the command\'s code, as kubectl', async () => {
  const args = ['exec', 'box', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3'];
  const ours = berthctl(args);
  const theirs = await c.kubectl(args);
  expect(ours).toEqual({ code: 3, stdout: 'hi\n', stderr: 'oops\ncommand terminated with exit code 3\n' });
  expect(ours).toEqual(theirs);
  expect(berthctl(['exec', 'pod/box', '-c', 'main', '--', 'true'])).toEqual({ code: 0, stdout: '', stderr: '' });
});

test('exec -i: piped stdin reaches cat and its end ends the command', () => {
  const input = 'line one\nline two\n'.repeat(1000);
  expect(berthctl(['exec', '-i', 'box', '--', 'cat'], input)).toEqual({ code: 0, stdout: input, stderr: '' });
});

test('exec errors: unknown container and pod as the server says them', async () => {
  const container = berthctl(['exec', 'box', '-c', 'nope', '--', 'true']);
  expect(container.code).toBe(1);
  expect(container.stderr).toContain('container nope is not valid for pod box');
  expect(berthctl(['exec', 'nope', '--', 'true'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' });
});

test('exec -it: a terminal of the caller\'s size, raw input, and the terminal restored', () => {
  // `script` gives berthctl a pty; the command waits (bounded) for the first resize to land.
  const cmd = 'tty; for i in $(seq 1 50); do s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] && break; sleep 0.1; done; echo "size=$s"; exit 4';
  const line = `stty rows 30 cols 100; ${process.execPath} ${berthctlMain} exec -it box -- sh -c '${cmd}'; echo "rc=$?"; stty -a | grep -o -- '-\\?icanon' | head -1`;
  const r = spawnSync('script', ['-qec', line, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000, input: '' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/\/dev\/pts\/\d+\r\n/);
  expect(r.stdout).toContain('size=30 100');
  expect(r.stdout).toContain('rc=4');
  expect(r.stdout).toMatch(/\r\nicanon\r\n/); // canonical mode is back after the session
});

test('port-forward reaches httpd in the pod: random and named ports, several connections', async () => {
  const p = spawn(process.execPath, [berthctlMain, 'port-forward', 'pod/box', ':80', ':http'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const ports = await waitFor(async () => {
    const m = [...out.matchAll(/^Forwarding from 127\.0\.0\.1:(\d+) -> 80$/gm)].map((x) => Number(x[1]));
    return m.length === 2 ? m : undefined;
  }, 'port-forward to listen', 30_000);
  expect(out).toMatch(/^Forwarding from \[::1\]:\d+ -> 80$/m);
  expect(await fetchText(ports[0])).toBe('hello-from-httpd\n');
  const bodies = await Promise.all([1, 2, 3, 4].map(() => fetchText(ports[1], '/index.html')));
  expect(bodies).toEqual(Array(4).fill('hello-from-httpd\n'));
  expect(await fetchText(ports[0], '/missing')).toContain('404 Not Found');
  expect(out).toContain(`Handling connection for ${ports[0]}\n`);
  p.kill('SIGINT');
  await waitFor(async () => p.exitCode !== null || p.signalCode !== null, 'port-forward to exit', 10_000);
  expect(err).toBe('');
});

test('port-forward to a port nothing listens on reports the error and keeps serving', async () => {
  const p = spawn(process.execPath, [berthctlMain, 'port-forward', 'box', '0:81'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const port = await waitFor(async () => Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 81/.exec(out)?.[1]) || undefined, 'port-forward to listen', 30_000);
  await fetchText(port).catch(() => '');
  await waitFor(async () => err.includes(`an error occurred forwarding ${port} -> 81`), 'the forwarding error', 30_000);
  expect(p.exitCode).toBeNull();
  p.kill('SIGINT');
  await waitFor(async () => p.exitCode !== null || p.signalCode !== null, 'port-forward to exit', 10_000);
});

test('svc/NAME: exec into the pod the service selects, and forward a service port to its targetPort', async () => {
  expect(berthctl(['exec', 'svc/web', '--', 'hostname'])).toEqual({ code: 0, stdout: 'box\n', stderr: '' });
  const p = spawn(process.execPath, [berthctlMain, 'port-forward', 'svc/web', ':8080'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const port = await waitFor(async () => Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 80\n/.exec(out)?.[1]) || undefined, 'port-forward to listen', 30_000);
  expect(await fetchText(port)).toBe('hello-from-httpd\n');
  p.kill('SIGINT');
  await waitFor(async () => p.exitCode !== null || p.signalCode !== null, 'port-forward to exit', 10_000);
});
