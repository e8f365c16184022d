// The subset of the OCI runtime spec (opencontainers/runtime-spec config.md, config-linux.md)
// that Berth writes into every bundle's config.json. runc and crun read it unchanged; berth-shim
// reads its flattened form (exec-spec.ts).
import type { OciSeccomp } from './seccomp-profile';

export interface OciUser { uid: number; gid: number; additionalGids?: number[] }

export interface OciProcess {
  terminal: boolean;
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  noNewPrivileges?: boolean;
  /** Written to /proc/<pid>/oom_score_adj before exec (config.md "oomScoreAdj"). */
  oomScoreAdj?: number;
}

/** Capability names with the `CAP_` prefix, per set (config.md "capabilities"). */
export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

export interface OciMount { destination: string; type: string; source: string; options?: string[] }

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';
export interface OciNamespace { type: OciNamespaceType; path?: string }

/** A device cgroup rule (config-linux.md "devices" under resources); omitted major/minor mean `*`. */
export interface OciDeviceRule { allow: boolean; type?: 'a' | 'c' | 'b'; major?: number; minor?: number; access?: string }

export interface OciResources {
  memory?: { limit?: number };
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
  devices?: OciDeviceRule[];
}

/** A device node to create in the container (config-linux.md "devices"). */
export interface OciDevice { path: string; type: 'c' | 'b'; major: number; minor: number; fileMode?: number; uid?: number; gid?: number }

export interface OciLinux {
  namespaces: OciNamespace[];
  /** config-linux.md "Seccomp"; absent = no filter. */
  seccomp?: OciSeccomp;
  cgroupsPath: string;
  resources?: OciResources;
  devices?: OciDevice[];
  maskedPaths: string[];
  readonlyPaths: string[];
  rootfsPropagation?: string;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: OciLinux;
  annotations?: Record<string, string>;
}

// containerd's defaults (pkg/oci/spec.go populateDefaultUnixSpec), the same list kubelet sends for
// procMount Default (pkg/securitycontext/util.go defaultMaskedPaths).
export const defaultMaskedPaths = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const defaultReadonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

// containerd's default capability set for CRI containers (pkg/oci/spec.go defaultUnixCaps).
export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/**
 * The mounts every container gets, in order (runc's spec defaults plus /dev/mqueue). The `cgroup`
 * mount shows the container its own cgroups on v1 (runc: tmpfs + one read-only bind per hierarchy).
 */
export const defaultMounts = (): OciMount[] => [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
];

/**
 * Every capability by number (include/uapi/linux/capability.h, CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40).
 * The index is the bit berth-shim sets; a kernel that knows fewer ignores the rest, as runc does.
 */
export const capabilityNumbers: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * The device cgroup rules of an unprivileged container (runc libcontainer/specconv AllowedDevices):
 * deny everything, then allow mknod of any node and use of the standard ones. Without them
 * CAP_MKNOD would let a container make and open the host's disks.
 */
export const defaultDeviceRules: OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' }, { allow: true, type: 'b', access: 'm' },
  ...([[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [10, 200]] as const)
    .map(([major, minor]): OciDeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' })),
  { allow: true, type: 'c', major: 136, access: 'rwm' },
];

/** A privileged container may use every device (containerd WithAllDevicesAllowed). */
export const allDevicesAllowed: OciDeviceRule[] = [{ allow: true, access: 'rwm' }];

/** Device nodes bind-mounted from the host (works without mknod rights, e.g. in user namespaces). */
export const defaultDevices = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'];

/** Symlinks in /dev, as runc creates them (libcontainer/rootfs_linux.go setupDevSymlinks). */
export const defaultDevSymlinks: [target: string, link: string][] = [
  ['/proc/self/fd', '/dev/fd'], ['/proc/self/fd/0', '/dev/stdin'], ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'], ['pts/ptmx', '/dev/ptmx'],
];
