// Pure planning of a container's OCI config.json from the CRI request, the image and the sandbox:
// every decision about the container's process, namespaces, mounts and limits is made here.
import path from 'node:path';
import type { ContainerConfig, LinuxContainerResources, Mount } from './cri-types';
import { invalidArgument } from './errors';
import {
  allDevicesAllowed, defaultDeviceRules, defaultMaskedPaths, defaultMounts, defaultReadonlyPaths,
  type OciDevice, type OciMount, type OciNamespace, type OciResources, type OciSpec,
} from './oci-spec';
import { hostShm } from './host-namespaces';
import { checkAppArmor, containerSeccomp } from './seccomp-profile';
import { containerCapabilities, privilegedCapabilities } from './security';
import type { SandboxRecord } from './state';

export interface ImageConfigLike {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
}

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Kubernetes semantics (k8s.io/kubernetes pkg/kubelet/kuberuntime, "Define a Command and Arguments"):
 * `command` replaces the image Entrypoint, and when it is set the image Cmd is dropped too;
 * `args` replaces the image Cmd.
 */
export const processArgs = (image: ImageConfigLike, command: string[] = [], args: string[] = []): string[] => {
  if (command.length > 0) return [...command, ...args];
  return [...(image.Entrypoint ?? []), ...(args.length > 0 ? args : image.Cmd ?? [])];
};

/** Image Env, then the CRI envs; a later value for the same name replaces the earlier in place. */
export const mergeEnv = (imageEnv: string[] = [], envs: { key: string; value: string }[] = []): string[] => {
  const order: string[] = [];
  const values = new Map<string, string>();
  const set = (k: string, v: string) => { if (!values.has(k)) order.push(k); values.set(k, v); };
  for (const e of imageEnv) {
    const i = e.indexOf('=');
    set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  for (const e of envs) set(e.key, e.value);
  if (!values.has('PATH')) set('PATH', defaultPath);
  return order.map((k) => `${k}=${values.get(k)}`);
};

/**
 * uid/gid from the CRI security context, else a numeric image User (`uid[:gid]`), else root; the
 * CRI supplemental groups (kubelet folds the pod's fsGroup into them) as additional gids.
 */
export const processUser = (c: ContainerConfig, image: ImageConfigLike): { uid: number; gid: number; additionalGids?: number[] } => {
  const sc = c.linux?.securityContext;
  const [u, g] = (image.User ?? '').split(':');
  const uid = sc?.runAsUser ? Number(sc.runAsUser.value) : /^\d+$/.test(u ?? '') ? Number(u) : 0;
  const gid = sc?.runAsGroup ? Number(sc.runAsGroup.value) : /^\d+$/.test(g ?? '') ? Number(g) : 0;
  const groups = [...new Set((sc?.supplementalGroups ?? []).map(Number))];
  return groups.length > 0 ? { uid, gid, additionalGids: groups } : { uid, gid };
};

/** CRI resources as OCI ones; `pidsLimit` > 0 adds a pids limit (pods: the runtime's --pod-pids-limit). */
export const ociResources = (r: LinuxContainerResources | undefined, pidsLimit = 0): OciResources => {
  const out: OciResources = {};
  if (pidsLimit > 0) out.pids = { limit: pidsLimit };
  if (r?.memoryLimitInBytes) out.memory = { limit: Number(r.memoryLimitInBytes) };
  if (r?.cpuShares || r?.cpuQuota || r?.cpuPeriod) {
    out.cpu = {
      ...(r.cpuShares ? { shares: Number(r.cpuShares) } : {}),
      ...(r.cpuQuota ? { quota: Number(r.cpuQuota) } : {}),
      ...(r.cpuPeriod ? { period: Number(r.cpuPeriod) } : {}),
    };
  }
  return out;
};

const depth = (p: string) => path.posix.normalize(p).split('/').filter(Boolean).length;

/** The OCI propagation option of a CRI mount (containerd WithMounts: rshared, rslave, else rprivate). */
const propagationOption = (m: Mount): string => {
  if (m.propagation === 'PROPAGATION_BIDIRECTIONAL') return 'rshared';
  if (m.propagation === 'PROPAGATION_HOST_TO_CONTAINER') return 'rslave';
  return 'rprivate';
};

/** CRI mounts as OCI bind mounts, parents before children (as containerd sorts them). selinux_relabel is ignored. */
export const criMounts = (mounts: Mount[] = []): OciMount[] =>
  [...mounts].sort((a, b) => depth(a.containerPath) - depth(b.containerPath)).map((m) => {
    if (!path.posix.isAbsolute(m.containerPath)) throw invalidArgument(`mount container path "${m.containerPath}" must be absolute`);
    if (!path.isAbsolute(m.hostPath)) throw invalidArgument(`mount host path "${m.hostPath}" must be absolute`);
    return { destination: m.containerPath, type: 'bind', source: m.hostPath, options: ['rbind', propagationOption(m), m.readonly ? 'ro' : 'rw'] };
  });

/**
 * The root's propagation: a HOST_TO_CONTAINER mount needs the root rslave, a BIDIRECTIONAL one
 * rshared, so that host mounts below the source reach the container (containerd sets the same).
 */
export const rootfsPropagation = (mounts: Mount[] = []): string => {
  if (mounts.some((m) => m.propagation === 'PROPAGATION_BIDIRECTIONAL')) return 'rshared';
  if (mounts.some((m) => m.propagation === 'PROPAGATION_HOST_TO_CONTAINER')) return 'rslave';
  return 'rprivate';
};

/**
 * The container's PID namespace: none (the host's) for NamespaceMode NODE (hostPID), the pod's
 * (joined through the file its pause pinned) when the sandbox has one and the container asks for
 * POD, else a new one.
 */
export const pidNamespace = (config: ContainerConfig, sandbox: SandboxRecord): OciNamespace[] => {
  const mode = config.linux?.securityContext?.namespaceOptions?.pid ?? sandbox.config.linux?.securityContext?.namespaceOptions?.pid ?? 'POD';
  if (mode === 'NODE') return [];
  return [sandbox.ns.pid && mode === 'POD' ? { type: 'pid', path: sandbox.ns.pid } : { type: 'pid' }];
};

/** The sandbox's network, UTS and IPC namespaces; one the sandbox does not own (host mode) is the host's: not listed. */
export const sandboxNamespaceJoins = (sandbox: SandboxRecord): OciNamespace[] => {
  const { net, uts, ipc } = sandbox.ns;
  return [
    ...(net ? [{ type: 'network' as const, path: net }] : []), ...(uts ? [{ type: 'uts' as const, path: uts }] : []),
    ...(ipc ? [{ type: 'ipc' as const, path: ipc }] : []),
  ];
};

/** /etc/hosts, /etc/hostname and /etc/resolv.conf from the sandbox, unless the request mounts them. */
export const sandboxFileMounts = (sandboxDir: string, requested: Mount[] = []): OciMount[] =>
  ['hosts', 'hostname', 'resolv.conf']
    .filter((f) => !requested.some((m) => path.posix.normalize(m.containerPath) === `/etc/${f}`))
    .map((f) => ({ destination: `/etc/${f}`, type: 'bind', source: path.join(sandboxDir, f), options: ['rbind', 'rprivate', 'rw'] }));

/** The sandbox's /dev/shm, a tmpfs RunPodSandbox mounts and every container of the pod binds (containerd, IPC mode POD). */
export const sandboxShm = (sandboxDir: string): string => path.join(sandboxDir, 'shm');

/**
 * The default /dev/shm tmpfs becomes a bind of the pod's (or, with host IPC, of the host's /dev/shm),
 * unless the request mounts /dev/shm itself.
 */
const podShm = (mounts: OciMount[], sandbox: SandboxRecord, sandboxDir: string, requested: Mount[] = []): OciMount[] => {
  if (requested.some((m) => path.posix.normalize(m.containerPath) === '/dev/shm')) return mounts.filter((m) => m.destination !== '/dev/shm');
  const source = sandbox.ns.ipc ? sandboxShm(sandboxDir) : hostShm;
  return mounts.map((m) => (m.destination === '/dev/shm'
    ? { destination: m.destination, type: 'bind', source, options: ['rbind', 'rprivate', 'nosuid', 'noexec', 'nodev'] }
    : m));
};

export interface ContainerSpecInput {
  config: ContainerConfig;
  image: ImageConfigLike;
  sandbox: SandboxRecord;
  sandboxDir: string;
  cgroupPath: string;
  /** The capabilities the runtime itself holds: what `ALL` and privileged mean (containerd's allCaps). */
  allCapabilities?: readonly string[];
  /** The host's device nodes, given to privileged containers (containerd WithHostDevices). */
  hostDevices?: () => OciDevice[];
  /** The floor of oom_score_adj requests (security.ts minOomScoreAdj); default -1000. */
  minOomScoreAdj?: number;
  /** Reads a Localhost seccomp profile (default: the file on this node). */
  readProfile?: (path: string) => string;
}

/** Privileged: writable /sys and /sys/fs/cgroup (containerd WithWriteableSysfs/Cgroupfs). */
const writable = (m: OciMount): OciMount =>
  m.type === 'sysfs' || m.type === 'cgroup' ? { ...m, options: (m.options ?? []).filter((o) => o !== 'ro') } : m;

/** The parts a privileged container changes (containerd container_create_linux.go + oci.WithPrivileged). */
const securityParts = ({ config, sandbox, allCapabilities, hostDevices }: ContainerSpecInput) => {
  const sc = config.linux?.securityContext;
  if (!sc?.privileged) {
    return {
      capabilities: containerCapabilities(sc?.capabilities, allCapabilities),
      mounts: defaultMounts(), devices: undefined, deviceRules: defaultDeviceRules,
      maskedPaths: sc?.maskedPaths?.length ? sc.maskedPaths : defaultMaskedPaths,
      readonlyPaths: sc?.readonlyPaths?.length ? sc.readonlyPaths : defaultReadonlyPaths,
    };
  }
  if (!sandbox.config.linux?.securityContext?.privileged) {
    throw invalidArgument(`container "${config.metadata.name}": no privileged container allowed in sandbox`);
  }
  return {
    capabilities: privilegedCapabilities(allCapabilities), mounts: defaultMounts().map(writable),
    devices: hostDevices?.() ?? [], deviceRules: allDevicesAllowed, maskedPaths: [], readonlyPaths: [],
  };
};

export const buildContainerSpec = (input: ContainerSpecInput): OciSpec => {
  const { config, image, sandbox, sandboxDir, cgroupPath } = input;
  const args = processArgs(image, config.command, config.args);
  if (args.length === 0) throw invalidArgument(`container "${config.metadata.name}": no command specified (image has no Entrypoint or Cmd)`);
  const sc = config.linux?.securityContext;
  const sec = securityParts(input);
  const seccomp = containerSeccomp(sc?.seccomp, sec.capabilities.bounding, sc?.privileged ?? false, input.readProfile);
  checkAppArmor(sc?.apparmor, config.metadata.name);
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: processUser(config, image),
      args,
      env: mergeEnv(image.Env ?? [], config.envs),
      cwd: config.workingDir || image.WorkingDir || '/',
      capabilities: sec.capabilities,
      ...(sc?.noNewPrivs ? { noNewPrivileges: true } : {}),
      // kubelet always sends one (qos GetContainerOOMScoreAdjust); proto3 decodes an unset one as 0, as containerd takes it.
      ...(config.linux?.resources ? { oomScoreAdj: Math.max(Number(config.linux.resources.oomScoreAdj ?? 0), input.minOomScoreAdj ?? -1000) } : {}),
    },
    root: { path: 'rootfs', readonly: sc?.readonlyRootfs ?? false },
    // A hostname needs a UTS namespace of the pod's own (runc refuses one without).
    ...(sandbox.ns.uts ? { hostname: sandbox.hostname } : {}),
    mounts: [...podShm(sec.mounts, sandbox, sandboxDir, config.mounts), ...sandboxFileMounts(sandboxDir, config.mounts), ...criMounts(config.mounts)],
    linux: {
      namespaces: [...pidNamespace(config, sandbox), { type: 'mount' }, ...sandboxNamespaceJoins(sandbox)],
      ...(seccomp ? { seccomp } : {}),
      cgroupsPath: cgroupPath,
      resources: { ...ociResources(config.linux?.resources), devices: sec.deviceRules },
      ...(sec.devices ? { devices: sec.devices } : {}),
      maskedPaths: sec.maskedPaths,
      readonlyPaths: sec.readonlyPaths,
      rootfsPropagation: rootfsPropagation(config.mounts),
    },
    annotations: { 'io.kubernetes.cri.container-name': config.metadata.name, 'io.kubernetes.cri.sandbox-id': sandbox.id },
  };
};
