// The settings of one cluster on this machine. `berth up` writes them to $BERTH_HOME/config.json
// on first start, so `berth down`, a restart and every component agree on them. A test cluster
// gets its own home, ports, bridge, pod CIDR and cgroup parent, so it never collides with the
// cluster started by ./hack/up.sh.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  agent: number;
  agentHealth: number;
  runtimeHealth: number;
  scheduler: number;
  controllerManager: number;
  /** Service proxy /healthz and /metrics (kube-proxy's healthz port); absent in configs saved before it existed. */
  proxy?: number;
}

export interface ClusterConfig {
  home: string;
  nodeName: string;
  nodeIP: string;
  ports: Ports;
  /** Linux bridge the CNI plugin attaches pods to (≤ 15 characters). */
  bridge: string;
  podCidr: string;
  /** Service cluster IPs (kube-apiserver's --service-cluster-ip-range); absent in older configs: 10.96.0.0/16. */
  serviceCidr?: string;
  networkName: string;
  cgroupParent: string;
  verbosity: number;
  /** Registry mirrors per domain (`{ "docker.io": ["http://127.0.0.1:5000"] }`), asked before the origin. */
  registryMirrors?: Record<string, string[]>;
  insecureRegistries?: string[];
  /** Pull from non-loopback origin registries; off by default, so a lab never reaches out unasked. */
  pullFromOrigin?: boolean;
}

export const defaultPorts: Ports = {
  etcdClient: 2379, etcdPeer: 2380, apiserver: 6443, agent: 10250, agentHealth: 10248,
  runtimeHealth: 10249, scheduler: 10259, controllerManager: 10257, proxy: 10256,
};

/** Ports shifted by `offset`, so a second cluster on the machine uses its own. */
export const portsWithOffset = (offset: number): Ports =>
  Object.fromEntries(Object.entries(defaultPorts).map(([k, v]) => [k, v + offset])) as unknown as Ports;

export const defaultHome = (): string => process.env.BERTH_HOME || path.join(os.homedir(), '.berth');

export const defaultConfig = (home: string): ClusterConfig => ({
  home,
  nodeName: os.hostname().toLowerCase(),
  nodeIP: '127.0.0.1',
  ports: defaultPorts,
  bridge: 'berth0',
  podCidr: '10.244.0.0/24',
  networkName: 'berth',
  cgroupParent: 'berth',
  verbosity: 0,
});

export const paths = (home: string) => ({
  config: path.join(home, 'config.json'),
  kubeconfig: path.join(home, 'kubeconfig'),
  pki: path.join(home, 'pki'),
  logs: path.join(home, 'logs'),
  podLogs: path.join(home, 'logs', 'pods'),
  etcd: path.join(home, 'etcd'),
  runtime: path.join(home, 'runtime'),
  run: path.join(home, 'run'),
  socket: path.join(home, 'run', 'runtime.sock'),
  serverPid: path.join(home, 'run', 'server.pid'),
  images: path.join(home, 'images'),
});

/** Reads the saved config, or builds one from defaults and `overrides` (and saves it). */
export const loadOrCreateConfig = (home: string, overrides: Partial<ClusterConfig> = {}): ClusterConfig => {
  const file = paths(home).config;
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterConfig;
    return { ...saved, ...overrides, home };
  }
  const cfg = { ...defaultConfig(home), ...overrides, home };
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2) + '\n');
  return cfg;
};

export const readConfig = (home: string): ClusterConfig | undefined => {
  const file = paths(home).config;
  return fs.existsSync(file) ? { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterConfig), home } : undefined;
};
