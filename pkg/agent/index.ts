// The node agent (kubelet): registers the Node, runs the pods bound to it through the runtime,
// and serves their logs. Stopping the agent stops its loops and servers, never the pods: a
// restarted agent finds them in the runtime and carries on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findResource } from '../../api/resources';
import { createClient, createEventRecorder, createInformer, loadKubeconfig } from '../client';
import type { Logger } from '../log';
import { newRegistry, serveHealth } from '../observability';
import { realClock } from './clock';
import { instrumentRuntime, newAgentMetrics } from './metrics';
import { readNodeSystemInfo, runNodeStatusLoop, type ApiNode, type NodeState } from './node';
import { PodManager } from './pod-manager';
import type { ApiPod } from './pod-util';
import type { ApiConfigMap, ApiSecret, ApiService, ApiServiceAccount } from '../../api/core/v1';
import { TokenManager } from './token-manager';
import { VolumeManager } from './volumes';
import { ContainerLogManager, defaultLogRotationPolicy } from './log-rotation';
import { createGrpcRuntimeService } from './runtime-grpc';
import { readAgentTLS, serveAgentAPI } from './server';
import { createGrpcStreamingRuntime } from './streaming-runtime';
import { newStatsProvider } from './stats-http';
import { readNodeUsage } from './stats-node';
import { createGrpcStatsRuntime } from './stats-runtime';

export interface AgentOptions {
  kubeconfig: string;
  nodeName?: string;
  nodeIP?: string;
  runtimeSocket: string;
  port: number;
  healthPort: number;
  pkiDir: string;
  podLogDir: string;
  /** Pod directories (volumes, /etc/hosts) live in <rootDir>/pods. Default: <podLogDir>/../../agent ($BERTH_HOME/agent). */
  rootDir?: string;
  /** kubelet --cluster-dns: none → ClusterFirst pods get the host's resolver. */
  clusterDNS?: string[];
  /** kubelet --cluster-domain (default cluster.local). */
  clusterDomain?: string;
  /** kubelet --resolv-conf (default /etc/resolv.conf; '' for none). */
  resolvConf?: string;
  /** kubelet containerLogMaxSize in bytes (default 10Mi) and containerLogMaxFiles (default 5). */
  containerLogMaxSize?: number;
  containerLogMaxFiles?: number;
}

/** $BERTH_HOME/agent for the default layout ($BERTH_HOME/logs/pods). */
export const defaultAgentRoot = (podLogDir: string): string => path.resolve(podLogDir, '..', '..', 'agent');

const readResolvConf = (file: string, log: Logger): string => {
  if (!file) return '';
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    log.warn('cannot read resolv.conf: pods with dnsPolicy Default get no nameservers', { file, err });
    return '';
  }
};

const mustFind = (plural: string) => {
  const info = findResource('', 'v1', plural);
  if (!info) throw new Error(`resource ${plural} is not in api/resources.ts`);
  return info;
};

export const defaultNodeName = (): string => os.hostname().toLowerCase();

export const runAgent = async (opts: AgentOptions, log: Logger, signal: AbortSignal): Promise<void> => {
  const nodeName = (opts.nodeName || defaultNodeName()).toLowerCase();
  const nodeIP = opts.nodeIP || '127.0.0.1';
  fs.mkdirSync(opts.podLogDir, { recursive: true });
  const client = createClient(loadKubeconfig({ path: opts.kubeconfig }));
  const registry = newRegistry('agent');
  const metrics = newAgentMetrics(registry);
  const grpcRuntime = createGrpcRuntimeService(opts.runtimeSocket);
  const runtime = instrumentRuntime(grpcRuntime, metrics);
  const streaming = createGrpcStreamingRuntime(opts.runtimeSocket);
  const statsRuntime = createGrpcStatsRuntime(opts.runtimeSocket);
  const info = readNodeSystemInfo();
  const pods = client.resource<ApiPod>(mustFind('pods'));
  const nodes = client.resource<ApiNode>(mustFind('nodes'));
  const agentRoot = opts.rootDir ?? defaultAgentRoot(opts.podLogDir);
  const volumes = new VolumeManager({
    podsDir: path.join(agentRoot, 'pods'), log: log.child('volumes'),
    configMaps: client.resource<ApiConfigMap>(mustFind('configmaps')), secrets: client.resource<ApiSecret>(mustFind('secrets')),
    tokens: new TokenManager({ serviceAccounts: client.resource<ApiServiceAccount>(mustFind('serviceaccounts')), clock: realClock, log: log.child('tokens') }),
  });
  const dns = {
    clusterDNS: opts.clusterDNS ?? [], clusterDomain: opts.clusterDomain || 'cluster.local',
    hostResolvConf: readResolvConf(opts.resolvConf ?? '/etc/resolv.conf', log),
  };
  const informer = createInformer(pods, { fieldSelector: `spec.nodeName=${nodeName}`, log });
  // Container environments: ConfigMaps, Secrets, and the Services of every namespace (kubelet's service lister).
  const envSources = {
    configMaps: client.resource<ApiConfigMap>(mustFind('configmaps')), secrets: client.resource<ApiSecret>(mustFind('secrets')),
    services: createInformer(client.resource<ApiService>(mustFind('services')), { log }),
  };
  const recorder = createEventRecorder(client, 'kubelet', log, { host: nodeName });
  const manager = new PodManager({
    runtime, pods, informer, clock: realClock, log: log.child('pods'), recorder,
    nodeName, nodeIP, podLogDir: opts.podLogDir, memoryCapacity: info.memoryBytes, activePollMs: 1000, resyncMs: 10_000,
    allocatable: { milliCPU: info.cpus * 1000, memory: info.memoryBytes, pods: 110, ephemeralStorage: info.ephemeralStorageBytes }, metrics, volumes, dns, envSources,
    seccompProfileRoot: path.join(agentRoot, 'seccomp'), exec: streaming,
  });
  informer.addEventHandler(manager.handler);

  let nodeState: NodeState = { runtimeVersion: 'unknown', runtimeError: 'not checked yet' };
  const healthCheck = () => (nodeState.runtimeError ? `runtime not ready: ${nodeState.runtimeError}` : undefined);
  await serveHealth({ port: opts.healthPort, registry, check: healthCheck, log }, signal);
  const getPod = (namespace: string, name: string) => informer.get(`${namespace}/${name}`);
  const stats = newStatsProvider({ runtime, stats: statsRuntime, readNode: () => readNodeUsage(), now: () => Date.now() * 1e6, nodeName, getPod });
  const api = await serveAgentAPI({
    runtime, streaming, stats, podLogDir: opts.podLogDir, log: log.child('server'), healthCheck, getPod,
  }, { port: opts.port, tls: readAgentTLS(opts.pkiDir) }, signal);
  log.info('agent started', { node: nodeName, nodeIP, port: api.port, runtime: opts.runtimeSocket });

  const logRotation = new ContainerLogManager({
    runtime, clock: realClock, log: log.child('logs'),
    policy: { maxSize: opts.containerLogMaxSize ?? defaultLogRotationPolicy.maxSize, maxFiles: Math.max(2, opts.containerLogMaxFiles ?? defaultLogRotationPolicy.maxFiles) },
  });
  const nodeOpts = { nodeName, nodeIP, port: api.port };
  const named = (what: string, p: Promise<void>) => p.then(() => log.v(1, 'loop ended', { what }));
  await Promise.all([
    named('node', runNodeStatusLoop(nodeOpts, { nodes, runtime, clock: realClock, log: log.child('node'), info }, signal, (st) => { nodeState = st; })),
    named('informer', informer.run(signal)),
    named('services informer', envSources.services.run(signal)),
    named('pods', manager.run(signal)),
    named('log rotation', logRotation.run(signal)),
    named('server', api.closed),
  ]);
  await recorder.flush().catch((err: unknown) => log.warn('failed to flush events', { err }));
  grpcRuntime.close();
  streaming.close();
  statsRuntime.close();
  log.info('agent stopped', { node: nodeName });
};

export { createGrpcRuntimeService } from './runtime-grpc';
export type { RuntimeService } from './runtime-client';
export { parseCRILine, LogFormatter } from './cri-log';
