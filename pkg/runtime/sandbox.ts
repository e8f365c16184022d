// Pod sandboxes: the network/UTS/IPC namespaces (pinned to files by berth-shim ns-create), the
// shared PID namespace when the pod asks for one (its init is `berth-shim pause`), the pod cgroup,
// the shared /etc files and the CNI network (with host ports). Every step is idempotent, and a
// failed RunPodSandbox undoes what it did, so a retry starts clean.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { cgroupDirs, createCgroup, podCgroupPath, removeCgroup, type CgroupDriver } from './cgroups';
import { ociResources, sandboxShm } from './container-spec';
import { cniAdd, cniDel, type NetworkOptions } from './cni';
import type { PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatus } from './cri-types';
import { alreadyExists, notFound } from './errors';
import { hostNetwork, hostNetworkHostsFile, namespaceOptions, nsCreateArgs, sandboxHostname, sandboxNamespaces, sandboxSysctls } from './host-namespaces';
import { updateQosParent } from './qos-cgroups';
import { hostsFile, resolvConf } from './sandbox-files';
import { errnoCode, type KeyedMutex, type SandboxRecord, type StateStore } from './state';
import type { Syscalls } from './syscalls';

export interface SandboxDeps {
  sys: Syscalls;
  state: StateStore;
  locks: KeyedMutex;
  log: Logger;
  cgroupParent: string;
  cgroups: CgroupDriver;
  /** pids.max of every pod cgroup (kubelet's podPidsLimit); 0 = unlimited. */
  podPidsLimit: number;
  network: NetworkOptions;
  /** Nanoseconds since the epoch (CRI timestamps). */
  now: () => number;
  hostResolvConf: () => string;
  /** The node's /etc/hosts (a host network pod's hosts file) and hostname; default: this host's. */
  hostHosts?: () => string;
  nodeHostname?: () => string;
  /** Whether `pid` is alive (not a zombie) and the init of the PID namespace pinned at `nsFile` (default: /proc). */
  holdsPidNamespace?: (pid: number, nsFile: string) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const readOrUndefined = (read: () => string): string | undefined => {
  try {
    return read();
  } catch (err) {
    if (['ENOENT', 'ESRCH', 'EACCES'].includes(errnoCode(err) ?? '')) return undefined;
    throw err;
  }
};

/**
 * The pause's identity: its /proc/PID/ns/pid is the namespace bind-mounted at `nsFile` (after a
 * reboot the pid may belong to anything), and it is not a zombie (a killed init may wait long for
 * a reaper on a host whose PID 1 does not reap).
 */
export const holdsPidNamespace = (pid: number, nsFile: string): boolean => {
  const stat = readOrUndefined(() => fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const state = stat ? /^\d+ \(.*\) (\S)/s.exec(stat)?.[1] : undefined;
  if (!state || state === 'Z' || state === 'X') return false;
  const link = readOrUndefined(() => fs.readlinkSync(`/proc/${pid}/ns/pid`));
  const ino = readOrUndefined(() => String(fs.statSync(nsFile).ino));
  return link !== undefined && link === `pid:[${ino}]`;
};

/** What the sandbox needs from the container side when it stops or goes away. */
export interface SandboxContainers {
  stopAllIn(sandboxId: string): Promise<void>;
  removeAllIn(sandboxId: string): Promise<void>;
}

export const newId = (): string => crypto.randomBytes(32).toString('hex');

const shmOptions = ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=65536k'];

const sameMetadata = (a: PodSandboxConfig, b: PodSandboxConfig): boolean =>
  a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace &&
  a.metadata.uid === b.metadata.uid && a.metadata.attempt === b.metadata.attempt;

export class SandboxManager {
  constructor(private readonly d: SandboxDeps, private readonly containers: SandboxContainers) {}

  async run(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const existing = (await this.d.state.listSandboxes()).find((s) => sameMetadata(s.config, config));
    if (existing) throw alreadyExists(`pod sandbox name "${config.metadata.name}_${config.metadata.namespace}_${config.metadata.uid}_${config.metadata.attempt}" is reserved for "${existing.id}"`);
    const id = newId();
    return this.d.locks.run(id, async () => {
      const rec = await this.prepare(id, config, runtimeHandler);
      try {
        await this.setUp(rec);
      } catch (err) {
        this.d.log.warn('RunPodSandbox failed, undoing', { sandbox: id, err });
        await this.removeLocked(id);
        throw err;
      }
      this.d.log.info('sandbox ready', { sandbox: id, pod: `${config.metadata.namespace}/${config.metadata.name}`, ip: rec.ip });
      return id;
    });
  }

  /** Writes the record first, so a crash at any later point leaves something cleanup can find. */
  private async prepare(id: string, config: PodSandboxConfig, runtimeHandler: string): Promise<SandboxRecord> {
    const cgroupPath = podCgroupPath(this.d.cgroupParent, config.metadata.uid || id, config.linux?.cgroupParent);
    const dir = this.d.state.layout.sandboxDir(id);
    await fs.promises.mkdir(path.join(dir, 'ns'), { recursive: true });
    const rec: SandboxRecord = {
      id, config, createdAt: this.d.now(), ready: false, ip: '', networkAttached: false,
      hostname: sandboxHostname(config, this.d.nodeHostname), ns: sandboxNamespaces(config, dir), cgroupPath, runtimeHandler,
    };
    await this.d.state.putSandbox(rec);
    return rec;
  }

  private async setUp(rec: SandboxRecord): Promise<void> {
    const dir = this.d.state.layout.sandboxDir(rec.id);
    for (const f of Object.values(rec.ns)) await fs.promises.writeFile(f, '');
    const nsArgs = nsCreateArgs(rec.ns, rec.hostname, sandboxSysctls(rec.config, rec.ns));
    if (nsArgs) await this.d.sys.spawnHelper(['ns-create', ...nsArgs]);
    if (rec.ns.ipc) {
      // The pod's /dev/shm, bound into every container: POSIX shared memory goes with the IPC namespace (containerd).
      await fs.promises.mkdir(sandboxShm(dir), { recursive: true });
      await this.d.sys.mount({ source: 'shm', target: sandboxShm(dir), type: 'tmpfs', options: shmOptions });
    }
    const limits = ociResources(rec.config.linux?.resources, this.d.podPidsLimit);
    await createCgroup(this.d.sys, this.d.cgroups, rec.cgroupPath, this.d.cgroups.writes(limits));
    await updateQosParent(this.d.sys, this.d.cgroups, rec.cgroupPath, await this.d.state.listSandboxes());
    if (rec.ns.pid) {
      const cgroupArgs = cgroupDirs(this.d.cgroups, rec.cgroupPath).flatMap((d) => ['--cgroup', d]);
      rec.pausePid = (await this.d.sys.spawnHelper(['pause', '--pid-ns', rec.ns.pid, ...cgroupArgs])).pid;
      await this.d.state.putSandbox(rec);
    }
    if (rec.ns.net) await this.attachNetwork(rec, rec.ns.net);
    // A host network pod has no IP of its own ('' as containerd; kubelet reports the node's) and the node's hosts file.
    await fs.promises.writeFile(path.join(dir, 'hosts'), hostNetwork(rec.config)
      ? hostNetworkHostsFile((this.d.hostHosts ?? (() => fs.readFileSync('/etc/hosts', 'utf8')))())
      : hostsFile(rec.hostname, rec.ip));
    await fs.promises.writeFile(path.join(dir, 'hostname'), `${rec.hostname}\n`);
    await fs.promises.writeFile(path.join(dir, 'resolv.conf'), resolvConf(rec.config.dnsConfig, this.d.hostResolvConf()));
    rec.ready = true;
    await this.d.state.putSandbox(rec);
  }

  private async attachNetwork(rec: SandboxRecord, netns: string): Promise<void> {
    rec.networkAttached = true; // recorded before ADD: a DEL of a half-done ADD is safe, a leak is not
    await this.d.state.putSandbox(rec);
    const attachment = await cniAdd(this.d.sys, this.d.network, rec.id, netns, rec.config.portMappings);
    rec.ip = attachment.ip;
    rec.cniResult = attachment.result;
  }

  /** Stops every container (forcibly) and tears the network down; the namespaces stay until remove. */
  async stop(id: string): Promise<void> {
    await this.containers.stopAllIn(id);
    await this.d.locks.run(id, () => this.stopLocked(id));
  }

  private async stopLocked(id: string): Promise<void> {
    const rec = await this.d.state.getSandbox(id);
    if (!rec) return; // CRI: stopping what is already gone is not an error
    if (rec.networkAttached && rec.ns.net) {
      await cniDel(this.d.sys, this.d.network, rec.id, rec.ns.net, rec.config.portMappings, rec.cniResult);
      rec.networkAttached = false;
    }
    await this.stopPause(rec);
    rec.ready = false;
    await this.d.state.putSandbox(rec);
    this.d.log.info('sandbox stopped', { sandbox: id });
  }

  /** Kills the PID namespace's init (the kernel then kills what is left in it) and waits for it. */
  private async stopPause(rec: SandboxRecord): Promise<void> {
    const pid = rec.pausePid;
    const nsFile = rec.ns.pid;
    if (!pid || !nsFile) return;
    const holds = this.d.holdsPidNamespace ?? holdsPidNamespace;
    if (holds(pid, nsFile)) {
      this.d.sys.kill(pid, 'SIGKILL');
      const sleep = this.d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      for (let i = 0; i < 200 && holds(pid, nsFile); i++) await sleep(10);
    }
    rec.pausePid = undefined;
  }

  async remove(id: string): Promise<void> {
    await this.containers.removeAllIn(id);
    await this.d.locks.run(id, () => this.removeLocked(id));
  }

  private async removeLocked(id: string): Promise<void> {
    const rec = await this.d.state.getSandbox(id);
    const dir = this.d.state.layout.sandboxDir(id);
    if (rec) {
      await this.stopLocked(id);
      for (const f of Object.values(rec.ns)) await this.d.sys.umount(f);
      if (rec.ns.ipc) await this.d.sys.umount(sandboxShm(dir));
      // A new attempt of the same pod shares the pod cgroup (kubelet's cgroup_parent): the last one removes it.
      const shared = (await this.d.state.listSandboxes()).some((s) => s.id !== id && s.cgroupPath === rec.cgroupPath);
      if (!shared) await removeCgroup(this.d.sys, this.d.cgroups, rec.cgroupPath);
    }
    await fs.promises.rm(dir, { recursive: true, force: true });
    if (rec) await updateQosParent(this.d.sys, this.d.cgroups, rec.cgroupPath, await this.d.state.listSandboxes());
    this.d.log.info('sandbox removed', { sandbox: id });
  }

  async get(id: string): Promise<SandboxRecord> {
    const rec = await this.d.state.getSandbox(id);
    if (!rec) throw notFound(`pod sandbox "${id}" not found`);
    return rec;
  }

  async status(id: string): Promise<PodSandboxStatus> {
    const rec = await this.get(id);
    const nsOpts = namespaceOptions(rec.config);
    return {
      id: rec.id, metadata: rec.config.metadata, state: rec.ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      createdAt: rec.createdAt, network: { ip: rec.ip, additionalIps: [] },
      linux: { namespaces: { options: { network: nsOpts?.network ?? 'POD', pid: nsOpts?.pid ?? 'CONTAINER', ipc: nsOpts?.ipc ?? 'POD', targetId: '' } } },
      labels: rec.config.labels ?? {}, annotations: rec.config.annotations ?? {}, runtimeHandler: rec.runtimeHandler ?? '',
    };
  }

  async list(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const recs = await this.d.state.listSandboxes();
    return recs.filter((r) => matchesSandbox(r, filter)).map((r) => ({
      id: r.id, metadata: r.config.metadata, state: r.ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
      createdAt: r.createdAt, labels: r.config.labels ?? {}, annotations: r.config.annotations ?? {}, runtimeHandler: r.runtimeHandler ?? '',
    }));
  }

  /** The sandbox's cgroup directories (for tests and stats). */
  cgroupDirsOf(rec: SandboxRecord): string[] { return cgroupDirs(this.d.cgroups, rec.cgroupPath); }
}

export const matchesLabels = (labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean =>
  Object.entries(selector ?? {}).every(([k, v]) => (labels ?? {})[k] === v);

const matchesSandbox = (r: SandboxRecord, f: PodSandboxFilter | undefined): boolean => {
  if (!f) return true;
  if (f.id && !r.id.startsWith(f.id)) return false;
  if (f.state && (f.state.state === 'SANDBOX_READY') !== r.ready) return false;
  return matchesLabels(r.config.labels, f.labelSelector);
};
