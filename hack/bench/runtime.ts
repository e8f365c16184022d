// The runtime's figures (issue 6), all in one run against an in-process runtime over its CRI socket:
// - container start: CreateContainer + StartContainer until the process runs (its /proc comm is the
//   command), under our executor and under runc and crun, on the same bundle (the sandbox's runtime
//   handler picks the executor; everything else is the same request), interleaved, ≥ 50 each;
// - RunPodSandbox including CNI (bridge + host-local + loopback);
// - ExecSync of `true` in a running container;
// - PullImage of busybox from a local registry (Debian's docker-registry on loopback, images.ts):
//   cold, warm and with unpack, against `skopeo copy` of the same image in the same run.
// Figures and ratios only, never an assert. Targets are printed beside them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBusyboxImage } from '../images/build-busybox';
import { measureImagePull } from './images';
import { silentLogger } from '../../pkg/log';
import { cleanupAll, createRuntimeClient, importImage, runRuntime, type ContainerConfig, type PodSandboxConfig, type RuntimeOptions } from '../../pkg/runtime';

const out = process.argv[2] ?? path.resolve(__dirname, '..', '..', '..', 'hack', 'bench', 'results', 'runtime.json');
const rounds = Number(process.env.BERTH_BENCH_ROUNDS ?? 60);
// native-seccomp: the native executor with the RuntimeDefault seccomp filter (compiled and installed per start).
const executors = ['native', 'native-seccomp', 'runc', 'crun'] as const;
const handlerOf = (ex: typeof executors[number]): string => (ex === 'native-seccomp' ? 'native' : ex);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const summary = (xs: number[]) => ({ n: xs.length, medianMs: round(quantile(xs, 0.5)), p99Ms: round(quantile(xs, 0.99)), minMs: round(Math.min(...xs)) });
const round = (x: number) => Math.round(x * 100) / 100;

const comm = (pid: number): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT') return '';
    throw err;
  }
};

const main = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-rt-'));
  // The network and cgroup names can be moved aside when several benchmarks share the machine.
  const env = process.env;
  const opts: RuntimeOptions = { root, socket: path.join(root, 'runtime.sock'), healthPort: 0, cgroupParent: env.BERTH_BENCH_CGROUP_PARENT ?? 'berth-bench-rt',
    bridge: env.BERTH_BENCH_BRIDGE ?? 'bbenchrt0', podCidr: env.BERTH_BENCH_POD_CIDR ?? '10.252.0.0/24', networkName: 'berth-bench-rt' };
  const archive = path.join(root, 'busybox.oci.tar');
  await buildBusyboxImage({ out: archive });
  await importImage(root, archive, silentLogger());
  const abort = new AbortController();
  const running = runRuntime(opts, silentLogger(), abort.signal);
  for (let i = 0; i < 200 && !fs.existsSync(opts.socket); i++) await new Promise((r) => setTimeout(r, 25));
  const client = createRuntimeClient(opts.socket);
  const rt = client.runtime;
  try {
    const sandbox = (name: string): PodSandboxConfig => ({ metadata: { name, namespace: 'bench', uid: `${name}-uid`, attempt: 0 }, hostname: name, logDirectory: path.join(root, 'logs', name) });
    const container = (i: number): ContainerConfig => ({ metadata: { name: `c${i}`, attempt: 0 }, image: { image: 'busybox' }, command: ['sleep', '300'], logPath: `c${i}.log`,
      linux: { resources: { memoryLimitInBytes: 64 << 20, cpuPeriod: 100000, cpuQuota: 50000, cpuShares: 512 } } });

    // RunPodSandbox with CNI; the first few are warm-up (CNI plugin binaries into the page cache).
    const sandboxMs: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t0 = now();
      const { podSandboxId } = await rt.RunPodSandbox({ config: sandbox(`sb-${i}`) });
      if (i >= 5) sandboxMs.push(now() - t0);
      await rt.StopPodSandbox({ podSandboxId });
      await rt.RemovePodSandbox({ podSandboxId });
    }

    const pods = new Map<string, { id: string; config: PodSandboxConfig }>();
    for (const ex of executors) {
      const config = sandbox(`pod-${ex}`);
      pods.set(ex, { id: (await rt.RunPodSandbox({ config, runtimeHandler: handlerOf(ex) })).podSandboxId, config });
    }
    const startMs = new Map<string, number[]>(executors.map((e) => [e, []]));
    const createMs = new Map<string, number[]>(executors.map((e) => [e, []]));
    let n = 0;
    for (let r = 0; r < rounds + 3; r++) {
      for (const ex of executors) {
        const pod = pods.get(ex);
        if (!pod) throw new Error(`no pod for ${ex}`);
        const t0 = now();
        const base = container(n++);
        const config: ContainerConfig = ex === 'native-seccomp' ? { ...base, linux: { ...base.linux, securityContext: { seccomp: { profileType: 'RuntimeDefault' } } } } : base;
        const { containerId } = await rt.CreateContainer({ podSandboxId: pod.id, config, sandboxConfig: pod.config });
        const t1 = now();
        await rt.StartContainer({ containerId });
        const pid = Number(fs.readFileSync(path.join(root, 'containers', containerId, 'pid'), 'utf8'));
        while (comm(pid) !== 'sleep') await new Promise((res) => setImmediate(res));
        const t2 = now();
        if (r >= 3) { startMs.get(ex)?.push(t2 - t0); createMs.get(ex)?.push(t1 - t0); }
        await rt.StopContainer({ containerId, timeout: 0 });
        await rt.RemoveContainer({ containerId });
      }
    }

    const execPod = pods.get('native');
    if (!execPod) throw new Error('no native pod');
    const { containerId: execTarget } = await rt.CreateContainer({ podSandboxId: execPod.id, config: container(n++), sandboxConfig: execPod.config });
    await rt.StartContainer({ containerId: execTarget });
    const execMs: number[] = [];
    for (let i = 0; i < 55; i++) {
      const t0 = now();
      const res = await rt.ExecSync({ containerId: execTarget, cmd: ['true'] });
      if (res.exitCode !== 0) throw new Error(`exec true exited ${res.exitCode}`);
      if (i >= 5) execMs.push(now() - t0);
    }
    for (const pod of pods.values()) { await rt.StopPodSandbox({ podSandboxId: pod.id }); await rt.RemovePodSandbox({ podSandboxId: pod.id }); }
    const pull = await measureImagePull(Number(process.env.BERTH_BENCH_PULL_ROUNDS ?? 20), archive);

    const start = Object.fromEntries(executors.map((e) => [e, summary(startMs.get(e) ?? [])]));
    const create = Object.fromEntries(executors.map((e) => [e, summary(createMs.get(e) ?? [])]));
    const figures = {
      containerStart: start,
      containerCreateOnly: create,
      ratioNativeVsRuncMedian: round(start.native.medianMs / start.runc.medianMs),
      ratioNativeVsCrunMedian: round(start.native.medianMs / start.crun.medianMs),
      ratioSeccompVsNativeMedian: round(start['native-seccomp'].medianMs / start.native.medianMs),
      runPodSandboxWithCni: summary(sandboxMs),
      execSyncTrue: summary(execMs),
      pullImage: pull,
    };
    const targets = { containerStartVsRuncMedian: '≤ 1.0 (aiming for crun)', runPodSandboxMedianMs: '≤ 150' };
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(44)} ${v}\n`);
    for (const ex of executors) line(`start ${ex} (create+start → running)`, `median ${start[ex].medianMs} ms  p99 ${start[ex].p99Ms} ms  (create ${create[ex].medianMs} ms, n=${start[ex].n})`);
    line('ratio native/runc (median)', `${figures.ratioNativeVsRuncMedian}   target ${targets.containerStartVsRuncMedian}`);
    line('ratio native/crun (median)', `${figures.ratioNativeVsCrunMedian}`);
    line('ratio native+RuntimeDefault/native (median)', `${figures.ratioSeccompVsNativeMedian}`);
    line('RunPodSandbox with CNI', `median ${figures.runPodSandboxWithCni.medianMs} ms  p99 ${figures.runPodSandboxWithCni.p99Ms} ms   target median ${targets.runPodSandboxMedianMs} ms`);
    line('ExecSync true', `median ${figures.execSyncTrue.medianMs} ms  p99 ${figures.execSyncTrue.p99Ms} ms`);
    line('PullImage busybox, cold (local registry)', `median ${pull.coldPullMedianMs} ms  p99 ${pull.coldPullP99Ms} ms  (${pull.imageBytes} bytes, n=${pull.rounds})`);
    line('PullImage busybox, warm (blobs present)', `median ${pull.warmPullMedianMs} ms`);
    line('PullImage cold + unpack to snapshots', `median ${pull.coldPullAndUnpackMedianMs} ms`);
    line('ratio cold pull / skopeo copy (median)', `${pull.ratioColdPullVsSkopeo}   (skopeo ${pull.baselineSkopeoCopyMedianMs} ms)`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ name: 'runtime', date: new Date().toISOString(), rounds, figures, targets }, null, 2) + '\n');
  } finally {
    client.close();
    abort.abort();
    await running;
    await cleanupAll(opts, silentLogger());
    fs.rmSync(root, { recursive: true, force: true });
  }
};

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); });
