// Containers: an overlayfs root from the image snapshots, an OCI bundle (config.json for runc/crun
// and exec.spec for berth-shim), a child cgroup of the pod's with the CRI limits, and a shim that
// runs the process. State is derived from disk: the record, the shim's pid file and exit file.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import type { ImageRecord } from './images';
import { cgroupDirs, containerCgroupPath, createCgroup, removeCgroup, type CgroupDriver } from './cgroups';
import { buildContainerSpec, type ContainerSpecInput } from './container-spec';
import { type Container, type ContainerConfig, type ContainerFilter, type ContainerState, type ContainerStatus, type PodSandboxConfig } from './cri-types';
import { alreadyExists, CriError, invalidArgument, notFound } from './errors';
import { renderExecSpec } from './exec-spec';
import { attachFifos, deleteCommand, executorForHandler, foreignHierarchies, lastRuntimeError, removeForeignCgroups, startArgs, type ExecutorSettings } from './executor';
import { matchesLabels, newId } from './sandbox';
import { ShimError } from './shim-client';
import { errnoCode, writeJsonAtomic, type ContainerRecord, type ExitRecord, type KeyedMutex, type StateStore } from './state';
import type { Syscalls } from './syscalls';
import { status as grpcStatus } from '@grpc/grpc-js';

/** The part of the image store containers need (pkg/runtime/images ImageStore satisfies it). */
export interface ImageResolver {
  resolve(ref: string): Promise<ImageRecord | undefined>;
  prepareSnapshots(image: ImageRecord): Promise<string[]>;
}

export interface ContainerDeps {
  sys: Syscalls;
  state: StateStore;
  locks: KeyedMutex;
  images: ImageResolver;
  log: Logger;
  cgroups: CgroupDriver;
  /** What privileged and `add: [ALL]` grant (the runtime's own capabilities) and which host devices privileged gets. */
  security?: Pick<ContainerSpecInput, 'allCapabilities' | 'hostDevices' | 'minOomScoreAdj'>;
  now: () => number;
  /** Which program starts containers (default native) and where runc/crun live. */
  executors?: ExecutorSettings;
  /** Polling interval while waiting for an exit file (ms). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const parseTime = (rfc3339: string): number => {
  const m = /\.(\d+)Z$/.exec(rfc3339);
  const ms = Date.parse(rfc3339);
  return Math.floor(ms / 1000) * 1e9 + (m ? Number(m[1].padEnd(9, '0').slice(0, 9)) : 0);
};

export class ContainerManager {
  constructor(private readonly d: ContainerDeps) {}

  async create(sandboxId: string, config: ContainerConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const sandbox = await this.d.state.getSandbox(sandboxId);
    if (!sandbox) throw notFound(`pod sandbox "${sandboxId}" not found`);
    const image = await this.d.images.resolve(config.image.image);
    if (!image) throw notFound(`image "${config.image.image}" not found`);
    const dup = (await this.d.state.listContainers()).find((c) => c.sandboxId === sandboxId &&
      c.config.metadata.name === config.metadata.name && c.config.metadata.attempt === config.metadata.attempt);
    if (dup) throw alreadyExists(`container name "${config.metadata.name}" attempt ${config.metadata.attempt} is reserved for "${dup.id}"`);
    const id = newId();
    const executor = executorForHandler(sandbox.runtimeHandler, this.d.executors?.default ?? 'native');
    if ((config.stdin || config.tty) && executor !== 'native') throw invalidArgument(`container "${config.metadata.name}": stdin and tty need the native executor (not ${executor})`);
    const logDir = sandboxConfig?.logDirectory || sandbox.config.logDirectory;
    const rec: ContainerRecord = {
      id, sandboxId, config, imageId: image.id, imageRef: image.repoDigests[0] ?? image.id, createdAt: this.d.now(),
      cgroupPath: containerCgroupPath(sandbox.cgroupPath, id),
      executor,
      logPath: logDir && config.logPath ? path.join(logDir, config.logPath) : path.join(this.d.state.layout.containerDir(id), 'container.log'),
    };
    return this.d.locks.run(id, async () => {
      await fs.promises.mkdir(this.d.state.layout.containerDir(id), { recursive: true });
      await this.d.state.putContainer(rec);
      try {
        await this.prepareBundle(rec, image);
      } catch (err) {
        this.d.log.warn('CreateContainer failed, undoing', { container: id, err });
        await this.removeLocked(id);
        throw err;
      }
      this.d.log.info('container created', { container: id, name: config.metadata.name, sandbox: sandboxId });
      return id;
    });
  }

  private async prepareBundle(rec: ContainerRecord, image: ImageRecord): Promise<void> {
    const dir = this.d.state.layout.containerDir(rec.id);
    const sandbox = await this.d.state.getSandbox(rec.sandboxId);
    if (!sandbox) throw notFound(`pod sandbox "${rec.sandboxId}" not found`);
    const spec = buildContainerSpec({
      config: rec.config, image: image.config, sandbox, sandboxDir: this.d.state.layout.sandboxDir(sandbox.id), cgroupPath: rec.cgroupPath, ...this.d.security,
    });
    const lowerdirs = await this.d.images.prepareSnapshots(image);
    const [rootfs, upper, work] = ['rootfs', 'upper', 'work'].map((p) => path.join(dir, p));
    for (const p of [rootfs, upper, work]) await fs.promises.mkdir(p, { recursive: true });
    const overlay = [`lowerdir=${lowerdirs.join(':')}`, `upperdir=${upper}`, `workdir=${work}`];
    // berth-shim mounts the overlay itself, inside the container's mount namespace: no `mount`
    // process on the start path and nothing on the host to unmount. runc and crun need it mounted.
    const native = (rec.executor ?? 'native') === 'native';
    if (!native) await this.d.sys.mount({ source: 'overlay', target: rootfs, type: 'overlay', options: overlay });
    await fs.promises.writeFile(path.join(dir, 'config.json'), JSON.stringify(spec, null, 2));
    const execSpec = renderExecSpec({
      spec, rootPath: rootfs, overlay: native ? overlay.join(',') : undefined, cgroupDirs: cgroupDirs(this.d.cgroups, rec.cgroupPath), cgroupBinds: this.d.cgroups.binds(rec.cgroupPath),
      isFile: (p) => fs.statSync(p).isFile(),
    });
    await fs.promises.writeFile(path.join(dir, 'exec.spec'), execSpec);
    await createCgroup(this.d.sys, this.d.cgroups, rec.cgroupPath, this.d.cgroups.writes(spec.linux.resources));
  }

  async start(id: string): Promise<void> {
    await this.d.locks.run(id, async () => {
      const rec = await this.get(id);
      if (rec.startedAt || rec.startError) throw new CriError(grpcStatus.FAILED_PRECONDITION, `container "${id}" is not in created state`);
      const dir = this.d.state.layout.containerDir(id);
      await fs.promises.mkdir(path.dirname(rec.logPath), { recursive: true });
      try {
        const fifos = attachFifos(dir);
        const files = {
          bundle: dir, id, log: rec.logPath, exitFile: path.join(dir, 'exit.json'), pidFile: path.join(dir, 'pid'),
          tty: rec.config.tty ?? false, stdinOnce: rec.config.stdinOnce ?? false,
          ...(rec.config.stdin ? { stdin: fifos.stdin } : {}), ...(rec.config.tty ? { resize: fifos.resize } : {}),
        };
        const report = await this.d.sys.spawnHelper(startArgs(rec.executor ?? 'native', files, this.d.executors));
        rec.pid = report.pid;
        rec.startedAt = this.d.now();
      } catch (err) {
        rec.startError = (err instanceof Error ? err.message : String(err)) + await runtimeLogError(dir, rec.executor);
        await this.d.state.putContainer(rec);
        if (err instanceof ShimError) throw new CriError(grpcStatus.UNKNOWN, `failed to start container "${id}": ${err.message}`);
        throw err;
      }
      await this.d.state.putContainer(rec);
      this.d.log.info('container started', { container: id, pid: rec.pid });
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutSeconds`; resolves once the shim wrote the exit file. */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.d.locks.run(id, () => this.stopLocked(id, timeoutSeconds));
  }

  private async stopLocked(id: string, timeoutSeconds: number): Promise<void> {
    const rec = await this.d.state.getContainer(id);
    if (!rec || !rec.pid || (await this.exitOf(rec))) return;
    if (timeoutSeconds > 0 && this.d.sys.kill(rec.pid, 'SIGTERM')) {
      if (await this.waitExit(id, timeoutSeconds * 1000)) return this.logStopped(id, 'SIGTERM');
    }
    this.d.sys.kill(rec.pid, 'SIGKILL');
    if (await this.waitExit(id, 10_000)) return this.logStopped(id, 'SIGKILL');
    throw new CriError(grpcStatus.DEADLINE_EXCEEDED, `container "${id}" did not exit after SIGKILL`);
  }

  /**
   * The exit record, or undefined while running. A process that is gone without an exit file (its
   * shim was killed, or the host rebooted) is recorded as exited with 255, as containerd does for
   * lost tasks, after a short grace for the shim that is just writing the file.
   */
  private async exitOf(rec: ContainerRecord): Promise<ExitRecord | undefined> {
    const exit = await this.d.state.readExit(rec.id);
    if (exit || !rec.pid || rec.startError || this.d.sys.kill(rec.pid, 0)) return exit;
    const late = await this.waitExit(rec.id, 500);
    if (late) return late;
    const lost: ExitRecord = { exitCode: 255, signal: 0, finishedAt: new Date(this.d.now() / 1e6).toISOString() };
    await writeJsonAtomic(path.join(this.d.state.layout.containerDir(rec.id), 'exit.json'), lost);
    this.d.log.warn('container process lost without an exit status', { container: rec.id, pid: rec.pid });
    return lost;
  }

  private logStopped(id: string, how: string): void { this.d.log.info('container stopped', { container: id, signal: how }); }

  private async waitExit(id: string, ms: number): Promise<ExitRecord | undefined> {
    const sleep = this.d.sleep ?? defaultSleep;
    const step = this.d.pollMs ?? 50;
    for (let waited = 0; ; waited += step) {
      const exit = await this.d.state.readExit(id);
      if (exit || waited >= ms) return exit;
      await sleep(step);
    }
  }

  async remove(id: string): Promise<void> {
    await this.d.locks.run(id, () => this.removeLocked(id));
  }

  private async removeLocked(id: string): Promise<void> {
    const rec = await this.d.state.getContainer(id);
    const dir = this.d.state.layout.containerDir(id);
    if (rec) {
      await this.stopLocked(id, 0);
      const del = deleteCommand(rec.executor ?? 'native', dir, id, this.d.executors);
      if (del) {
        await this.d.sys.exec(del.file, del.args).catch((err: unknown) => this.d.log.v(1, 'OCI runtime delete failed', { container: id, err }));
        // runc/crun made the path in every hierarchy: the container's and, if now empty, the pod's.
        const foreign = foreignHierarchies(fs.readFileSync('/proc/self/mountinfo', 'utf8'), this.d.cgroups.root, this.d.cgroups.hierarchies);
        await removeForeignCgroups((d) => this.d.sys.rmdirCgroup(d), this.d.cgroups.root, foreign, rec.cgroupPath, 1);
      }
      await this.d.sys.umount(path.join(dir, 'rootfs'));
      await removeCgroup(this.d.sys, this.d.cgroups, rec.cgroupPath);
    }
    await fs.promises.rm(dir, { recursive: true, force: true });
    if (rec) this.d.log.info('container removed', { container: id });
  }

  async stopAllIn(sandboxId: string): Promise<void> {
    for (const c of await this.d.state.listContainers()) if (c.sandboxId === sandboxId) await this.stop(c.id, 0);
  }

  async removeAllIn(sandboxId: string): Promise<void> {
    for (const c of await this.d.state.listContainers()) if (c.sandboxId === sandboxId) await this.remove(c.id);
  }

  async get(id: string): Promise<ContainerRecord> {
    const rec = await this.d.state.getContainer(id);
    if (!rec) throw notFound(`container "${id}" not found`);
    return rec;
  }

  async status(id: string): Promise<ContainerStatus> {
    const rec = await this.get(id);
    const exit = await this.exitOf(rec);
    const oom = exit ? (await this.d.cgroups.oomKillCount(this.d.sys, rec.cgroupPath)) > 0 : false;
    return containerStatus(rec, exit, oom);
  }

  async list(filter?: ContainerFilter): Promise<Container[]> {
    const out: Container[] = [];
    for (const rec of await this.d.state.listContainers()) {
      const state = stateOf(rec, await this.exitOf(rec));
      if (filter?.id && !rec.id.startsWith(filter.id)) continue;
      if (filter?.podSandboxId && !rec.sandboxId.startsWith(filter.podSandboxId)) continue;
      if (filter?.state && filter.state.state !== state) continue;
      if (!matchesLabels(rec.config.labels, filter?.labelSelector)) continue;
      out.push({ id: rec.id, podSandboxId: rec.sandboxId, metadata: rec.config.metadata, image: { image: rec.config.image.image },
        imageRef: rec.imageRef, state, createdAt: rec.createdAt, labels: rec.config.labels ?? {}, annotations: rec.config.annotations ?? {}, imageId: rec.imageId });
    }
    return out;
  }
}

/** For runc/crun: their own last error (from the JSON log in the bundle), appended to the shim's. */
const runtimeLogError = async (bundle: string, executor: string | undefined): Promise<string> => {
  if (!executor || executor === 'native') return '';
  const text = await fs.promises.readFile(path.join(bundle, `${executor}.log`), 'utf8').catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return '';
    throw err;
  });
  const msg = lastRuntimeError(text);
  return msg ? `: ${msg}` : '';
};

export const stateOf = (rec: ContainerRecord, exit: ExitRecord | undefined): ContainerState =>
  rec.startError || exit ? 'CONTAINER_EXITED' : rec.startedAt ? 'CONTAINER_RUNNING' : 'CONTAINER_CREATED';

/** The CRI status of a container from its record, its exit file and whether the kernel OOM-killed it. */
export const containerStatus = (rec: ContainerRecord, exit: ExitRecord | undefined, oomKilled: boolean): ContainerStatus => {
  const state = stateOf(rec, exit);
  let reason = '';
  let exitCode = 0;
  let finishedAt = 0;
  if (rec.startError) {
    reason = 'StartError'; exitCode = 128; finishedAt = rec.createdAt;
  } else if (exit) {
    exitCode = exit.exitCode;
    finishedAt = parseTime(exit.finishedAt);
    reason = oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  }
  return {
    id: rec.id, metadata: rec.config.metadata, state, createdAt: rec.createdAt, startedAt: rec.startedAt ?? 0, finishedAt, exitCode,
    image: { image: rec.config.image.image }, imageRef: rec.imageRef, reason, message: rec.startError ?? '',
    labels: rec.config.labels ?? {}, annotations: rec.config.annotations ?? {}, mounts: rec.config.mounts ?? [],
    logPath: rec.logPath, resources: { linux: rec.config.linux?.resources ?? undefined }, imageId: rec.imageId,
  };
};
