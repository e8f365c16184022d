// Builds the CRI configs for a pod's sandbox and containers (upstream kuberuntime_sandbox.go,
// kuberuntime_container.go, kubelet_pods.go makeEnvironmentVariables).
import type { Pod, Container } from '../../api/core/v1';
import {
  annotationRestartCount, annotationTerminationGracePeriod, labelContainerName, labelPodName, labelPodNamespace, labelPodUID,
  type ContainerConfig, type KeyValue, type LinuxContainerResources, type Mount,
} from './runtime-client';
import { containerRequests, containersOf, podIdentity, podQOSClass } from './pod-util';
import { bytes, cpuMilli } from './quantity';
import { containerSecurityContext } from './security-context';
import { containerEnv, expand, type EnvContext } from './container-env';

// Kept here for the callers that import them from this file.
export { ContainerConfigError } from './container-config-error';
export { containerEnv, expand, type EnvContext } from './container-env';

export const podLabels = (pod: Pod): Record<string, string> => {
  const id = podIdentity(pod);
  return { [labelPodName]: id.name, [labelPodNamespace]: id.namespace, [labelPodUID]: id.uid };
};

// Moved to sandbox-config.ts; kept here for the callers that import it from this file.
export { sandboxConfig } from './sandbox-config';

/** The pod's cgroup under its QoS class, cgroupfs style (kubelet cm/pod_container_manager_linux.go GetPodContainerName). */
export const podCgroupName = (pod: Pod): string => {
  const qos = podQOSClass(pod);
  const uid = podIdentity(pod).uid;
  return qos === 'Guaranteed' ? `/kubepods/pod${uid}` : `/kubepods/${qos.toLowerCase()}/pod${uid}`;
};

// cgroup v1 cpu.shares bounds and the CFS period, as upstream's cm/helpers_linux.go.
const minShares = 2;
const maxShares = 262144;
const quotaPeriod = 100000;
const minQuota = 1000;

const milliToShares = (milli: number) => Math.min(maxShares, Math.max(minShares, Math.floor((milli * 1024) / 1000)));
const milliToQuota = (milli: number) => Math.max(minQuota, Math.floor((milli * quotaPeriod) / 1000));

/**
 * The pod cgroup's limits (kubelet cm/helpers_linux.go ResourceConfigForPod): shares from the summed
 * requests; quota and memory from the summed limits, only when every container declares them;
 * BestEffort gets the minimum shares. The pod request is the larger of the app containers' sum
 * and the largest init container (init containers run one at a time).
 */
export const podResources = (pod: Pod): LinuxContainerResources => {
  const qos = podQOSClass(pod);
  if (qos === 'BestEffort') return { cpuShares: minShares };
  const apps = containersOf(pod);
  const inits = pod.spec?.initContainers ?? [];
  const sum = (cs: Container[], f: (c: Container) => number) => cs.reduce((n, c) => n + f(c), 0);
  const max = (cs: Container[], f: (c: Container) => number) => cs.reduce((n, c) => Math.max(n, f(c)), 0);
  const request = (c: Container) => containerRequests(c).cpuMilli;
  const cpuLimit = (c: Container) => cpuMilli(c.resources?.limits?.cpu);
  const memLimit = (c: Container) => bytes(c.resources?.limits?.memory);
  const all = [...inits, ...apps];
  const res: LinuxContainerResources = { cpuShares: milliToShares(Math.max(sum(apps, request), max(inits, request))) };
  if (all.every((c) => c.resources?.limits?.cpu !== undefined)) {
    res.cpuPeriod = quotaPeriod;
    res.cpuQuota = milliToQuota(Math.max(sum(apps, cpuLimit), max(inits, cpuLimit)));
  }
  if (all.every((c) => c.resources?.limits?.memory !== undefined)) res.memoryLimitInBytes = Math.max(sum(apps, memLimit), max(inits, memLimit));
  return res;
};

/** cpu request → shares, cpu limit → quota, memory limit → bytes, QoS → oom_score_adj. */
export const containerResources = (pod: Pod, c: Container, memoryCapacity: number): LinuxContainerResources => {
  const req = containerRequests(c);
  const res: LinuxContainerResources = { cpuShares: milliToShares(req.cpuMilli), oomScoreAdj: oomScoreAdj(pod, c, memoryCapacity) };
  const cpuLimit = c.resources?.limits?.cpu;
  if (cpuLimit !== undefined) {
    res.cpuPeriod = quotaPeriod;
    res.cpuQuota = milliToQuota(cpuMilli(cpuLimit));
  }
  const memLimit = c.resources?.limits?.memory;
  if (memLimit !== undefined) res.memoryLimitInBytes = bytes(memLimit);
  return res;
};

/** Upstream's qos.GetContainerOOMScoreAdjust. */
export const oomScoreAdj = (pod: Pod, c: Container, memoryCapacity: number): number => {
  const qos = podQOSClass(pod);
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const request = containerRequests(c).memory;
  const adj = 1000 - Math.floor((1000 * request) / Math.max(1, memoryCapacity));
  return Math.min(999, Math.max(2, adj));
};

/**
 * `mounts`: the container's volume mounts and /etc/hosts, as the volume manager resolved them (kubelet makeMounts).
 * `envs`: the environment as containerEnv built it with the API's objects; without it, only what the pod itself holds resolves.
 */
export const containerConfig = (pod: Pod, c: Container, restartCount: number,
  ctx: EnvContext & { memoryCapacity: number; mounts?: Mount[]; seccompProfileRoot?: string; envs?: KeyValue[] }): ContainerConfig => {
  const envs = ctx.envs ?? containerEnv(pod, c, ctx).envs;
  const vars = new Map(envs.map((kv) => [kv.key, kv.value]));
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: c.image ?? '' },
    command: (c.command ?? []).map((s) => expand(s, vars)),
    args: (c.args ?? []).map((s) => expand(s, vars)),
    workingDir: c.workingDir ?? '',
    envs,
    mounts: ctx.mounts ?? [],
    labels: { ...podLabels(pod), [labelContainerName]: c.name },
    annotations: { [annotationRestartCount]: String(restartCount), [annotationTerminationGracePeriod]: String(grace) },
    logPath: `${c.name}/${restartCount}.log`,
    stdin: c.stdin ?? false,
    stdinOnce: c.stdinOnce ?? false,
    tty: c.tty ?? false,
    linux: { resources: containerResources(pod, c, ctx.memoryCapacity), securityContext: containerSecurityContext(pod, c, ctx.seccompProfileRoot) },
  };
};
