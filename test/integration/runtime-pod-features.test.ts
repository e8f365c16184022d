// Sandbox and container features of the runtime (issue 6), through the CRI over the unix socket:
// hostPort through the CNI portmap plugin (reached on 127.0.0.1, rules gone after StopPodSandbox),
// /etc/resolv.conf from the sandbox's DNSConfig, a shared PID namespace (shareProcessNamespace)
// held by `berth-shim pause`, and CRI bind mounts (read-only refused, read-write shared with the
// host, file binds), and attach to a container's own stdin and TTY (the shim's FIFOs and pty).
// The suite's runtime has its own root, cgroup parent, bridge and pod CIDR.
import { execFileSync } from 'node:child_process';
import {
  openSession, logLines as podLogLines, useTestRuntime, waitExited as waitForExit, waitFor, waitLog as waitForLog,
} from './runtime-exec-harness';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  execProtocols, streamChannel as ch,
  type ContainerConfig, type PodSandboxConfig,
} from '../../pkg/runtime';

jest.setTimeout(60_000);

const suffix = crypto.randomBytes(3).toString('hex');

/** GET http://host:port/ → body, or undefined while nothing answers. */
const httpGet = (host: string, port: number): Promise<string | undefined> => new Promise((resolve) => {
  const req = http.get({ host, port, path: '/', timeout: 2000 }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => resolve(body));
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => resolve(undefined));
});

const natRules = (): string => execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' });

describe('runtime pod features (issue 6)', () => {
  const { rt, opts, sandboxes } = useTestRuntime('berth-feat', {}, (o) => {
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(o.root);
    expect(natRules()).not.toContain(o.networkName);
  });
  const { root } = opts;

  interface Pod { id: string; config: PodSandboxConfig }

  const runPod = async (name: string, extra: Partial<PodSandboxConfig> = {}): Promise<Pod> => {
    const config: PodSandboxConfig = {
      metadata: { name, namespace: 'default', uid: `${name}-${suffix}`, attempt: 0 },
      hostname: name, logDirectory: path.join(root, 'pod-logs', name), labels: {}, ...extra,
    };
    const { podSandboxId } = await rt.client.runtime.RunPodSandbox({ config });
    sandboxes.push(podSandboxId);
    return { id: podSandboxId, config };
  };

  const startContainer = async (pod: Pod, name: string, command: string[], extra: Partial<ContainerConfig> = {}): Promise<string> => {
    const config: ContainerConfig = { metadata: { name, attempt: 0 }, image: { image: 'busybox' }, command, logPath: `${name}.log`, ...extra };
    const { containerId } = await rt.client.runtime.CreateContainer({ podSandboxId: pod.id, config, sandboxConfig: pod.config });
    await rt.client.runtime.StartContainer({ containerId });
    return containerId;
  };

  const logLines = (pod: Pod, name: string) => podLogLines(pod.config.logDirectory ?? '', name);
  const waitLog = (pod: Pod, name: string, last: RegExp) => waitForLog(pod.config.logDirectory ?? '', name, last);
  const waitExited = (containerId: string) => waitForExit(rt.client, containerId);

  test('hostPort: portmap DNATs 127.0.0.1:<hostPort> to the pod; StopPodSandbox removes the rules', async () => {
    const hostPort = 18100 + (crypto.randomBytes(1)[0] % 200);
    const pod = await runPod('web', { portMappings: [{ protocol: 'TCP', containerPort: 80, hostPort }] });
    await startContainer(pod, 'httpd', ['sh', '-c', 'mkdir -p /www && echo hello-hostport > /www/index.html && exec httpd -f -p 80 -h /www']);
    expect(await waitFor(() => httpGet('127.0.0.1', hostPort))).toBe('hello-hostport\n');
    expect(natRules()).toContain(`id: \\"${pod.id}\\"`);
    await rt.client.runtime.StopPodSandbox({ podSandboxId: pod.id });
    expect(natRules()).not.toContain(pod.id);
  });

  test('/etc/resolv.conf comes from the sandbox DNSConfig, /etc/hostname from its hostname', async () => {
    const pod = await runPod('dns', {
      hostname: 'dns.sub.default.svc.cluster.local',
      dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
    });
    await startContainer(pod, 'main', ['sh', '-c', 'cat /etc/resolv.conf; hostname; echo end']);
    expect(await waitLog(pod, 'main', /^end$/)).toEqual([
      'nameserver 10.96.0.10', 'search default.svc.cluster.local svc.cluster.local cluster.local', 'options ndots:5',
      'dns.sub.default.svc.cluster.local', 'end',
    ]);
  });

  test('a shared PID namespace: containers of the pod see each other (pause is PID 1); another pod does not', async () => {
    const shared = { linux: { securityContext: { namespaceOptions: { pid: 'POD' as const } } } };
    const pod = await runPod('share', shared);
    const pause = (await rt.client.runtime.PodSandboxStatus({ podSandboxId: pod.id })).status;
    expect(pause.linux?.namespaces?.options?.pid).toBe('POD');
    await startContainer(pod, 'sleeper', ['sh', '-c', 'echo up; exec sleep 4343'], shared);
    await waitLog(pod, 'sleeper', /^up$/);
    const ps = 'for p in /proc/[0-9]*; do echo "${p#/proc/} $(tr "\\0" " " < $p/cmdline)"; done; echo end';
    const id = await startContainer(pod, 'looker', ['sh', '-c', ps], shared);
    await waitExited(id);
    const seen = logLines(pod, 'looker');
    expect(seen).toContain('1 pause ');
    expect(seen.some((l) => /^\d+ sleep 4343 $/.test(l))).toBe(true);

    const other = await runPod('other');
    const otherId = await startContainer(other, 'looker', ['sh', '-c', ps]);
    await waitExited(otherId);
    const otherSeen = logLines(other, 'looker').join('\n');
    expect(otherSeen).toContain('end');
    expect(otherSeen).not.toContain('sleep 4343');
    expect(otherSeen).not.toContain('pause');
  });

  test('bind mounts: read-only refuses writes, read-write reaches the host, a file bind, HOST_TO_CONTAINER', async () => {
    const ro = path.join(root, 'vol-ro');
    const rw = path.join(root, 'vol-rw');
    const file = path.join(root, 'vol-file');
    for (const d of [ro, rw]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(ro, 'data'), 'read-only-data');
    fs.writeFileSync(file, 'one-file');
    const pod = await runPod('mounts');
    const script = [
      'cat /ro/data; echo', '(echo x > /ro/new) 2>/dev/null && echo ro=writable || echo ro=refused',
      'echo from-container > /rw/out && echo rw=ok', 'cat /etc/one; echo', 'ls /h2c', 'echo end',
    ].join('; ');
    const id = await startContainer(pod, 'main', ['sh', '-c', script], {
      mounts: [
        { containerPath: '/ro', hostPath: ro, readonly: true },
        { containerPath: '/rw', hostPath: rw },
        { containerPath: '/etc/one', hostPath: file, readonly: true },
        { containerPath: '/h2c', hostPath: ro, readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
      ],
    });
    expect((await waitExited(id)).exitCode).toBe(0);
    expect(logLines(pod, 'main')).toEqual(['read-only-data', 'ro=refused', 'rw=ok', 'one-file', 'data', 'end']);
    expect(fs.readFileSync(path.join(rw, 'out'), 'utf8')).toBe('from-container\n');
    expect(fs.existsSync(path.join(ro, 'new'))).toBe(false);
  });

  test('attach stdin (stdinOnce, no TTY): lines reach the process, closing stdin is its EOF', async () => {
    const pod = await runPod('stdin');
    const id = await startContainer(pod, 'main', ['sh', '-c', 'echo waiting; read line; echo "got=$line"; cat; echo eof'], { stdin: true, stdinOnce: true });
    await waitLog(pod, 'main', /^waiting$/);
    const { url } = await rt.client.runtime.Attach({ containerId: id, stdin: true, stdout: true, stderr: true });
    const s = await openSession(url.replace(/^http/, 'ws'), execProtocols[0]);
    s.send(ch.stdin, 'hello\nrest of it\n');
    s.send(ch.close, Buffer.from([ch.stdin]));
    await waitFor(() => s.text(ch.stdout).includes('eof'));
    expect(s.text(ch.stdout)).toBe('got=hello\nrest of it\neof\n');
    expect((await waitExited(id)).exitCode).toBe(0);
    await s.closed;
  });

  test('attach with a TTY: the container\'s own pty (tty names it), input echoed, resizes applied', async () => {
    const pod = await runPod('tty');
    const id = await startContainer(pod, 'main', ['sh', '-c', 'tty; echo ready; read line; echo "got=$line"; stty size; echo done; exec sleep 3600'],
      { stdin: true, tty: true });
    const before = await waitLog(pod, 'main', /^ready\r?$/);
    expect(before[0]).toMatch(/^\/dev\/pts\/0\r?$/);
    const { url } = await rt.client.runtime.Attach({ containerId: id, stdin: true, stdout: true, tty: true });
    const s = await openSession(url.replace(/^http/, 'ws'), execProtocols[0]);
    s.send(ch.resize, JSON.stringify({ Width: 100, Height: 30 }));
    s.send(ch.stdin, 'hello\n');
    await waitFor(() => s.text(ch.stdout).includes('done'));
    expect(s.text(ch.stdout).replace(/\r/g, '').split('\n')).toEqual(['hello', 'got=hello', '30 100', 'done', '']);
    s.ws.close();
    await s.closed;
  });
});
