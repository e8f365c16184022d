// Host namespaces and pod sysctls (issue 6), through the CRI over the unix socket: a hostNetwork
// pod sees the node's interfaces (a bridge this test makes) with no CNI and the node's hostname
// and hosts file; a hostPID container sees a host process this test started; a hostIPC container
// shares a SysV segment made on the host, which an ordinary pod does not see; pod sysctls are
// written inside the pod's own namespaces, never the host's; teardown leaves the host alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { status as grpcStatus } from '@grpc/grpc-js';
import { logLines, runContainer, sandboxConfig, useTestRuntime, waitExited } from './runtime-exec-harness';
import type { NamespaceOption, PodSandboxConfig } from '../../pkg/runtime';

jest.setTimeout(60_000);

const suffix = crypto.randomBytes(3).toString('hex');
const hostLink = `bhb${suffix}`; // a bridge: this kernel has no hostLink links
const hostNetNs = () => fs.readlinkSync('/proc/self/ns/net');
const readSysctl = (key: string) => fs.readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim();

describe('runtime host namespaces and sysctls (issue 6)', () => {
  let sleeper: ChildProcess | undefined;
  let shmId: string | undefined;
  beforeAll(() => execFileSync('ip', ['link', 'add', hostLink, 'type', 'bridge']));
  const { rt, opts: { root }, sandboxes } = useTestRuntime('berth-hostns', {}, (o) => {
    sleeper?.kill('SIGKILL');
    if (shmId) execFileSync('ipcrm', ['-m', shmId]);
    execFileSync('ip', ['link', 'del', hostLink]);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(o.root);
  });

  const nsOpts = (o: NamespaceOption) => ({ linux: { securityContext: { namespaceOptions: o } } });

  /** Runs `script` in a new pod with `sandbox` settings (the container inherits the namespace options); its output lines. */
  const run = async (name: string, script: string, sandbox: Partial<PodSandboxConfig> = {}) => {
    const r = await runContainer(rt.client, root, name, ['sh', '-c', script], { linux: { securityContext: sandbox.linux?.securityContext } }, '', sandbox);
    sandboxes.push(r.podSandboxId);
    expect((await waitExited(rt.client, r.containerId)).exitCode).toBe(0);
    return { ...r, lines: logLines(r.config.logDirectory ?? '', 'main/0') };
  };

  test('hostNetwork: the node\'s interfaces, hostname and hosts file; no pod IP; teardown keeps the host network', async () => {
    const before = hostNetNs();
    const { podSandboxId, lines } = await run('hostnet', 'cat /proc/net/dev; echo "hostname=$(hostname)"; head -1 /etc/hosts', nsOpts({ network: 'NODE' }));
    expect(lines.some((l) => l.trim().startsWith(`${hostLink}:`))).toBe(true);
    expect(lines.some((l) => l.trim().startsWith('lo:'))).toBe(true);
    expect(lines).toContain(`hostname=${os.hostname()}`);
    expect(lines).toContain('# Kubernetes-managed hosts file (host network).');
    const { status } = await rt.client.runtime.PodSandboxStatus({ podSandboxId });
    expect(status.network?.ip).toBe('');
    expect(status.linux?.namespaces?.options?.network).toBe('NODE');
    await rt.client.runtime.StopPodSandbox({ podSandboxId });
    await rt.client.runtime.RemovePodSandbox({ podSandboxId });
    expect(hostNetNs()).toBe(before);
    expect(execFileSync('ip', ['-o', 'link', 'show', hostLink], { encoding: 'utf8' })).toContain(hostLink);
    expect(execFileSync('ip', ['-o', 'link', 'show', 'lo'], { encoding: 'utf8' })).toMatch(/UP/);
  });

  test('a pod network is still its own: the host bridge is not there', async () => {
    const { lines } = await run('podnet', 'cat /proc/net/dev');
    expect(lines.some((l) => l.includes(hostLink))).toBe(false);
  });

  test('hostPID: the container sees a process started on the host; without it, it does not', async () => {
    const marker = String(40000 + crypto.randomBytes(2).readUInt16BE(0));
    sleeper = spawn('sleep', [marker], { stdio: 'ignore' });
    const ps = 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done; echo end';
    const host = await run('hostpid', ps, nsOpts({ pid: 'NODE' }));
    expect(host.lines).toContain(`sleep ${marker} `);
    const own = await run('ownpid', ps, nsOpts({ pid: 'CONTAINER' }));
    expect(own.lines).toContain('end');
    expect(own.lines).not.toContain(`sleep ${marker} `);
    expect(sleeper.exitCode).toBeNull(); // the runtime's teardown left the host process alone
  });

  test('hostIPC: a SysV segment made on the host is visible; an ordinary pod does not see it; /dev/shm is the host\'s', async () => {
    shmId = /(\d+)/.exec(execFileSync('ipcmk', ['-M', '4096'], { encoding: 'utf8' }))?.[1];
    expect(shmId).toBeDefined();
    const script = 'awk \'NR > 1 { print "shmid=" $2 }\' /proc/sysvipc/shm; grep " /dev/shm " /proc/self/mountinfo | wc -l; echo end';
    const host = await run('hostipc', script, nsOpts({ ipc: 'NODE' }));
    expect(host.lines).toContain(`shmid=${shmId}`);
    const own = await run('ownipc', script);
    expect(own.lines).toContain('end');
    expect(own.lines).not.toContain(`shmid=${shmId}`);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).toMatch(/ \/dev\/shm /);
  });

  test('sysctls are written in the pod\'s IPC and network namespaces; the host keeps its values', async () => {
    const hostRange = readSysctl('net.ipv4.ip_local_port_range');
    const hostRmid = readSysctl('kernel.shm_rmid_forced');
    const sysctls = { 'kernel.shm_rmid_forced': hostRmid === '1' ? '0' : '1', 'net.ipv4.ip_local_port_range': '20000\t20999', 'net/ipv4/tcp_syncookies': '0' };
    const { lines } = await run('sysctl', 'cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_local_port_range /proc/sys/net/ipv4/tcp_syncookies',
      { linux: { sysctls } });
    expect(lines).toEqual([sysctls['kernel.shm_rmid_forced'], '20000\t20999', '0']);
    expect(readSysctl('net.ipv4.ip_local_port_range')).toBe(hostRange);
    expect(readSysctl('kernel.shm_rmid_forced')).toBe(hostRmid);
  });

  test.each<{ name: string; sandbox: Partial<PodSandboxConfig>; message: RegExp }>([
    { name: 'a node-wide sysctl', sandbox: { linux: { sysctls: { 'kernel.panic': '1' } } }, message: /sysctl "kernel.panic" is not in a separate kernel namespace/ },
    { name: 'net.* in a host network pod', sandbox: { linux: { sysctls: { 'net.ipv4.tcp_syncookies': '0' }, ...nsOpts({ network: 'NODE' }).linux } }, message: /not allowed in host network namespace/ },
  ])('refused: $name (nothing left behind)', async ({ sandbox, message }) => {
    const config = { ...sandboxConfig(root, 'refused'), ...sandbox };
    await expect(rt.client.runtime.RunPodSandbox({ config })).rejects.toMatchObject({ code: grpcStatus.INVALID_ARGUMENT, details: expect.stringMatching(message) });
    expect((await rt.client.runtime.ListPodSandbox({})).items).toEqual([]);
  });
});
