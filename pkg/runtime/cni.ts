// Pod networking through the standard CNI plugins (containernetworking/cni SPEC.md): loopback,
// then bridge with host-local IPAM. The plugins are executables called with CNI_* variables and
// the network configuration on stdin. ipMasq stays false: pod traffic must not leave the machine.
import path from 'node:path';
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
  ipam: {
    type: 'host-local',
    ranges: [[{ subnet: o.podCidr }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: path.join(o.root, 'cni', 'ipam'),
  },
});

export const loopbackConfig = (): object => ({ cniVersion: '1.0.0', name: 'lo', type: 'loopback' });

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

/** Sets up lo and eth0 in the pod's network namespace; returns the pod IP. */
export const cniAdd = async (sys: Syscalls, o: NetworkOptions, sandboxId: string, netns: string): Promise<string> => {
  await invoke(sys, o, 'ADD', sandboxId, netns, 'lo', loopbackConfig());
  return podIPFromResult(await invoke(sys, o, 'ADD', sandboxId, netns, 'eth0', bridgeConfig(o)));
};

/** Releases the pod's address and interfaces. Plugins treat DEL of what is gone as success. */
export const cniDel = async (sys: Syscalls, o: NetworkOptions, sandboxId: string, netns: string): Promise<void> => {
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
