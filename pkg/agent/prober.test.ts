import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { probeTiming, resolvePort, runProbe, type ExecSyncer } from './prober';
import { container } from './test-builders';

const listen = (server: http.Server | net.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: http.Server | net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const target = (ports: { name: string; containerPort: number }[] = []) => ({ container: container('app', { ports }), containerId: 'c1', podIP: '127.0.0.1' });

describe('runProbe', () => {
  test('exec: exit 0 passes; otherwise fails with the output', async () => {
    const calls: string[] = [];
    const exec: ExecSyncer = {
      execSync: async (id, cmd, timeout) => {
        calls.push(`${id} ${cmd.join(' ')} ${timeout}`);
        return cmd[1] === '/tmp/ready'
          ? { exitCode: 0, stdout: Buffer.from('yes\n'), stderr: Buffer.alloc(0) }
          : { exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.from("cat: can't open '/tmp/x': No such file or directory\n") };
      },
    };
    expect(await runProbe({ exec: { command: ['cat', '/tmp/ready'] }, timeoutSeconds: 2 }, target(), exec)).toEqual({ result: 'success', output: 'yes' });
    expect(await runProbe({ exec: { command: ['cat', '/tmp/x'] } }, target(), exec)).toEqual({ result: 'failure', output: "cat: can't open '/tmp/x': No such file or directory" });
    expect(calls).toEqual(['c1 cat /tmp/ready 2', 'c1 cat /tmp/x 1']);
    const broken: ExecSyncer = { execSync: async () => { throw Object.assign(new Error('x'), { details: 'command "sleep" timed out after 1s' }); } };
    expect(await runProbe({ exec: { command: ['sleep'] } }, target(), broken)).toEqual({ result: 'failure', output: 'command "sleep" timed out after 1s' });
  });

  test('httpGet: 2xx/3xx pass, other codes fail, headers and path are sent, named ports resolve', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['user-agent']} ${req.headers['x-probe'] ?? ''}`);
      res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500;
      res.end();
    });
    const port = await listen(server);
    try {
      const t = target([{ name: 'http', containerPort: port }]);
      expect(await runProbe({ httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] } }, t)).toEqual({ result: 'success', output: '' });
      expect((await runProbe({ httpGet: { path: '/moved', port } }, t)).result).toBe('success');
      expect(await runProbe({ httpGet: { path: 'bad', port } }, t)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
      expect(seen[0]).toBe('/healthz kube-probe/1.33 1');
      expect(seen[2]).toMatch(/^\/bad /);
    } finally {
      await close(server);
    }
  });

  test('httpGet and tcpSocket to a closed port fail as Go words it', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await close(server);
    expect(await runProbe({ httpGet: { port } }, target())).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${port}/": dial tcp 127.0.0.1:${port}: connect: connection refused` });
    expect(await runProbe({ tcpSocket: { port } }, target())).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  test('tcpSocket to a listening port passes', async () => {
    const server = net.createServer((s) => s.destroy());
    const port = await listen(server);
    try {
      expect(await runProbe({ tcpSocket: { port: String(port) } }, target())).toEqual({ result: 'success', output: '' });
    } finally {
      await close(server);
    }
  });

  test('defaults and ports', () => {
    expect(probeTiming({})).toEqual({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    expect([resolvePort('web', container('a', { ports: [{ name: 'web', containerPort: 8080 }] })), resolvePort('nope', container('a')), resolvePort(0, container('a'))])
      .toEqual([8080, undefined, undefined]);
  });
});
