// Which namespaces a sandbox owns, from the CRI NamespaceOption kubelet sends (hostNetwork,
// hostPID, hostIPC are NamespaceMode NODE). As containerd: a host network pod gets neither a
// network nor a UTS namespace (its hostname is the node's) and no CNI; a host IPC pod binds the
// host's /dev/shm; a host PID container gets no PID namespace. Nothing here touches the host's
// namespaces: a NODE mode simply means "no namespace file, nothing to join, nothing to remove".
import os from 'node:os';
import path from 'node:path';
import type { NamespaceOption, PodSandboxConfig } from './cri-types';
import { invalidArgument } from './errors';

export const namespaceOptions = (config: PodSandboxConfig): NamespaceOption => config.linux?.securityContext?.namespaceOptions ?? {};

export const hostNetwork = (config: PodSandboxConfig): boolean => namespaceOptions(config).network === 'NODE';
export const hostIPC = (config: PodSandboxConfig): boolean => namespaceOptions(config).ipc === 'NODE';
export const hostPID = (config: PodSandboxConfig): boolean => namespaceOptions(config).pid === 'NODE';
/** Whether the sandbox shares one PID namespace among its containers (shareProcessNamespace). */
export const sharesPid = (config: PodSandboxConfig): boolean => namespaceOptions(config).pid === 'POD';

/** The namespace files a sandbox pins (bind mounts of /proc/self/ns/*); a host namespace has none. */
export interface SandboxNamespaces { net?: string; uts?: string; ipc?: string; pid?: string }

export const sandboxNamespaces = (config: PodSandboxConfig, sandboxDir: string): SandboxNamespaces => {
  const file = (t: string) => path.join(sandboxDir, 'ns', t);
  return {
    ...(hostNetwork(config) ? {} : { net: file('net'), uts: file('uts') }),
    ...(hostIPC(config) ? {} : { ipc: file('ipc') }),
    ...(sharesPid(config) ? { pid: file('pid') } : {}),
  };
};

/** `berth-shim ns-create` arguments for the namespaces the sandbox owns; undefined when it owns none. */
export const nsCreateArgs = (ns: SandboxNamespaces, hostname: string, sysctls: string[] = []): string[] | undefined => {
  const args = [
    ...(ns.net ? ['--net', ns.net] : []), ...(ns.uts ? ['--uts', ns.uts, '--hostname', hostname] : []), ...(ns.ipc ? ['--ipc', ns.ipc] : []),
  ];
  return args.length > 0 ? [...args, ...sysctls.flatMap((s) => ['--sysctl', s])] : undefined;
};

/** A host network pod's hostname is the node's (containerd: os.Hostname()); otherwise the request's or the pod name. */
export const sandboxHostname = (config: PodSandboxConfig, nodeHostname: () => string = os.hostname): string =>
  hostNetwork(config) ? nodeHostname() : config.hostname || config.metadata.name;

/** kubelet's header for the node's /etc/hosts given to a host network pod (kubelet_pods.go managedHostsHeaderWithHostNetwork). */
export const hostNetworkHostsHeader = '# Kubernetes-managed hosts file (host network).\n';

/** The node's /etc/hosts under kubelet's header, as kubelet writes it for host network pods. */
export const hostNetworkHostsFile = (nodeHosts: string): string => hostNetworkHostsHeader + nodeHosts;

/** The host's /dev/shm, bound into host IPC containers instead of the pod's tmpfs (containerd, IPC mode NODE). */
export const hostShm = '/dev/shm';

// The sysctls a namespace scopes (runc libcontainer/configs/validate sysctl): IPC ones, net.*, and the UTS domain name.
const ipcSysctls = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** Which of the sandbox's namespaces scopes `key` ('/' separators read as '.'), or undefined for a node-wide one. */
export const sysctlNamespace = (key: string): 'ipc' | 'net' | 'uts' | undefined => {
  const k = key.replace(/\//g, '.');
  if (ipcSysctls.has(k) || k.startsWith('fs.mqueue.')) return 'ipc';
  if (k.startsWith('net.')) return 'net';
  if (k === 'kernel.domainname') return 'uts';
  return undefined;
};

/**
 * The pod's sysctls as `KEY=VALUE`, each checked to fall in a namespace the sandbox owns (a
 * host network pod may not set net.*: it would change the node's). The message is runc's.
 */
export const sandboxSysctls = (config: PodSandboxConfig, ns: SandboxNamespaces): string[] =>
  Object.entries(config.linux?.sysctls ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => {
    const scope = sysctlNamespace(key);
    if (!scope) throw invalidArgument(`sysctl "${key}" is not in a separate kernel namespace`);
    if (!ns[scope]) throw invalidArgument(scope === 'net' ? `sysctl "${key}" not allowed in host network namespace` : `sysctl "${key}" is not allowed in the hosts ${scope} namespace`);
    if (/[\n\0]/.test(value) || key.includes('..')) throw invalidArgument(`sysctl "${key}": invalid value`);
    return `${key}=${value}`;
  });
