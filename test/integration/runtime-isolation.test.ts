// Issue 6 acceptance, runtime level (root): isolation and limits of real containers, driven through
// the CRI over the unix socket as the agent drives it. The suite's runtime has its own root, cgroup
// parent, bridge and pod CIDR, and a pod pids limit of 64 for the fork bomb. Nothing may remain.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import type { ContainerConfig, PodSandboxConfig } from '../../pkg/runtime';
import {
  logLines as podLogLines, useTestRuntime, waitExited as waitForExit, waitFor, waitLog as waitForLog,
} from './runtime-exec-harness';

jest.setTimeout(60_000);

const suffix = crypto.randomBytes(3).toString('hex');
const podPidsLimit = 64;

/** Bit `n` of a hex capability mask from /proc/PID/status. */
const hasCap = (hex: string, n: number): boolean => ((BigInt(`0x${hex}`) >> BigInt(n)) & 1n) === 1n;
const CAP_SYS_ADMIN = 21;

describe('runtime isolation and limits (issue 6)', () => {
  const { rt, opts, sandboxes } = useTestRuntime('berth-iso', { podPidsLimit }, (o) => {
    const left = ['cpu', 'cpuacct', 'memory', 'pids', 'devices'].map((c) => `/sys/fs/cgroup/${c}/${o.cgroupParent}`).filter((p) => fs.existsSync(p));
    expect(left).toEqual([]);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(o.root);
  });

  interface Pod { id: string; config: PodSandboxConfig }

  const runPod = async (name: string, linux?: PodSandboxConfig['linux']): Promise<Pod> => {
    const config: PodSandboxConfig = {
      metadata: { name, namespace: 'default', uid: `${name}-${suffix}`, attempt: 0 },
      hostname: name, logDirectory: path.join(opts.root, 'pod-logs', name), labels: {}, ...(linux ? { linux } : {}),
    };
    const { podSandboxId } = await rt.client.runtime.RunPodSandbox({ config });
    sandboxes.push(podSandboxId);
    return { id: podSandboxId, config };
  };

  const containerConfig = (name: string, command: string[], linux?: ContainerConfig['linux']): ContainerConfig => ({
    metadata: { name, attempt: 0 }, image: { image: 'busybox' }, command, logPath: `${name}.log`, ...(linux ? { linux } : {}),
  });

  const startContainer = async (pod: Pod, name: string, command: string[], linux?: ContainerConfig['linux']): Promise<string> => {
    const { containerId } = await rt.client.runtime.CreateContainer({ podSandboxId: pod.id, config: containerConfig(name, command, linux), sandboxConfig: pod.config });
    await rt.client.runtime.StartContainer({ containerId });
    return containerId;
  };

  const logLines = (pod: Pod, name: string) => podLogLines(pod.config.logDirectory ?? '', name);
  const waitLog = (pod: Pod, name: string, last: RegExp) => waitForLog(pod.config.logDirectory ?? '', name, last);
  const waitExited = (containerId: string) => waitForExit(rt.client, containerId);
  const podCgroup = (pod: Pod, controller: string) => `/sys/fs/cgroup/${controller}/${opts.cgroupParent}/pod${pod.config.metadata.uid}`;

  test('a container sees only its own processes, not the host\'s files; no mount, no hostname, /proc/kcore masked', async () => {
    const marker = path.join(opts.root, `host-only-${suffix}`);
    fs.writeFileSync(marker, 'secret');
    const hostHostname = os.hostname();
    const pod = await runPod('iso');
    const script = [
      'echo "pids=$(cd /proc && echo [0-9]*)"',
      `test -e ${marker} && echo host-file=visible || echo host-file=absent`,
      'mount -t tmpfs none /tmp 2>/dev/null && echo mount=ok || echo mount=denied',
      'hostname evil 2>/dev/null && echo hostname=changed || echo hostname=denied',
      // Masked files are /dev/null (char 1:3, empty); a masked directory is an empty read-only tmpfs.
      'for f in /proc/kcore /proc/keys /proc/timer_list; do [ -e $f ] && echo "$f=$(stat -c %t:%T $f):$(wc -c < $f)" || echo "$f=absent"; done',
      'echo "acpi=$(ls -A /proc/acpi | wc -l):$( (touch /proc/acpi/x) 2>&1 | grep -c Read-only)"',
      'echo "capeff=$(grep CapEff /proc/self/status | cut -f2)"',
      // A read-only path (the pod's own UTS hostname, so harmless if it were writable).
      'echo "procsys=$( (echo iso > /proc/sys/kernel/hostname) 2>&1 | grep -c Read-only)"',
      'echo done',
    ].join('; ');
    await startContainer(pod, 'main', ['sh', '-c', script]);
    const out = await waitLog(pod, 'main', /^done$/);
    const pids = out[0].replace('pids=', '').split(' ').map(Number);
    expect(pids[0]).toBe(1);
    expect(Math.max(...pids)).toBeLessThan(10); // a new PID namespace: a handful, numbered from 1
    // This kernel has no /proc/kcore (CONFIG_PROC_KCORE off); where it exists it must be masked too.
    const masked = (f: string) => `${f}=${fs.existsSync(f) ? '1:3:0' : 'absent'}`;
    expect(out.slice(1, 8)).toEqual(['host-file=absent', 'mount=denied', 'hostname=denied',
      masked('/proc/kcore'), masked('/proc/keys'), masked('/proc/timer_list'), 'acpi=0:1']);
    const capeff = out[8].replace('capeff=', '');
    expect(hasCap(capeff, CAP_SYS_ADMIN)).toBe(false);
    expect(hasCap(capeff, 0)).toBe(true); // CAP_CHOWN, from the default set
    expect(out[9]).toBe('procsys=1');
    expect(os.hostname()).toBe(hostHostname);
  });

  test('two containers of one pod reach each other on localhost and share IPC (namespace and /dev/shm)', async () => {
    const pod = await runPod('pair');
    await startContainer(pod, 'server', ['sh', '-c',
      'mkdir -p /www && echo pong > /www/index.html && echo token-$$ > /dev/shm/t && readlink /proc/self/ns/ipc && httpd -p 8080 -h /www && echo ready && exec sleep 3600']);
    const server = await waitLog(pod, 'server', /^ready$/);
    const clientId = await startContainer(pod, 'client', ['sh', '-c', 'wget -qO- http://127.0.0.1:8080/; cat /dev/shm/t; readlink /proc/self/ns/ipc']);
    expect((await waitExited(clientId)).exitCode).toBe(0);
    expect(logLines(pod, 'client')).toEqual(['pong', expect.stringMatching(/^token-\d+$/), server[0]]);
    expect(server[0]).toMatch(/^ipc:\[\d+\]$/);
  });

  test('containers of different pods cannot see each other\'s processes', async () => {
    const a = await runPod('pod-a');
    await startContainer(a, 'main', ['sh', '-c', 'echo up; exec sleep 4242']);
    await waitLog(a, 'main', /^up$/);
    const b = await runPod('pod-b');
    const id = await startContainer(b, 'main', ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; echo; echo end']);
    await waitExited(id);
    const out = logLines(b, 'main').join('\n');
    expect(out).toContain('end');
    expect(out).not.toContain('sleep 4242');
    // From the host the sleeper exists: it is hidden, not absent.
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).toContain('sleep 4242');
  });

  test('a process allocating past its memory limit is OOM-killed and reported OOMKilled (137)', async () => {
    const pod = await runPod('oom');
    const id = await startContainer(pod, 'main', ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
      { resources: { memoryLimitInBytes: 32 << 20 } });
    expect(await waitExited(id)).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  test('a CPU-bound process limited to 200m uses 0.2 ± 0.05 cores (cpuacct.usage over 5 s)', async () => {
    const pod = await runPod('cpu');
    const id = await startContainer(pod, 'main', ['sh', '-c', 'echo spinning; while :; do :; done'],
      { resources: { cpuPeriod: 100000, cpuQuota: 20000, cpuShares: 204 } });
    await waitLog(pod, 'main', /^spinning$/);
    const usageFile = path.join(podCgroup(pod, 'cpuacct'), id, 'cpuacct.usage');
    const sample = () => ({ usage: Number(fs.readFileSync(usageFile, 'utf8')), at: process.hrtime.bigint() });
    const t0 = sample();
    await new Promise((r) => setTimeout(r, 5000)); // the measurement window the issue asks for
    const t1 = sample();
    const cores = (t1.usage - t0.usage) / Number(t1.at - t0.at);
    expect(cores).toBeGreaterThanOrEqual(0.15);
    expect(cores).toBeLessThanOrEqual(0.25);
  });

  test('a fork bomb stops at the pod pids limit and the node stays healthy', async () => {
    const pod = await runPod('bomb');
    expect(fs.readFileSync(path.join(podCgroup(pod, 'pids'), 'pids.max'), 'utf8').trim()).toBe(String(podPidsLimit));
    const id = await startContainer(pod, 'main', ['sh', '-c', 'exec 2>/dev/null; f() { f | f & }; f; echo bombed; exec sleep 3600'],
      { resources: { cpuPeriod: 100000, cpuQuota: 50000, cpuShares: 512 } });
    // On v1 the refused forks are counted in the forking (container) cgroup's pids.events.
    const events = path.join(podCgroup(pod, 'pids'), id, 'pids.events');
    await waitFor(() => Number(/^max (\d+)$/m.exec(fs.readFileSync(events, 'utf8'))?.[1] ?? 0) > 0);
    const current = Number(fs.readFileSync(path.join(podCgroup(pod, 'pids'), 'pids.current'), 'utf8'));
    expect(current).toBeLessThanOrEqual(podPidsLimit);

    // The node: the host forks, the runtime answers, and another pod still starts.
    expect(execFileSync('sh', ['-c', 'echo host-ok'], { encoding: 'utf8' })).toBe('host-ok\n');
    expect((await rt.client.runtime.Version({ version: 'v1' })).runtimeName).toBe('berth');
    const other = await runPod('bystander');
    await startContainer(other, 'main', ['echo', 'alive']);
    expect(await waitLog(other, 'main', /^alive$/)).toEqual(['alive']);

    await rt.client.runtime.StopContainer({ containerId: id, timeout: 0 });
    expect((await rt.client.runtime.ContainerStatus({ containerId: id })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137 });
    expect(Number(fs.readFileSync(path.join(podCgroup(pod, 'pids'), 'pids.current'), 'utf8'))).toBe(0);
  });

  test('security context: non-root user with groups, dropped capabilities, no_new_privs, read-only root', async () => {
    const pod = await runPod('user');
    const id = await startContainer(pod, 'main', ['sh', '-c',
      'id; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status | tr "\\t" " "; (touch /x) 2>&1; echo ok > /dev/shm/w && echo shm-writable'], {
      securityContext: {
        runAsUser: { value: 1000 }, runAsGroup: { value: 1000 }, supplementalGroups: [2000], noNewPrivs: true, readonlyRootfs: true,
        capabilities: { dropCapabilities: ['ALL'], addCapabilities: ['NET_BIND_SERVICE'] },
      },
    });
    expect((await waitExited(id)).exitCode).toBe(0);
    expect(logLines(pod, 'main')).toEqual(['uid=1000 gid=1000 groups=2000', 'CapEff: 0000000000000000', 'CapBnd: 0000000000000400',
      'NoNewPrivs: 1', expect.stringMatching(/touch: \/x: Read-only file system/), 'shm-writable']);
  });

  test('exec into a container gets the container\'s user, capabilities and no_new_privs, not the runtime\'s', async () => {
    const pod = await runPod('exec');
    const id = await startContainer(pod, 'main', ['sh', '-c', 'echo up; exec sleep 3600'], {
      securityContext: { runAsUser: { value: 1000 }, runAsGroup: { value: 1000 }, noNewPrivs: true, capabilities: { dropCapabilities: ['NET_RAW'] } },
    });
    await waitLog(pod, 'main', /^up$/);
    const r = await rt.client.runtime.ExecSync({ containerId: id, cmd: ['sh', '-c', 'id -u; grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status | cut -f2'], timeout: 10 });
    const [uid, bnd, nnp] = r.stdout.toString().trim().split('\n');
    expect([uid, nnp]).toEqual(['1000', '1']);
    expect(hasCap(bnd, CAP_SYS_ADMIN)).toBe(false);
    expect(hasCap(bnd, 13)).toBe(false); // CAP_NET_RAW, dropped
    expect(hasCap(bnd, 0)).toBe(true);
  });

  test('privileged: only in a privileged sandbox; then mount works and /proc is not masked', async () => {
    const plain = await runPod('unprivileged');
    await expect(rt.client.runtime.CreateContainer({
      podSandboxId: plain.id, config: containerConfig('main', ['true'], { securityContext: { privileged: true } }), sandboxConfig: plain.config,
    })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('no privileged container allowed in sandbox') });

    const pod = await runPod('privileged', { securityContext: { privileged: true } });
    const id = await startContainer(pod, 'main', ['sh', '-c',
      'mount -t tmpfs none /tmp && echo mount=ok; test -c /proc/kcore && echo kcore=masked || echo kcore=unmasked; grep -c " /sys sysfs rw" /proc/mounts'],
    { securityContext: { privileged: true } });
    expect((await waitExited(id)).exitCode).toBe(0);
    expect(logLines(pod, 'main')).toEqual(['mount=ok', 'kcore=unmasked', '1']);
  });
});
