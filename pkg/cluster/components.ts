// What `berth server` starts, in order, and how it knows each one is up. Every component but
// etcd is this same program with a subcommand, so one build serves the whole node.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { type ClusterConfig, paths } from './config';
import { defaultServiceCIDR } from '../apiserver/allocators/ranges';
import { componentEnv } from './process-env';

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  /** The process environment (the supervisor's own when absent). */
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the component answers. */
  ready(): Promise<boolean>;
}

const httpOk = (url: string, pkiDir?: string): Promise<boolean> => new Promise((resolve) => {
  const opts = pkiDir ? { ca: fs.readFileSync(path.join(pkiDir, 'ca.crt')), timeout: 1000 } : { timeout: 1000 };
  const req = (url.startsWith('https') ? https : http).get(url, opts, (res) => {
    res.resume();
    resolve(res.statusCode === 200);
  });
  req.on('error', () => resolve(false));
  req.on('timeout', () => { req.destroy(); resolve(false); });
});

/** Path of the compiled `berth` entry point that the supervisor re-executes. */
export const berthMain = (): string => path.resolve(__dirname, '..', '..', 'cmd', 'berth', 'main.js');

/** The service CIDR the apiserver allocates from and the proxy routes (the default for older configs). */
export const serviceCidrOf = (cfg: ClusterConfig): string => cfg.serviceCidr ?? defaultServiceCIDR;

/** A config saved before the proxy existed has no port for it: the scheduler's minus 3, as the defaults. */
export const proxyPort = (cfg: ClusterConfig): number => cfg.ports.proxy ?? cfg.ports.scheduler - 3;

/**
 * Where pods reach the apiserver: the node's IP, or on a node whose IP is loopback (a one-machine
 * cluster), the pod network's gateway, the address of the node's side of the pod bridge.
 */
export const advertiseAddressOf = (cfg: ClusterConfig): string => (cfg.nodeIP.startsWith('127.') ? podGateway(cfg.podCidr) : cfg.nodeIP);

/** The first address of the pod CIDR, which the CNI bridge plugin gives the bridge (host-local's default gateway). */
export const podGateway = (cidr: string): string => {
  const [ip] = cidr.split('/');
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
};

export const componentSpecs = (cfg: ClusterConfig): ComponentSpec[] => {
  const p = paths(cfg.home);
  const { ports } = cfg;
  const node = (sub: string, args: string[]) => ({
    command: process.execPath, args: [berthMain(), sub, ...args, `--v=${cfg.verbosity}`], env: componentEnv(),
  });
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  return [
    {
      name: 'etcd', command: '/usr/bin/etcd',
      args: [
        '--name', 'berth', '--data-dir', p.etcd,
        '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`,
        '--initial-cluster', `berth=http://127.0.0.1:${ports.etcdPeer}`,
        '--quota-backend-bytes', String(2 * 1024 ** 3), '--log-level', 'warn',
      ],
      ready: () => httpOk(`${etcdUrl}/health`),
    },
    {
      name: 'apiserver',
      // Listening on every address: pods reach it at the advertised one, through the kubernetes Service.
      ...node('apiserver', ['--etcd-servers', etcdUrl, '--bind', '0.0.0.0', '--advertise-address', advertiseAddressOf(cfg),
        '--port', String(ports.apiserver), '--pki-dir', p.pki, '--service-cluster-ip-range', serviceCidrOf(cfg)]),
      ready: () => httpOk(`https://127.0.0.1:${ports.apiserver}/readyz`, p.pki),
    },
    {
      name: 'runtime',
      ...node('runtime', ['--root', p.runtime, '--socket', p.socket, '--health-port', String(ports.runtimeHealth),
        '--cgroup-parent', cfg.cgroupParent, '--bridge', cfg.bridge, '--pod-cidr', cfg.podCidr, '--network-name', cfg.networkName,
        ...Object.entries(cfg.registryMirrors ?? {}).flatMap(([domain, urls]) => urls.flatMap((u) => ['--registry-mirror', `${domain}=${u}`])),
        ...(cfg.insecureRegistries ?? []).flatMap((h) => ['--insecure-registry', h]),
        ...(cfg.pullFromOrigin ? ['--pull-from-origin'] : [])]),
      ready: () => httpOk(`http://127.0.0.1:${ports.runtimeHealth}/healthz`),
    },
    {
      name: 'agent',
      ...node('agent', ['--kubeconfig', p.kubeconfig, '--node-name', cfg.nodeName, '--node-ip', cfg.nodeIP,
        '--runtime-socket', p.socket, '--port', String(ports.agent), '--health-port', String(ports.agentHealth),
        '--pki-dir', p.pki, '--pod-log-dir', p.podLogs]),
      ready: () => httpOk(`http://127.0.0.1:${ports.agentHealth}/healthz`),
    },
    {
      name: 'scheduler',
      ...node('scheduler', ['--kubeconfig', p.kubeconfig, '--health-port', String(ports.scheduler)]),
      ready: () => httpOk(`http://127.0.0.1:${ports.scheduler}/healthz`),
    },
    {
      name: 'proxy',
      ...node('proxy', ['--kubeconfig', p.kubeconfig, '--health-port', String(proxyPort(cfg)), '--bridge', cfg.bridge, '--cluster-cidr', cfg.podCidr,
        '--service-cluster-ip-range', serviceCidrOf(cfg)]),
      ready: () => httpOk(`http://127.0.0.1:${proxyPort(cfg)}/healthz`),
    },
    {
      name: 'controller-manager',
      ...node('controller-manager', ['--kubeconfig', p.kubeconfig, '--health-port', String(ports.controllerManager),
        '--cluster-signing-cert-file', path.join(p.pki, 'ca.crt'), '--cluster-signing-key-file', path.join(p.pki, 'ca.key')]),
      ready: () => httpOk(`http://127.0.0.1:${ports.controllerManager}/healthz`),
    },
  ];
};
