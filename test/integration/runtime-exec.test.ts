// Exec, attach, port-forward, stats, resource updates and log reopening against a real runtime
// (root): every call goes over the CRI socket, streams over the runtime's streaming server with a
// WebSocket client speaking the channel protocols as kubectl does.
import fs from 'node:fs';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { execProtocols, portForwardProtocols, streamChannel as ch } from '../../pkg/runtime';
import { importBusybox, openSession, runContainer, TestRuntime, testRuntimeOptions, waitFor } from './runtime-exec-harness';

jest.setTimeout(60_000);

describe('runtime exec and streaming', () => {
  const rt = new TestRuntime(testRuntimeOptions('berth-exec'));
  let containerId = '';
  let podSandboxId = '';

  beforeAll(async () => {
    await importBusybox(rt.opts.root);
    await rt.start();
    // Waits for /tmp/go, then writes one line to each stream: the attach test's trigger.
    const script = 'echo started; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo out-line; echo err-line >&2; sleep 300';
    ({ containerId, podSandboxId } = await runContainer(rt.client, rt.opts.root, 'exec', ['sh', '-c', script],
      { linux: { resources: { memoryLimitInBytes: 128 << 20, cpuPeriod: 100000, cpuQuota: 50000 } } }));
  });

  afterAll(() => rt.destroy());

  test('ExecSync runs in the container: its env, cwd, hostname, pid namespace and cgroup', async () => {
    const script = 'echo "$GREETING"; pwd; hostname; echo "pid1=$(cat /proc/1/comm)"; grep memory /proc/self/cgroup; echo oops >&2; exit 3';
    const res = await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', script], timeout: 10 });
    const out = res.stdout.toString().trimEnd().split('\n');
    expect(out.slice(0, 4)).toEqual(['hello', '/tmp', 'exec-host', 'pid1=sh']);
    expect(out[4]).toMatch(new RegExp(`^\\d+:memory:/${rt.opts.cgroupParent}/.*/${containerId}$`));
    expect(res.stderr.toString()).toBe('oops\n');
    expect(res.exitCode).toBe(3);
  });

  test('ExecSync: a missing command exits 127 with the reason; a timeout is DEADLINE_EXCEEDED', async () => {
    const missing = await rt.client.runtime.ExecSync({ containerId, cmd: ['no-such-command'] });
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr.toString()).toContain('executable file not found in $PATH');
    await expect(rt.client.runtime.ExecSync({ containerId, cmd: ['sleep', '30'], timeout: 1 }))
      .rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    const left = await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'ps -o args | grep -cx "sleep 30"'] });
    expect(left.stdout.toString().trim()).toBe('0'); // the timed-out command was killed
  });

  test('Exec streams stdin and stdout (v5, close of stdin) and reports the exit code as a Status', async () => {
    const { url } = await rt.client.runtime.Exec({ containerId, cmd: ['sh', '-c', 'cat; echo done >&2; exit 7'], stdin: true, stdout: true, stderr: true });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\//);
    const s = await openSession(url.replace(/^http/, 'ws'), execProtocols[0]);
    expect(s.protocol).toBe('v5.channel.k8s.io');
    s.send(ch.stdin, 'line one\n');
    s.send(ch.close, Buffer.from([ch.stdin]));
    expect(await s.closed).toBe(1000);
    expect(s.text(ch.stdout)).toBe('line one\n');
    expect(s.text(ch.stderr)).toBe('done\n');
    expect(JSON.parse(s.text(ch.error))).toEqual({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: 7', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    // A token is good for one connection.
    await expect(openSession(url.replace(/^http/, 'ws'), execProtocols[0])).rejects.toThrow(/404/);
  });

  test('Exec with a TTY: a pty as controlling terminal, resized by channel 4', async () => {
    const { url } = await rt.client.runtime.Exec({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true });
    const s = await openSession(url.replace(/^http/, 'ws'), execProtocols[1]);
    s.send(ch.resize, JSON.stringify({ Width: 100, Height: 30 }));
    s.send(ch.stdin, 'stty size; tty; exit 0\n');
    expect(await s.closed).toBe(1000);
    const out = s.text(ch.stdout).replace(/\r/g, '');
    expect(out).toMatch(/^30 100$/m);
    expect(out).toMatch(/^\/dev\/pts\/\d+$/m);
    expect(JSON.parse(s.text(ch.error))).toEqual({ metadata: {}, status: 'Success' });
  });

  test('Attach streams the container output as it is written, until the session closes', async () => {
    const { url } = await rt.client.runtime.Attach({ containerId, stdout: true, stderr: true });
    const s = await openSession(url.replace(/^http/, 'ws'), execProtocols[0]);
    await rt.client.runtime.ExecSync({ containerId, cmd: ['touch', '/tmp/go'] });
    await waitFor(() => s.text(ch.stdout).includes('out-line') && s.text(ch.stderr).includes('err-line'));
    expect(s.text(ch.stdout)).not.toContain('started'); // from the current end of the log, not its start
    s.ws.close();
    await s.closed;
  });

  test('PortForward connects inside the pod network namespace (data and error channel per port)', async () => {
    await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'mkdir -p /www && echo hi-from-pod > /www/index.html && httpd -p 8080 -h /www'] });
    const { url } = await rt.client.runtime.PortForward({ podSandboxId, port: [8080] });
    const s = await openSession(`${url.replace(/^http/, 'ws')}?port=8080&port=9`, portForwardProtocols[0]);
    s.send(0, 'GET /index.html HTTP/1.0\r\n\r\n');
    await waitFor(() => s.text(0).includes('hi-from-pod') && s.text(3).includes('error forwarding port 9'));
    expect(s.received.get(0)?.[0]).toEqual(Buffer.from([8080 & 0xff, 8080 >> 8])); // the port, little-endian, first
    expect(s.received.get(1)?.[0]).toEqual(Buffer.from([8080 & 0xff, 8080 >> 8]));
    expect(s.text(0)).toMatch(/HTTP\/1\.[01] 200 OK/);
    expect(s.text(3)).toMatch(/connect localhost:9: Connection refused/);
    expect(await s.closed).toBe(1000);
  });

  test('ContainerStats and ListContainerStats read the container cgroup (cpu ns, working set)', async () => {
    await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=24 2>/dev/null'] });
    const { stats } = await rt.client.runtime.ContainerStats({ containerId });
    expect(stats.attributes).toMatchObject({ id: containerId, metadata: { name: 'main', attempt: 0 } });
    expect(stats.cpu?.usageCoreNanoSeconds?.value).toBeGreaterThan(0);
    expect(stats.cpu?.usageNanoCores?.value).toBeGreaterThan(0); // the first sample: the rate since the start
    expect(stats.memory?.workingSetBytes?.value).toBeGreaterThanOrEqual(24 << 20);
    expect(stats.memory?.availableBytes?.value).toBe((128 << 20) - (stats.memory?.workingSetBytes?.value ?? 0));
    expect(stats.writableLayer?.usedBytes?.value).toBeGreaterThan(0); // /tmp/go and /www in the upper dir
    const list = await rt.client.runtime.ListContainerStats({ filter: { podSandboxId } });
    expect(list.stats.map((x) => x.attributes.id)).toEqual([containerId]);
    expect(list.stats[0].cpu?.usageNanoCores).toBeTruthy(); // a second sample makes a rate
  });

  test('UpdateContainerResources rewrites the cgroup limits', async () => {
    await rt.client.runtime.UpdateContainerResources({ containerId, linux: { memoryLimitInBytes: 256 << 20, cpuPeriod: 100000, cpuQuota: 20000 } });
    const res = await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us'] });
    expect(res.stdout.toString().trim().split('\n')).toEqual([String(256 << 20), '20000']);
    const st = await rt.client.runtime.ContainerStatus({ containerId });
    expect(st.status.resources?.linux).toMatchObject({ memoryLimitInBytes: 256 << 20, cpuQuota: 20000 });
  });

  test('ReopenContainerLog: after a rename, new output goes to a new file at the same path', async () => {
    const { status: st } = await rt.client.runtime.ContainerStatus({ containerId });
    const rotated = `${st.logPath}.1`;
    fs.renameSync(st.logPath, rotated);
    await rt.client.runtime.ReopenContainerLog({ containerId });
    expect(fs.existsSync(st.logPath)).toBe(true);
    await rt.client.runtime.ExecSync({ containerId, cmd: ['sh', '-c', 'echo after-reopen > /proc/1/fd/1'] });
    await waitFor(() => fs.readFileSync(st.logPath, 'utf8').includes('after-reopen'));
    expect(fs.readFileSync(rotated, 'utf8')).not.toContain('after-reopen');
    expect(path.dirname(rotated)).toBe(path.dirname(st.logPath));
  });

  test('ExecSync runs as the container user with the container capabilities', async () => {
    const other = await runContainer(rt.client, rt.opts.root, 'user', ['sleep', '300'],
      { linux: { securityContext: { runAsUser: { value: 1000 }, runAsGroup: { value: 1000 }, capabilities: { dropCapabilities: ['NET_RAW'] } } } });
    const res = await rt.client.runtime.ExecSync({ containerId: other.containerId, cmd: ['sh', '-c', 'id -u; id -g; grep CapBnd /proc/self/status; grep CapBnd /proc/1/status'] });
    const [uid, gid, execBnd, initBnd] = res.stdout.toString().trim().split('\n');
    expect([uid, gid]).toEqual(['1000', '1000']);
    expect(execBnd).toBe(initBnd);
    expect(BigInt(`0x${execBnd.split(/\s+/)[1]}`) & (1n << 13n)).toBe(0n); // CAP_NET_RAW dropped for exec too
    await rt.client.runtime.StopPodSandbox({ podSandboxId: other.podSandboxId });
    await rt.client.runtime.RemovePodSandbox({ podSandboxId: other.podSandboxId });
  });

  test('exec into a stopped container is FAILED_PRECONDITION', async () => {
    const other = await runContainer(rt.client, rt.opts.root, 'short', ['true']);
    await waitFor(async () => (await rt.client.runtime.ContainerStatus({ containerId: other.containerId })).status.state === 'CONTAINER_EXITED');
    await expect(rt.client.runtime.ExecSync({ containerId: other.containerId, cmd: ['true'] })).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    await rt.client.runtime.StopPodSandbox({ podSandboxId: other.podSandboxId });
    await rt.client.runtime.RemovePodSandbox({ podSandboxId: other.podSandboxId });
  });
});
