// The runtime for real (root): a temp root, its own cgroup parent, bridge and pod CIDR; every call
// goes through the gRPC client over the unix socket. Afterwards nothing may remain: no process,
// mount, cgroup, namespace file, bridge or route.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { buildBusyboxImage } from '../../hack/images/build-busybox';
import { silentLogger } from '../../pkg/log';
import {
  cleanupAll, createRuntimeClient, importImage, runRuntime,
  type ContainerConfig, type PodSandboxConfig, type RuntimeClient, type RuntimeOptions,
} from '../../pkg/runtime';

// Root only, like every Berth suite that touches namespaces and cgroups (hack/test.sh checks).
const d = describe;
jest.setTimeout(60_000);

const cri = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [FP] /;
const suffix = crypto.randomBytes(3).toString('hex');

const waitFor = async <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

d('runtime over CRI', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rt-'));
  const opts: RuntimeOptions = {
    root, socket: path.join(root, 'run', 'runtime.sock'), healthPort: 0,
    cgroupParent: `berth-test-${suffix}`, bridge: `bt${suffix}`, podCidr: `10.250.${1 + (crypto.randomBytes(1)[0] % 250)}.0/24`,
    networkName: `berth-test-${suffix}`,
  };
  const log = silentLogger();
  let abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let client: RuntimeClient;

  const start = async () => {
    abort = new AbortController();
    running = runRuntime(opts, log, abort.signal);
    await waitFor(() => fs.existsSync(opts.socket));
    client = createRuntimeClient(opts.socket);
  };
  const stop = async () => {
    client.close();
    abort.abort();
    await running;
  };

  beforeAll(async () => {
    const archive = path.join(root, 'busybox.oci.tar');
    await buildBusyboxImage({ out: archive });
    await importImage(root, archive, log);
    await start();
  });

  afterAll(async () => {
    await stop();
    await cleanupAll(opts, log);
    const cgroupParentDirs = ['cpu', 'cpuacct', 'memory', 'pids'].map((c) => `/sys/fs/cgroup/${c}/${opts.cgroupParent}`);
    expect(cgroupParentDirs.filter((p) => fs.existsSync(p))).toEqual([]);
    expect(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })).not.toContain(opts.bridge);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const sandboxConfig = (name: string): PodSandboxConfig => ({
    metadata: { name, namespace: 'default', uid: `${name}-${suffix}`, attempt: 0 },
    hostname: `${name}-host`, logDirectory: path.join(root, 'pod-logs', name), labels: { app: name },
  });

  const containerConfig = (command: string[], memory = 0): ContainerConfig => ({
    metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox:1.36' }, command, logPath: 'main/0.log',
    envs: [{ key: 'GREETING', value: 'hello' }],
    linux: { resources: { memoryLimitInBytes: memory, cpuPeriod: 100000, cpuQuota: 50000, cpuShares: 512 } },
  });

  const mountsUnder = (dir: string) => fs.readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(dir));

  test('images: pull resolves locally, unknown refs are NOT_FOUND', async () => {
    const pulled = await client.image.PullImage({ image: { image: 'busybox' } });
    expect(pulled.imageRef).toMatch(/^sha256:/);
    await expect(client.image.PullImage({ image: { image: 'registry.example/none:1' } }))
      .rejects.toMatchObject({ code: status.NOT_FOUND, details: expect.stringMatching(/^image "registry.example\/none:1" not found: no registry to ask/) });
    const { images } = await client.image.ListImages({});
    expect(images.some((i) => i.id === pulled.imageRef)).toBe(true);
  });

  test('a busybox container runs isolated, is stopped with SIGKILL after the grace period, and leaves nothing', async () => {
    const cfg = sandboxConfig('web');
    const { podSandboxId } = await client.runtime.RunPodSandbox({ config: cfg });
    const sb = await client.runtime.PodSandboxStatus({ podSandboxId });
    expect(sb.status.state).toBe('SANDBOX_READY');
    const prefix = opts.podCidr!.split('.').slice(0, 3).join('.');
    expect(sb.status.network?.ip.startsWith(`${prefix}.`)).toBe(true);

    const marker = path.join(root, 'host-only-marker');
    fs.writeFileSync(marker, 'secret');
    const limitFile = '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const script = `echo "$GREETING"; echo "pid1=$(tr '\\0' ' ' < /proc/1/cmdline)"; echo "pids=$(cd /proc && echo [0-9]*)"; ` +
      `echo "host=$(hostname)"; echo "limit=$(cat ${limitFile})"; echo cgroups=$(ls /sys/fs/cgroup); ` +
      `echo "write=$( (echo 1 > ${limitFile}) 2>&1)"; test -e ${marker} && echo marker=visible || echo marker=invisible; sleep 30`;
    await expect(client.runtime.CreateContainer({ podSandboxId, config: { ...containerConfig(['sh', '-c', script]), image: { image: 'nope:1' } }, sandboxConfig: cfg }))
      .rejects.toMatchObject({ code: status.NOT_FOUND, details: 'image "nope:1" not found' });
    const { containerId } = await client.runtime.CreateContainer({ podSandboxId, config: containerConfig(['sh', '-c', script], 64 << 20), sandboxConfig: cfg });
    expect((await client.runtime.ContainerStatus({ containerId })).status.state).toBe('CONTAINER_CREATED');
    await client.runtime.StartContainer({ containerId });

    const st = (await client.runtime.ContainerStatus({ containerId })).status;
    expect(st.state).toBe('CONTAINER_RUNNING');
    expect(st.logPath).toBe(path.join(cfg.logDirectory!, 'main/0.log'));
    const text = await waitFor(() => { const t = fs.existsSync(st.logPath) && fs.readFileSync(st.logPath, 'utf8'); return t && / F marker=/.test(t) ? t : undefined; });
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(cri);
    const out = lines.map((l) => l.replace(cri, ''));
    // From inside: its own memory cgroup at the runc v1 path, with the configured limit, read-only.
    expect(out).toEqual(['hello', `pid1=sh -c ${script} `, expect.stringMatching(/^pids=/), 'host=web-host', `limit=${64 << 20}`,
      'cgroups=cpu cpuacct devices memory pids', expect.stringMatching(/^write=.*memory\.limit_in_bytes: Read-only file system$/), 'marker=invisible']);
    // A new PID namespace: only the container's own few processes, numbered from 1.
    const pids = out[2].slice('pids='.length).split(' ').map(Number);
    expect(pids[0]).toBe(1);
    expect(Math.max(...pids)).toBeLessThan(10);

    const pid = Number(fs.readFileSync(path.join(root, 'containers', containerId, 'pid'), 'utf8'));
    expect(execFileSync('nsenter', ['-t', String(pid), '-u', 'hostname'], { encoding: 'utf8' }).trim()).toBe('web-host');
    expect(execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', '-o', '-4', 'addr', 'show', 'eth0'], { encoding: 'utf8' })).toContain(sb.status.network?.ip);
    const cg = `${opts.cgroupParent}/pod${cfg.metadata.uid}/${containerId}`;
    expect(fs.readFileSync(`/sys/fs/cgroup/memory/${cg}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(64 << 20));
    expect(fs.readFileSync(`/sys/fs/cgroup/cpu/${cg}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
    expect(fs.readFileSync(`/sys/fs/cgroup/memory/${cg}/cgroup.procs`, 'utf8').trim().split('\n')).toContain(String(pid));

    const t0 = Date.now();
    await client.runtime.StopContainer({ containerId, timeout: 1 }); // sh as pid 1 ignores SIGTERM
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const exited = (await client.runtime.ContainerStatus({ containerId })).status;
    expect(exited).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137, reason: 'Error' });
    expect(exited.finishedAt).toBeGreaterThan(exited.startedAt);

    await client.runtime.RemoveContainer({ containerId });
    await client.runtime.StopPodSandbox({ podSandboxId });
    await client.runtime.RemovePodSandbox({ podSandboxId });
    await client.runtime.RemovePodSandbox({ podSandboxId }); // idempotent

    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    expect(mountsUnder(root)).toEqual([]);
    expect(fs.existsSync(`/sys/fs/cgroup/memory/${opts.cgroupParent}/pod${cfg.metadata.uid}`)).toBe(false);
    expect(fs.existsSync(path.join(root, 'sandboxes', podSandboxId))).toBe(false);
    expect((await client.runtime.ListPodSandbox({})).items).toEqual([]);
  });

  test('a restarted runtime recovers sandboxes and running containers from disk', async () => {
    const cfg = sandboxConfig('survivor');
    const { podSandboxId } = await client.runtime.RunPodSandbox({ config: cfg });
    const { containerId } = await client.runtime.CreateContainer({ podSandboxId, config: containerConfig(['sleep', '300']), sandboxConfig: cfg });
    await client.runtime.StartContainer({ containerId });

    await stop();
    await start();

    const { containers } = await client.runtime.ListContainers({ filter: { podSandboxId } });
    expect(containers.map((c) => [c.id, c.state])).toEqual([[containerId, 'CONTAINER_RUNNING']]);
    expect((await client.runtime.ListPodSandbox({ filter: { labelSelector: { app: 'survivor' } } })).items.map((s) => s.id)).toEqual([podSandboxId]);
    await client.runtime.StopPodSandbox({ podSandboxId });
    expect((await client.runtime.ContainerStatus({ containerId })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 137 });
    await client.runtime.RemovePodSandbox({ podSandboxId });
    expect((await client.runtime.ListContainers({})).containers).toEqual([]);
    expect(mountsUnder(root)).toEqual([]);
  });
});
