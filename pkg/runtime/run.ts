// The runtime component: wiring (runRuntime), `berth down`'s cleanupAll, and `berth runtime import`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { detectCgroupDriver } from './cgroup-driver';
import { removeCgroupTree } from './cgroups';
import { coveringSlash16, defaultCniBinDir, ensureBlackholeRoute, type NetworkOptions } from './cni';
import { ContainerManager } from './containers';
import { ImageStore, startImageGC, type ImageGCOptions, type RegistryOptions } from './images';
import { SandboxManager } from './sandbox';
import { createCriServer } from './server';
import { defaultShimPath } from './shim-client';
import { KeyedMutex, runtimeLayout, StateStore } from './state';
import { defaultExecutorSettings, executors, foreignHierarchies, hybridCgroupV2Mount, isExecutor, type Executor } from './executor';
import { startStreaming } from './streaming-handlers';
import { hostDevices } from './host-devices';
import { currentCapabilities, minOomScoreAdj } from './security';
import { hostSyscalls, isMountPoint, type Syscalls } from './syscalls';

export interface RuntimeOptions {
  root: string;
  socket: string;
  healthPort: number;
  /** Top cgroup under every v1 controller; test clusters use their own. Default `berth`. */
  cgroupParent?: string;
  bridge?: string;
  podCidr?: string;
  networkName?: string;
  /** Path of berth-shim; default pkg/runtime/native/build/berth-shim (built on demand). */
  nativeHelper?: string;
  cgroupRoot?: string;
  cniBinDir?: string;
  /** Registry pulls: `registryMirrors`, `insecureRegistries`, `pullFromOrigin` (off by default). */
  registry?: RegistryOptions;
  /** Image GC thresholds, byte budget and period. */
  imageGC?: ImageGCOptions;
  /** pids.max of every pod cgroup, as kubelet's --pod-max-pids; 0 = unlimited. Default 4096. */
  podPidsLimit?: number;
  /** Which program starts containers whose sandbox names no runtime handler: native (default), runc or crun. */
  executor?: Executor;
  /** Where the exec/attach/port-forward streaming server listens (default 127.0.0.1, a free port). */
  streamingAddress?: string;
  streamingPort?: number;
}

export type CleanupOptions = Omit<RuntimeOptions, 'socket' | 'healthPort'> & {
  /** The agent's root (pod volumes); its mounts are undone too. Default <root>/../agent ($BERTH_HOME/agent). */
  agentRoot?: string;
};

/** Mount points under `dir` (from /proc/self/mountinfo), deepest first. */
const mountsUnder = (dir: string): string[] => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
  .map((l) => (l.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
  .filter((m) => m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);

export const runtimeDefaults = { cgroupParent: 'berth', bridge: 'berth0', podCidr: '10.244.0.0/24', networkName: 'berth', podPidsLimit: 4096 } as const;

const networkOptions = (o: CleanupOptions): NetworkOptions => ({
  root: o.root, bridge: o.bridge ?? runtimeDefaults.bridge, podCidr: o.podCidr ?? runtimeDefaults.podCidr,
  networkName: o.networkName ?? runtimeDefaults.networkName, cniBinDir: o.cniBinDir,
});

/** Builds berth-shim with hack/build-native.sh when it is missing from the source tree. */
export const ensureNativeHelper = (helper: string | undefined, log: Logger): string => {
  const p = helper ?? defaultShimPath();
  if (fs.existsSync(p)) return p;
  const script = path.resolve(path.dirname(p), '../../../../hack/build-native.sh');
  if (!helper && fs.existsSync(script)) {
    log.info('building the native helper', { script });
    execFileSync(script, { stdio: 'inherit' });
  }
  if (!fs.existsSync(p)) throw new Error(`native helper ${p} not found: run hack/build-native.sh`);
  return p;
};

const nowNs = () => Date.now() * 1e6;

/** The managers over one runtime root (shared by runRuntime and cleanupAll). */
export const buildRuntime = (o: CleanupOptions, sys: Syscalls, images: ImageStore, log: Logger) => {
  const state = new StateStore(runtimeLayout(o.root));
  const locks = new KeyedMutex();
  const cgroups = detectCgroupDriver(o.cgroupRoot);
  const allCapabilities = currentCapabilities(fs.readFileSync('/proc/self/status', 'utf8'));
  const security = { allCapabilities, hostDevices, minOomScoreAdj: minOomScoreAdj(allCapabilities, () => fs.readFileSync('/proc/self/oom_score_adj', 'utf8')) };
  // crun 1.8 needs the empty v2 mount of a hybrid v1 host hidden (executor.ts).
  const executors = defaultExecutorSettings(o.root, o.executor, cgroups.version === 1 && isMountPoint(hybridCgroupV2Mount));
  const containers = new ContainerManager({ sys, state, locks, images, log: log.child('containers'), cgroups, security, now: nowNs, executors });
  const sandboxes = new SandboxManager({
    sys, state, locks, log: log.child('sandboxes'), cgroupParent: o.cgroupParent ?? runtimeDefaults.cgroupParent, cgroups,
    podPidsLimit: o.podPidsLimit ?? runtimeDefaults.podPidsLimit,
    network: networkOptions(o), now: nowNs, hostResolvConf: () => fs.readFileSync('/etc/resolv.conf', 'utf8'),
  }, containers);
  return { state, containers, sandboxes, cgroups, locks };
};

const listen = (server: grpc.Server, socket: string): Promise<void> => new Promise((resolve, reject) => {
  server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
});

/** Serves the CRI on `socket` until `signal` aborts. Containers keep running after it returns. */
export const runRuntime = async (opts: RuntimeOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  if (opts.executor !== undefined && !isExecutor(opts.executor)) throw new Error(`unknown executor "${String(opts.executor)}" (known: ${executors.join(', ')})`);
  const helper = ensureNativeHelper(opts.nativeHelper, log);
  const sys = hostSyscalls(helper);
  const images = new ImageStore({ root: opts.root, log: log.child('images'), registry: opts.registry });
  const { state, containers, sandboxes, cgroups, locks } = buildRuntime(opts, sys, images, log);
  const imageGC = startImageGC({
    store: images, dirs: [path.join(opts.root, 'images'), path.join(opts.root, 'snapshots')], log: log.child('image-gc'), options: opts.imageGC,
    inUse: async () => new Set((await state.listContainers()).map((c) => c.imageId)),
  }, signal);
  for (const d of ['sandboxes', 'containers', 'cni']) fs.mkdirSync(path.join(opts.root, d), { recursive: true });
  const podCidr = opts.podCidr ?? runtimeDefaults.podCidr;
  const blackhole = await ensureBlackholeRoute(sys, podCidr);
  const recovered = { sandboxes: (await state.listSandboxes()).length, containers: (await state.listContainers()).length };
  log.info('runtime state recovered', { root: opts.root, ...recovered, blackhole });

  const cniBin = opts.cniBinDir ?? defaultCniBinDir;
  const networkProblem = () => (fs.existsSync(path.join(cniBin, 'bridge')) ? undefined : `CNI plugins not found in ${cniBin}`);
  const registry = newRegistry('runtime');
  const streaming = await startStreaming({
    helper, sys, cgroups, state, locks, containers, sandboxes, log, address: opts.streamingAddress, port: opts.streamingPort,
  });
  const server = createCriServer({
    sandboxes, containers, images, imageFsMountpoint: path.join(opts.root, 'snapshots'), networkProblem, log, registry, streaming: streaming.deps,
  });
  fs.mkdirSync(path.dirname(opts.socket), { recursive: true });
  fs.rmSync(opts.socket, { force: true }); // a stale socket from a killed runtime blocks bind
  await listen(server, opts.socket);
  const healthPort = await serveHealth({ port: opts.healthPort, registry, check: networkProblem, log }, signal);
  log.info('runtime serving', { socket: opts.socket, healthPort, streaming: streaming.url, executor: opts.executor ?? 'native' });

  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await streaming.close();
  await imageGC;
  fs.rmSync(opts.socket, { force: true });
  log.info('runtime stopped (containers keep running under their shims)');
};

/**
 * Stops and removes every sandbox and container recorded under `root`, then the cgroup parent,
 * the bridge and the blackhole route. Used by `berth down` and by tests. Idempotent.
 */
export const cleanupAll = async (opts: CleanupOptions, log: Logger): Promise<void> => {
  const helper = opts.nativeHelper ?? defaultShimPath();
  const sys = hostSyscalls(helper);
  const images = new ImageStore({ root: opts.root, log: log.child('images') });
  const { state, containers, sandboxes, cgroups } = buildRuntime(opts, sys, images, log);
  for (const c of await state.listContainers()) await containers.remove(c.id);
  for (const s of await state.listSandboxes()) await sandboxes.remove(s.id);
  for (const dir of [...await state.orphanDirs('containers'), ...await state.orphanDirs('sandboxes')]) {
    for (const sub of ['rootfs', 'ns/net', 'ns/uts', 'ns/ipc', 'ns/pid', 'shm']) await sys.umount(path.join(dir, sub));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Memory-backed emptyDir volumes of pods whose agent is gone (berth down stops it first).
  for (const m of mountsUnder(path.resolve(opts.agentRoot ?? path.join(path.dirname(opts.root), 'agent')))) await sys.umount(m);
  await removeCgroupTree(sys, cgroups, `/${opts.cgroupParent ?? runtimeDefaults.cgroupParent}`);
  // What runc/crun containers left in the hierarchies we do not use ourselves.
  const foreign = foreignHierarchies(fs.readFileSync('/proc/self/mountinfo', 'utf8'), cgroups.root, cgroups.hierarchies);
  await removeCgroupTree(sys, { ...cgroups, hierarchies: foreign }, `/${opts.cgroupParent ?? runtimeDefaults.cgroupParent}`);
  const net = networkOptions(opts);
  await sys.exec('ip', ['link', 'del', net.bridge]).catch((err: unknown) => log.v(1, 'no bridge to delete', { bridge: net.bridge, err }));
  await sys.exec('ip', ['route', 'del', 'blackhole', coveringSlash16(net.podCidr)]).catch((err: unknown) => log.v(1, 'no blackhole route', { err }));
  log.info('runtime cleaned up', { root: opts.root });
};

/** `berth runtime import FILE`: adds the images of an OCI archive to the store under `root`. */
export const importImage = async (root: string, archivePath: string, log: Logger): Promise<string[]> => {
  const images = new ImageStore({ root, log: log.child('images') });
  const recs = await images.importArchive(archivePath);
  for (const r of recs) log.info('image imported', { id: r.id, tags: r.repoTags.join(',') });
  return recs.map((r) => r.id);
};
