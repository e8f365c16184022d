// Pod networking through the standard CNI plugins (containernetworking/cni SPEC.md): loopback,
// then bridge with host-local IPAM, chained with portmap when the pod asks for hostPorts (as
// containerd's conflist: bridge, then portmap with the portMappings capability). The plugins are
// executables called with CNI_* variables and the network configuration on stdin. ipMasq stays
// false: pod traffic must not leave the machine.
import path from 'node:path';
import type { PortMapping } from './cri-types';
import type { Syscalls } from './syscalls';

export interface NetworkOptions {
  /** Runtime state dir; host-local keeps its allocations under <root>/cni/ipam. */
  root: string;
  bridge: string;
  podCidr: string;
  networkName: string;
  cniBinDir?: string;
}

export const defaultCniBinDir = '/usr/lib/cni';

export const bridgeConfig = (o: NetworkOptions): object => ({
  cniVersion: '1.0.0',
  name: o.networkName,
  type: 'bridge',
  bridge: o.bridge,
  isGateway: true,
  ipMasq: false,
  // A pod reaching itself through its Service: with br_netfilter the DNATed frame goes back out
  // the port it came in on, which the bridge only allows on hairpin ports (kube-proxy's hairpin).
  hairpinMode: true,
  ipam: {
    type: 'host-local',
    ranges: [[{ subnet: o.podCidr }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: path.join(o.root, 'cni', 'ipam'),
  },
});

export const loopbackConfig = (): object => ({ cniVersion: '1.0.0', name: 'lo', type: 'loopback' });

/** A CNI portmap entry (the plugin's runtimeConfig.portMappings element). */
export interface CniPortMapping { hostPort: number; containerPort: number; protocol: string; hostIP?: string }

/** The CRI port mappings with a host port, as the portmap plugin wants them (containerd toCNIPortMappings). */
export const cniPortMappings = (mappings: PortMapping[] = []): CniPortMapping[] =>
  mappings.filter((m) => (m.hostPort ?? 0) > 0).map((m) => ({
    hostPort: m.hostPort ?? 0, containerPort: m.containerPort, protocol: (m.protocol ?? 'TCP').toLowerCase(),
    ...(m.hostIp ? { hostIP: m.hostIp } : {}),
  }));

/**
 * portmap chained after bridge: DNAT of the node's addresses (and, with snat, of 127.0.0.1 through
 * route_localnet and a masquerade mark) to the pod, in CNI-HOSTPORT-* chains of the nat table.
 */
export const portmapConfig = (o: NetworkOptions, mappings: CniPortMapping[], prevResult?: unknown): object => ({
  cniVersion: '1.0.0', name: o.networkName, type: 'portmap', capabilities: { portMappings: true }, snat: true,
  runtimeConfig: { portMappings: mappings }, ...(prevResult !== undefined ? { prevResult } : {}),
});

type CniCommand = 'ADD' | 'DEL';

const invoke = async (sys: Syscalls, o: NetworkOptions, command: CniCommand, containerId: string, netns: string, ifname: string, conf: object & { type?: unknown }): Promise<string> => {
  const bin = o.cniBinDir ?? defaultCniBinDir;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: netns,
    CNI_IFNAME: ifname, CNI_PATH: bin,
  };
  const { stdout } = await sys.exec(path.join(bin, String(conf.type)), [], { input: JSON.stringify(conf), env });
  return stdout;
};

/** The pod IP (without prefix length) from a CNI 1.0 result: the first IPv4 address. */
export const podIPFromResult = (stdout: string): string => {
  const result: unknown = JSON.parse(stdout);
  const ips = typeof result === 'object' && result !== null && 'ips' in result && Array.isArray(result.ips) ? result.ips : [];
  for (const ip of ips as unknown[]) {
    const address = typeof ip === 'object' && ip !== null && 'address' in ip ? String(ip.address) : '';
    if (/^\d+\.\d+\.\d+\.\d+\//.test(address)) return address.split('/')[0];
  }
  throw new Error(`CNI result has no IPv4 address: ${stdout.trim()}`);
};

/** What ADD made: the pod IP and the bridge's result (kept for DEL, as libcni caches it). */
export interface CniAttachment { ip: string; result: unknown }

/** Sets up lo and eth0 in the pod's network namespace, then the host ports; returns the pod IP. */
export const cniAdd = async (sys: Syscalls, o: NetworkOptions, sandboxId: string, netns: string, ports: PortMapping[] = []): Promise<CniAttachment> => {
  await invoke(sys, o, 'ADD', sandboxId, netns, 'lo', loopbackConfig());
  const stdout = await invoke(sys, o, 'ADD', sandboxId, netns, 'eth0', bridgeConfig(o));
  const ip = podIPFromResult(stdout);
  const result: unknown = JSON.parse(stdout);
  const mappings = cniPortMappings(ports);
  if (mappings.length > 0) await invoke(sys, o, 'ADD', sandboxId, netns, 'eth0', portmapConfig(o, mappings, result));
  return { ip, result };
};

/**
 * Releases the pod's host ports, address and interfaces, in the reverse order of ADD. Plugins
 * treat DEL of what is gone as success.
 */
export const cniDel = async (sys: Syscalls, o: NetworkOptions, sandboxId: string, netns: string, ports: PortMapping[] = [], prevResult?: unknown): Promise<void> => {
  const mappings = cniPortMappings(ports);
  if (mappings.length > 0) await invoke(sys, o, 'DEL', sandboxId, netns, 'eth0', portmapConfig(o, mappings, prevResult));
  await invoke(sys, o, 'DEL', sandboxId, netns, 'eth0', bridgeConfig(o));
  await invoke(sys, o, 'DEL', sandboxId, netns, 'lo', loopbackConfig());
};

/** The /16 covering a pod CIDR: a blackhole route there drops pod traffic that has no better route. */
export const coveringSlash16 = (cidr: string): string => {
  const [a, b] = cidr.split('/')[0].split('.');
  return `${a}.${b}.0.0/16`;
};

/** `ip route replace blackhole <cidr>` unless it is already there. */
export const ensureBlackholeRoute = async (sys: Syscalls, podCidr: string): Promise<string> => {
  const dst = coveringSlash16(podCidr);
  const { stdout } = await sys.exec('ip', ['route', 'show', 'type', 'blackhole', dst]);
  if (stdout.trim() === '') await sys.exec('ip', ['route', 'replace', 'blackhole', dst]);
  return dst;
};
