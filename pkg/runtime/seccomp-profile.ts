// Seccomp profiles of containers (CRI SecurityProfile): the runtime's default one (RuntimeDefault),
// a profile file on the node (Localhost, the path kubelet sends in localhost_ref), or none
// (Unconfined, and a nil profile, as containerd). Profiles are the OCI linux.seccomp object
// (runtime-spec config-linux.md "Seccomp"), which runc/crun read from config.json and
// seccomp-bpf.ts compiles for berth-shim. The default allows what moby's/containerd's default
// profile allows on x86_64: an allowlist, capability-gated groups and a few argument filters;
// everything else fails with EPERM (clone3 without CAP_SYS_ADMIN with ENOSYS, so libc falls back).
import fs from 'node:fs';
import { invalidArgument } from './errors';
import { errnoCode } from './state';

export type SeccompAction =
  'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO' | 'SCMP_ACT_KILL' | 'SCMP_ACT_KILL_THREAD' | 'SCMP_ACT_KILL_PROCESS' | 'SCMP_ACT_TRAP' | 'SCMP_ACT_TRACE' | 'SCMP_ACT_LOG';
export type SeccompOp = 'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';

export interface SeccompArg { index: number; value: number; valueTwo?: number; op: SeccompOp }
export interface SeccompSyscall { names: string[]; action: SeccompAction; errnoRet?: number; args?: SeccompArg[] }
/** OCI linux.seccomp. */
export interface OciSeccomp { defaultAction: SeccompAction; defaultErrnoRet?: number; architectures?: string[]; syscalls?: SeccompSyscall[] }

/** CRI SecurityProfile (profile_type RuntimeDefault = 0, Unconfined = 1, Localhost = 2). */
export interface SecurityProfile { profileType?: 'RuntimeDefault' | 'Unconfined' | 'Localhost'; localhostRef?: string }

const EPERM = 1;
const ENOSYS = 38;
// CLONE_NEWNS | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWCGROUP: namespace creation through clone.
const cloneNamespaceFlags = 0x7e020000;

const allowed = [
  'accept', 'accept4', 'access', 'adjtimex', 'alarm', 'arch_prctl', 'bind', 'brk', 'cachestat', 'capget', 'capset', 'chdir', 'chmod',
  'chown', 'clock_adjtime', 'clock_getres', 'clock_gettime', 'clock_nanosleep', 'close', 'close_range', 'connect', 'copy_file_range',
  'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2',
  'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve', 'execveat', 'exit', 'exit_group', 'faccessat', 'faccessat2',
  'fadvise64', 'fallocate', 'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchownat', 'fcntl', 'fdatasync',
  'fgetxattr', 'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsetxattr', 'fstat', 'fstatfs', 'fsync', 'ftruncate', 'futex',
  'futex_requeue', 'futex_wait', 'futex_waitv', 'futex_wake', 'futimesat', 'get_robust_list', 'get_thread_area', 'getcpu', 'getcwd',
  'getdents', 'getdents64', 'getegid', 'geteuid', 'getgid', 'getgroups', 'getitimer', 'getpeername', 'getpgid', 'getpgrp', 'getpid',
  'getppid', 'getpriority', 'getrandom', 'getresgid', 'getresuid', 'getrlimit', 'getrusage', 'getsid', 'getsockname', 'getsockopt',
  'gettid', 'gettimeofday', 'getuid', 'getxattr', 'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch',
  'io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_setup', 'io_submit', 'ioctl', 'ioprio_get', 'ioprio_set', 'kill',
  'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', 'lgetxattr', 'link', 'linkat', 'listen',
  'listxattr', 'llistxattr', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', 'madvise', 'map_shadow_stack', 'membarrier',
  'memfd_create', 'memfd_secret', 'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2', 'mlockall', 'mmap',
  'modify_ldt', 'mprotect', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedsend', 'mq_unlink', 'mremap',
  'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', 'munlock', 'munlockall', 'munmap', 'name_to_handle_at', 'nanosleep',
  'newfstatat', 'open', 'openat', 'openat2', 'pause', 'pidfd_open', 'pidfd_send_signal', 'pipe', 'pipe2', 'pkey_alloc', 'pkey_free',
  'pkey_mprotect', 'poll', 'ppoll', 'prctl', 'pread64', 'preadv', 'preadv2', 'prlimit64', 'process_mrelease', 'pselect6', 'ptrace',
  'pwrite64', 'pwritev', 'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recvfrom', 'recvmmsg', 'recvmsg',
  'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2', 'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction',
  'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_tgsigqueueinfo',
  'sched_get_priority_max', 'sched_get_priority_min', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_getscheduler',
  'sched_rr_get_interval', 'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp',
  'select', 'semctl', 'semget', 'semop', 'semtimedop', 'sendfile', 'sendmmsg', 'sendmsg', 'sendto', 'set_robust_list',
  'set_thread_area', 'set_tid_address', 'setfsgid', 'setfsuid', 'setgid', 'setgroups', 'setitimer', 'setpgid', 'setpriority',
  'setregid', 'setresgid', 'setresuid', 'setreuid', 'setrlimit', 'setsid', 'setsockopt', 'setuid', 'setxattr', 'shmat', 'shmctl',
  'shmdt', 'shmget', 'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'socketpair', 'splice', 'stat', 'statfs', 'statx',
  'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', 'tee', 'tgkill', 'time', 'timer_create', 'timer_delete',
  'timer_getoverrun', 'timer_gettime', 'timer_settime', 'timerfd_create', 'timerfd_gettime', 'timerfd_settime', 'times', 'tkill',
  'truncate', 'umask', 'uname', 'unlink', 'unlinkat', 'utime', 'utimensat', 'utimes', 'vfork', 'vmsplice', 'wait4', 'waitid',
  'write', 'writev',
];

// Syscalls a capability makes safe to allow (the kernel checks the capability itself as well).
const byCapability: Record<string, string[]> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount', 'mount_setattr',
    'move_mount', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog',
    'umount2', 'unshare',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'clock_settime'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
};

const allow = (names: string[], args?: SeccompArg[]): SeccompSyscall => ({ names, action: 'SCMP_ACT_ALLOW', ...(args ? { args } : {}) });

/** The RuntimeDefault profile for a container whose bounding set is `capabilities`. */
export const runtimeDefaultProfile = (capabilities: readonly string[]): OciSeccomp => {
  const admin = capabilities.includes('CAP_SYS_ADMIN');
  const syscalls: SeccompSyscall[] = [
    allow(allowed),
    // personality: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query 0xffffffff.
    ...[0x0, 0x8, 0x20000, 0x20008, 0xffffffff].map((value) => allow(['personality'], [{ index: 0, value, op: 'SCMP_CMP_EQ' }])),
    // socket: anything but AF_VSOCK (40), which reaches the host's hypervisor sockets.
    allow(['socket'], [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]),
    ...Object.entries(byCapability).filter(([cap]) => capabilities.includes(cap)).map(([, names]) => allow(names)),
  ];
  if (!admin) {
    syscalls.push(allow(['clone'], [{ index: 0, value: cloneNamespaceFlags, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]));
    syscalls.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  }
  return { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: EPERM, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls };
};

interface DockerSyscall extends SeccompSyscall {
  includes?: { caps?: string[]; arches?: string[] };
  excludes?: { caps?: string[]; arches?: string[] };
}

/** Whether a docker-format rule applies to a container with `caps` on x86_64 (containerd's profile loader). */
const applies = (s: DockerSyscall, caps: readonly string[]): boolean => {
  const arch = (a: string[] | undefined) => (a ?? []).some((x) => x === 'amd64' || x === 'x86_64' || x === 'SCMP_ARCH_X86_64');
  if (s.includes?.arches?.length && !arch(s.includes.arches)) return false;
  if (s.includes?.caps?.length && !s.includes.caps.every((c) => caps.includes(c))) return false;
  if (s.excludes?.arches?.length && arch(s.excludes.arches)) return false;
  if (s.excludes?.caps?.length && s.excludes.caps.some((c) => caps.includes(c))) return false;
  return true;
};

/**
 * A profile file (OCI or docker format: defaultAction, syscalls with names/action/args, optional
 * includes/excludes by capability and architecture), for a container with `caps`.
 */
export const parseProfile = (text: string, caps: readonly string[], source: string): OciSeccomp => {
  let raw: { defaultAction?: SeccompAction; defaultErrnoRet?: number; architectures?: string[]; syscalls?: DockerSyscall[] };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch (err) {
    throw invalidArgument(`seccomp profile ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!raw.defaultAction) throw invalidArgument(`seccomp profile ${source}: no defaultAction`);
  const syscalls = (raw.syscalls ?? []).filter((s) => applies(s, caps))
    .map(({ names, action, errnoRet, args }) => ({ names, action, ...(errnoRet !== undefined ? { errnoRet } : {}), ...(args?.length ? { args } : {}) }));
  return {
    defaultAction: raw.defaultAction, ...(raw.defaultErrnoRet !== undefined ? { defaultErrnoRet: raw.defaultErrnoRet } : {}),
    architectures: raw.architectures ?? ['SCMP_ARCH_X86_64'], syscalls,
  };
};

/**
 * Whether this kernel has AppArmor (/sys/module/apparmor/parameters/enabled is "Y"), for the CRI
 * Status info. Berth loads no AppArmor profiles either way: a Localhost one is refused, a
 * RuntimeDefault one is accepted and not applied (containerd's behaviour where AppArmor is off).
 */
export const appArmorStatus = (read: () => string = () => fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8')): string => {
  let enabled = false;
  try {
    enabled = read().trim() === 'Y';
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  return enabled
    ? 'unsupported: the kernel has AppArmor but Berth loads no AppArmor profiles (RuntimeDefault is not applied, Localhost is refused)'
    : 'unsupported: AppArmor is not enabled in this kernel (RuntimeDefault is not applied, Localhost is refused)';
};

export const seccompStatus = 'supported: RuntimeDefault, Localhost and Unconfined; filters compiled by the runtime for the x86_64 ABI (i386 and x32 calls get the default action)';

/** An AppArmor Localhost profile cannot be honoured: refuse it rather than run the container unconfined. */
export const checkAppArmor = (p: SecurityProfile | undefined | null, container: string): void => {
  if (p?.profileType === 'Localhost') throw invalidArgument(`container "${container}": AppArmor profile "${p.localhostRef ?? ''}" requested but AppArmor is not supported by this runtime`);
};

/**
 * The container's profile: none for a nil or Unconfined one, and for privileged containers
 * (containerd applies no seccomp to them); RuntimeDefault; or the Localhost file.
 */
export const containerSeccomp = (p: SecurityProfile | undefined | null, caps: readonly string[], privileged: boolean,
  readFile: (path: string) => string = (f) => fs.readFileSync(f, 'utf8')): OciSeccomp | undefined => {
  if (!p || privileged || p.profileType === 'Unconfined') return undefined;
  if (p.profileType === 'Localhost') {
    const ref = p.localhostRef ?? '';
    if (!ref.startsWith('/')) throw invalidArgument(`seccomp Localhost profile "${ref}" must be an absolute path`);
    let text: string;
    try {
      text = readFile(ref);
    } catch (err) {
      throw invalidArgument(`failed to load seccomp profile "${ref}": ${err instanceof Error ? err.message : String(err)}`);
    }
    return parseProfile(text, caps, ref);
  }
  return runtimeDefaultProfile(caps);
};
