// Registers this machine's Node and keeps its status fresh (upstream kubelet_node_status.go).
// The status is computed every 10 s (nodeStatusUpdateFrequency) but written only when it
// changed — conditions compared without their heartbeat times — or when 5 minutes have passed
// since the last write (nodeStatusReportFrequency). Liveness is the node Lease, renewed every
// 10 s beside it (./node-lease.ts). Without a Lease client the status is written every 10 s.
import fs from 'node:fs';
import os from 'node:os';
import type { Node, NodeCondition } from '../../api/core/v1';
import type { ApiLease } from '../../api/coordination/v1';
import { siblingResource, type ResourceClient } from '../client';
import type { Logger } from '../log';
import { isConflict, isNotFound, isAlreadyExists } from '../apimachinery/errors';
import { delay, type Clock } from './clock';
import type { RuntimeService } from './runtime-client';
import { rfc3339 } from './status';
import { leasesInfo, runNodeLeaseLoop } from './node-lease';

import type { ApiNode } from '../../api/core/v1';
export type { ApiNode };

export const kubeletVersion = 'v1.33.0-berth';
export const heartbeatMs = 10_000;
/** kubelet nodeStatusReportFrequency: an unchanged status is still written this often. */
export const nodeStatusReportFrequencyMs = 5 * 60_000;

export interface NodeSystemInfo {
  machineID: string; systemUUID: string; bootID: string; kernelVersion: string; osImage: string;
  operatingSystem: string; architecture: string; cpus: number; memoryBytes: number; ephemeralStorageBytes?: number;
}

const readFirst = (paths: string[]): string => {
  for (const p of paths) {
    try { return fs.readFileSync(p, 'utf8').trim(); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err; }
  }
  return '';
};

const osImage = (): string => {
  const text = readFirst(['/etc/os-release', '/usr/lib/os-release']);
  const m = /^PRETTY_NAME=("?)(.*)\1$/m.exec(text);
  return m ? m[2] : 'Linux';
};

const goArch = (arch: string): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' })[arch] ?? arch;

/** Facts about this machine, read once at start. */
export const readNodeSystemInfo = (): NodeSystemInfo => {
  const machineID = readFirst(['/etc/machine-id', '/var/lib/dbus/machine-id']);
  let ephemeralStorageBytes: number | undefined;
  try {
    const s = fs.statfsSync('/');
    ephemeralStorageBytes = s.blocks * s.bsize;
  } catch (err) {
    ephemeralStorageBytes = undefined;   // not fatal: the node just reports no ephemeral-storage
    if (!(err instanceof Error)) throw err;
  }
  return {
    machineID,
    systemUUID: readFirst(['/sys/class/dmi/id/product_uuid']).toLowerCase() || machineID,
    bootID: readFirst(['/proc/sys/kernel/random/boot_id']),
    kernelVersion: os.release(),
    osImage: osImage(),
    operatingSystem: 'linux',
    architecture: goArch(process.arch),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralStorageBytes,
  };
};

export interface NodeOptions { nodeName: string; nodeIP: string; port: number }

export interface NodeState { runtimeVersion: string; runtimeError?: string }

const nodeCondition = (old: NodeCondition[] | undefined, type: string, ok: boolean, reason: string, message: string, now: number): NodeCondition => {
  const status = ok ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  return {
    type, status, lastHeartbeatTime: rfc3339(now),
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime ?? rfc3339(now) : rfc3339(now),
    reason, message,
  };
};

/** The status this agent reports; `old` keeps condition transition times. */
export const nodeStatus = (o: NodeOptions, info: NodeSystemInfo, st: NodeState, now: number, old?: Node['status']): NonNullable<Node['status']> => {
  const capacity: Record<string, string> = { cpu: String(info.cpus), memory: `${Math.floor(info.memoryBytes / 1024)}Ki`, pods: '110' };
  if (info.ephemeralStorageBytes) capacity['ephemeral-storage'] = `${Math.floor(info.ephemeralStorageBytes / 1024)}Ki`;
  const c = old?.conditions;
  const ready = st.runtimeError === undefined;
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: [
      nodeCondition(c, 'MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', now),
      nodeCondition(c, 'DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', now),
      nodeCondition(c, 'PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', now),
      ready
        ? nodeCondition(c, 'Ready', true, 'KubeletReady', 'agent is posting ready status', now)
        : nodeCondition(c, 'Ready', false, 'KubeletNotReady', `container runtime is down: ${st.runtimeError}`, now),
    ],
    addresses: [{ type: 'InternalIP', address: o.nodeIP }, { type: 'Hostname', address: o.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: o.port } },
    nodeInfo: {
      machineID: info.machineID, systemUUID: info.systemUUID, bootID: info.bootID, kernelVersion: info.kernelVersion,
      osImage: info.osImage, containerRuntimeVersion: `berth://${st.runtimeVersion}`, kubeletVersion,
      kubeProxyVersion: '', operatingSystem: info.operatingSystem, architecture: info.architecture,
    },
  };
};

export const initialNode = (o: NodeOptions, info: NodeSystemInfo, st: NodeState, now: number): ApiNode => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: o.nodeName,
    labels: {
      'kubernetes.io/hostname': o.nodeName, 'kubernetes.io/os': info.operatingSystem, 'kubernetes.io/arch': info.architecture,
      'beta.kubernetes.io/os': info.operatingSystem, 'beta.kubernetes.io/arch': info.architecture,
    },
  },
  spec: {},
  status: nodeStatus(o, info, st, now),
});

/** Asks the runtime whether it is up (Status answers and RuntimeReady is not false). */
export const probeRuntime = async (runtime: RuntimeService, prev: NodeState): Promise<NodeState> => {
  try {
    const conditions = await runtime.status();
    const notReady = conditions.find((c) => c.type === 'RuntimeReady' && !c.status);
    const runtimeVersion = prev.runtimeVersion !== 'unknown' ? prev.runtimeVersion : (await runtime.version()).runtimeVersion || 'unknown';
    return { runtimeVersion, runtimeError: notReady ? notReady.message || notReady.reason || 'RuntimeReady=false' : undefined };
  } catch (err) {
    return { runtimeVersion: prev.runtimeVersion, runtimeError: err instanceof Error ? err.message : String(err) };
  }
};

export interface NodeDeps {
  nodes: ResourceClient<ApiNode>; runtime: RuntimeService; clock: Clock; log: Logger; info: NodeSystemInfo;
  /** kube-node-lease Leases; default: the nodes client's connection (siblingResource). */
  leases?: ResourceClient<ApiLease>;
}

/** JSON with sorted keys, so that two equal statuses compare equal whatever the key order. */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x);

/** kubelet nodeStatusHasChanged: any field we report differs, heartbeat times aside. */
export const nodeStatusChanged = (old: Node['status'] | undefined, next: NonNullable<Node['status']>): boolean => {
  const strip = (s: Node['status'] | undefined) => ({ ...s, conditions: s?.conditions?.map(({ lastHeartbeatTime: _h, ...c }) => c) });
  const [a, b] = [strip(old) as Record<string, unknown>, strip(next) as Record<string, unknown>];
  return Object.keys(b).some((k) => canonical(a[k]) !== canonical(b[k]));
};

export interface NodeStatusReport { node: ApiNode; reported: boolean }

/**
 * Creates the Node if missing; writes its status if it changed or the last write is
 * `reportEveryMs` old (re-reading on conflict). `lastReportAt` -Infinity always writes.
 */
export const reportNodeStatus = async (o: NodeOptions, d: NodeDeps, st: NodeState, lastReportAt: number, reportEveryMs = nodeStatusReportFrequencyMs): Promise<NodeStatusReport> => {
  for (let attempt = 0; ; attempt++) {
    let cur: ApiNode;
    try {
      cur = await d.nodes.get('', o.nodeName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        cur = await d.nodes.create('', initialNode(o, d.info, st, d.clock.now()));
        d.log.info('registered node', { node: o.nodeName });
      } catch (createErr) {
        if (!isAlreadyExists(createErr)) throw createErr;
        continue;
      }
    }
    const status = nodeStatus(o, d.info, st, d.clock.now(), cur.status);
    if (!nodeStatusChanged(cur.status, status) && d.clock.now() - lastReportAt < reportEveryMs) return { node: cur, reported: false };
    try {
      return { node: await d.nodes.updateStatus('', { ...cur, status }), reported: true };
    } catch (err) {
      if (!isConflict(err) || attempt >= 5) throw err;
    }
  }
};

/** Creates the Node if missing, otherwise writes its status (re-reading on conflict). */
export const syncNodeStatus = async (o: NodeOptions, d: NodeDeps, st: NodeState): Promise<ApiNode> =>
  (await reportNodeStatus(o, d, st, -Infinity)).node;

/**
 * Registers, then checks the status every 10 s until `signal` aborts, writing it on change or
 * every 5 minutes; the node Lease loop starts once the Node exists (its uid owns the Lease).
 */
export const runNodeStatusLoop = async (o: NodeOptions, d: NodeDeps, signal: AbortSignal, onState?: (st: NodeState) => void): Promise<void> => {
  let st: NodeState = { runtimeVersion: 'unknown' };
  const leases = d.leases ?? siblingResource<ApiLease>(d.nodes, leasesInfo());
  if (!leases) d.log.warn('no node lease client: reporting node status every 10s instead');
  const reportEveryMs = leases ? nodeStatusReportFrequencyMs : 0;
  let lastReportAt = -Infinity;
  let nodeUID: string | undefined;
  let leaseLoop: Promise<void> | undefined;
  while (!signal.aborted) {
    const next = await probeRuntime(d.runtime, st);
    if ((next.runtimeError === undefined) !== (st.runtimeError === undefined) || !st.runtimeVersion) {
      d.log.info('runtime state', { ready: next.runtimeError === undefined, error: next.runtimeError });
    }
    st = next;
    onState?.(st);
    try {
      const r = await reportNodeStatus(o, d, st, lastReportAt, reportEveryMs);
      if (r.reported) lastReportAt = d.clock.now();
      nodeUID = r.node.metadata.uid;
      if (leases && !leaseLoop) leaseLoop = runNodeLeaseLoop(o.nodeName, { leases, clock: d.clock, log: d.log }, signal, () => nodeUID);
    } catch (err) {
      d.log.warn('failed to update node status', { node: o.nodeName, err });
    }
    await delay(d.clock, heartbeatMs, signal);
  }
  await leaseLoop;
};
