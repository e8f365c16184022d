// One level-triggered sync of a pod that should run: compare the spec with what the runtime
// reports, start what is missing (sandbox, image, containers) within the restart policy and
// its back-off, then report the status (upstream kuberuntime_manager.go SyncPod, simplified).
import type { Pod, Container } from '../../api/core/v1';
import type { EventRecorder } from '../client/types';
import type { Logger } from '../log';
import type { Backoff } from './backoff';
import { formatDuration } from './backoff';
import type { Clock } from './clock';
import type { NodeAllocatable } from './admission';
import { containerConfig, ContainerConfigError } from './container-config';
import { containerEnv, reasonInvalidEnvironmentVariableNames } from './container-env';
import { fetchEnvSources, type EnvSourceClients } from './env-sources';
import { managedHostsFileContent, writeHostsFile } from './hosts-file';
import { containersOf, isTerminalPhase, podDesc, podIdentity, restartPolicyOf, sidecarsOf } from './pod-util';
import type { ContainerStatus, KeyValue, Mount, PodSandboxConfig, RuntimeService } from './runtime-client';
import { missingClusterDNS, PodConfigError, podHostnameAndDomain, sandboxConfig, type DNSOptions } from './sandbox-config';
import { VolumeError } from './volume-errors';
import { containerMounts } from './volume-mounts';
import type { PodVolumes, VolumeManager } from './volumes';
import { observePod, type PodRuntimeState } from './runtime-state';
import { buildPodStatus, type Waiting } from './status';
import type { StatusManager } from './status-manager';
import { initContainersOf, initPlan } from './init-containers';
import type { ProbeManager } from './probe-manager';
import type { ExecSyncer } from './prober';
import { runPostStart, stopContainerWithHook } from './lifecycle';

export interface SyncDeps {
  runtime: RuntimeService;
  statusManager: StatusManager;
  backoff: Backoff;
  clock: Clock;
  log: Logger;
  recorder?: EventRecorder;
  nodeName: string;
  nodeIP: string;
  podLogDir: string;
  memoryCapacity: number;
  /** How often a pod with live containers is re-checked (container exits are found by polling). */
  activePollMs: number;
  /** How often a quiet pod (terminal, or nothing to watch) is re-checked. */
  resyncMs: number;
  /** The node's volumes and pod directories; without it pods get neither volumes nor a managed /etc/hosts. */
  volumes?: VolumeManager;
  /** Cluster DNS, domain and the host's resolv.conf (default: no cluster DNS, cluster.local, empty). */
  dns?: DNSOptions;
  /** Where Localhost seccomp profiles live (kubelet: <root-dir>/seccomp). */
  seccompProfileRoot?: string;
  /** The probe workers; without it probes are ignored (every running container is ready). */
  probes?: ProbeManager;
  /** CRI ExecSync for exec probes and hooks (without it they fail). */
  exec?: ExecSyncer;
  /** ConfigMaps, Secrets and Services for container environments; without it only what the pod itself holds resolves. */
  envSources?: EnvSourceClients;
  /** The node's allocatable: resourceFieldRef's value of a limit the container does not set. */
  allocatable?: NodeAllocatable;
}

/** What to do with one container of the spec. */
export type ContainerAction =
  | { kind: 'keep' }
  | { kind: 'done' }
  | { kind: 'start'; attempt: number }
  | { kind: 'startCreated'; id: string }
  | { kind: 'backoff'; waiting: Waiting; remainingMs: number };

export const backoffKey = (pod: Pod, c: Container): string => `${podIdentity(pod).uid}/${c.name}`;

/** Decides per restartPolicy and the crash back-off (upstream computePodActions + doBackOff). */
export const containerAction = (pod: Pod, c: Container, history: ContainerStatus[], backoff: Backoff, now: number): ContainerAction => {
  const latest = history[0];
  if (!latest) return isTerminalPhase(pod.status?.phase) ? { kind: 'done' } : { kind: 'start', attempt: 0 };
  if (latest.state === 'CONTAINER_RUNNING') return { kind: 'keep' };
  if (latest.state === 'CONTAINER_CREATED') return { kind: 'startCreated', id: latest.id };
  const policy = restartPolicyOf(pod);
  const restart = !isTerminalPhase(pod.status?.phase) && (policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0));
  if (!restart) return { kind: 'done' };
  const key = backoffKey(pod, c);
  const finishedAt = latest.finishedAt > 0 ? latest.finishedAt / 1e6 : now;
  if (backoff.isInBackOffSince(key, finishedAt)) {
    const message = `back-off ${formatDuration(backoff.get(key))} restarting failed container=${c.name} pod=${podDesc(pod)}`;
    return { kind: 'backoff', waiting: { reason: 'CrashLoopBackOff', message }, remainingMs: backoff.remaining(key, finishedAt) };
  }
  backoff.next(key, finishedAt);
  return { kind: 'start', attempt: latest.metadata.attempt + 1 };
};

/** Upstream's default: Always for `:latest` or untagged images, IfNotPresent otherwise. */
export const pullPolicy = (c: Container): string => {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
};

/** Syncs `pod` and returns when to look again (ms). */
export const syncPod = async (pod: Pod, d: SyncDeps): Promise<number> => {
  const { uid } = podIdentity(pod);
  let state = await killUnhealthy(pod, await observePod(d.runtime, uid), d);
  const waiting = new Map<string, Waiting>();
  const actions = podActions(pod, state, d);
  const wantsStart = [...actions.values()].some((a) => a.kind === 'start' || a.kind === 'startCreated');
  let retryMs = Infinity;
  for (const [name, a] of actions) {
    if (a.kind !== 'backoff') continue;
    waiting.set(name, a.waiting);
    retryMs = Math.min(retryMs, a.remainingMs);
    d.recorder?.event(podRef(pod), 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podDesc(pod)}`);
  }

  let sandboxId = state.readySandbox?.id;
  let sbConfig: PodSandboxConfig | undefined;
  const volumes = await setUpVolumes(pod, wantsStart, d);
  if (wantsStart && !(volumes instanceof VolumeError)) {
    const attempt = state.sandboxes.length ? Math.max(...state.sandboxes.map((s) => s.metadata.attempt)) + 1 : 0;
    sbConfig = podSandboxConfig(pod, state.readySandbox?.metadata.attempt ?? attempt, d);
    if (sbConfig && !sandboxId) sandboxId = await createSandbox(pod, sbConfig, d);
    if (sandboxId && !state.readySandbox) state = await observePod(d.runtime, uid);
  }
  if (sandboxId && sbConfig && !(volumes instanceof VolumeError)) {
    const podVolumes = volumes ?? d.volumes?.volumePaths(pod) ?? new Map();
    for (const c of [...initContainersOf(pod), ...containersOf(pod)]) {
      const a = actions.get(c.name);
      if (a?.kind !== 'start' && a?.kind !== 'startCreated') continue;
      const w = await startContainer(pod, c, a, { sandboxId, sbConfig, podIP: pod.spec?.hostNetwork ? d.nodeIP : state.podIPs[0] ?? '', volumes: podVolumes }, d);
      if (w) { waiting.set(c.name, w.waiting); retryMs = Math.min(retryMs, w.retryMs); }
    }
  } else if (wantsStart) {
    for (const name of actions.keys()) waiting.set(name, { reason: initContainersOf(pod).length ? 'PodInitializing' : 'ContainerCreating' });
    retryMs = Math.min(retryMs, d.backoff.get(`sandbox/${uid}`) || 10_000);
  }

  state = await observePod(d.runtime, uid);
  await removeOldContainers(state, d);
  const podIP = pod.spec?.hostNetwork ? d.nodeIP : state.podIPs[0] ?? '';
  d.probes?.syncPod(pod, (name) => state.containers.get(name)?.[0], podIP);
  const probes = d.probes && {
    ready: (name: string, id: string) => d.probes?.ready(uid, name, id, pod) ?? true,
    started: (name: string, id: string) => d.probes?.started(uid, name, id, pod) ?? true,
  };
  const status = buildPodStatus(pod, state, waiting, { now: d.clock.now(), hostIP: d.nodeIP, probes });
  await d.statusManager.setStatus(pod, status);
  if (isTerminalPhase(status.phase)) {
    d.probes?.removePod(uid);
    await stopSandboxes(state, d);
    return d.resyncMs;
  }
  return Math.max(100, Math.min(retryMs, d.activePollMs));
};

/** The init container to run next, or (once initialized) what to do with each app container. */
const podActions = (pod: Pod, state: PodRuntimeState, d: SyncDeps): Map<string, ContainerAction> => {
  const now = d.clock.now();
  const { uid } = podIdentity(pod);
  const init = initPlan(pod, state, d.backoff, now, (name, id) => d.probes?.started(uid, name, id, pod) ?? true);
  if (!init.initialized) return init.actions;
  return new Map([...init.actions, ...containersOf(pod).map((c): [string, ContainerAction] => [c.name, containerAction(pod, c, state.containers.get(c.name) ?? [], d.backoff, now)])]);
};

/**
 * Kills running containers whose liveness or startup probe failed (upstream computePodActions:
 * "Container x failed liveness probe, will be restarted"); the restart policy then decides.
 */
const killUnhealthy = async (pod: Pod, state: PodRuntimeState, d: SyncDeps): Promise<PodRuntimeState> => {
  const { uid } = podIdentity(pod);
  let killed = false;
  for (const c of [...sidecarsOf(pod), ...containersOf(pod)]) {
    const latest = state.containers.get(c.name)?.[0];
    if (!d.probes || latest?.state !== 'CONTAINER_RUNNING') continue;
    const why = d.probes.failed(uid, c.name, latest.id);
    if (!why) continue;
    const probe = why === 'liveness' ? c.livenessProbe : c.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    d.log.info('killing unhealthy container', { pod: podDesc(pod), container: c.name, probe: why });
    d.recorder?.event(podRef(pod), 'Normal', 'Killing', `Container ${c.name} failed ${why} probe, will be restarted`);
    await stopContainerWithHook(pod, c, latest.id, pod.spec?.hostNetwork ? d.nodeIP : state.podIPs[0] ?? '', grace, d);
    killed = true;
  }
  return killed ? observePod(d.runtime, uid) : state;
};

/**
 * Sets up (or refreshes, when due) the pod's volumes; a failure is a FailedMount event and keeps
 * the containers waiting (kubelet WaitForAttachAndMount). Undefined when nothing was due.
 */
const setUpVolumes = async (pod: Pod, wantsStart: boolean, d: SyncDeps): Promise<PodVolumes | VolumeError | undefined> => {
  if (!d.volumes || isTerminalPhase(pod.status?.phase) || !d.volumes.due(pod, wantsStart)) return undefined;
  try {
    return await d.volumes.setUpPod(pod);
  } catch (err) {
    if (!(err instanceof VolumeError)) throw err;
    d.log.warn('volume setup failed', { pod: podDesc(pod), err: err.message });
    d.recorder?.event(podRef(pod), 'Warning', err.reason, err.message);
    return err;
  }
};

/** The sandbox config, or undefined (with a FailedCreatePodSandBox event) when the pod's hostname cannot work. */
const podSandboxConfig = (pod: Pod, attempt: number, d: SyncDeps): PodSandboxConfig | undefined => {
  try {
    if (d.dns && missingClusterDNS(pod, d.dns)) d.log.v(2, 'no cluster DNS configured: ClusterFirst falls back to Default', { pod: podDesc(pod) });
    return sandboxConfig(pod, d.podLogDir, attempt, d.dns);
  } catch (err) {
    if (!(err instanceof PodConfigError)) throw err;
    d.recorder?.event(podRef(pod), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${err.message}`);
    return undefined;
  }
};

const createSandbox = async (pod: Pod, cfg: PodSandboxConfig, d: SyncDeps): Promise<string | undefined> => {
  const key = `sandbox/${podIdentity(pod).uid}`;
  if (d.backoff.isInBackOffSinceUpdate(key)) return undefined;
  try {
    const id = await d.runtime.runPodSandbox(cfg);
    d.backoff.reset(key);
    d.log.info('started pod sandbox', { pod: podDesc(pod), sandbox: id });
    return id;
  } catch (err) {
    d.backoff.next(key, d.clock.now());
    d.log.warn('failed to create pod sandbox', { pod: podDesc(pod), err });
    d.recorder?.event(podRef(pod), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errMessage(err)}`);
    return undefined;
  }
};

interface StartContext { sandboxId: string; sbConfig: PodSandboxConfig; podIP: string; volumes: PodVolumes }

/** The container's CRI mounts: its volumes and the pod's managed /etc/hosts (kubelet makeMounts). */
const mountsFor = (pod: Pod, c: Container, s: StartContext, envs: KeyValue[], d: SyncDeps): Mount[] => {
  let hostsFile: string | undefined;
  if (d.volumes && s.podIP && !pod.spec?.hostNetwork) {
    const { hostname, domain } = podHostnameAndDomain(pod, d.dns?.clusterDomain ?? 'cluster.local');
    hostsFile = writeHostsFile(d.volumes.podDir(podIdentity(pod).uid), managedHostsFileContent([s.podIP], hostname, domain, pod.spec?.hostAliases));
  }
  const env = new Map(envs.map((kv) => [kv.key, kv.value]));
  return containerMounts(pod, c, { volumes: s.volumes, hostsFile, env });
};

/** The container's environment (kubelet makeEnvironmentVariables); skipped envFrom keys become events. */
const envFor = async (pod: Pod, c: Container, s: StartContext, d: SyncDeps): Promise<KeyValue[]> => {
  const sources = d.envSources ? await fetchEnvSources(pod, c, d.envSources) : {};
  const env = containerEnv(pod, c, { podIP: s.podIP, hostIP: d.nodeIP, nodeName: d.nodeName, allocatable: d.allocatable }, sources);
  for (const message of env.warnings) d.recorder?.event(podRef(pod), 'Warning', reasonInvalidEnvironmentVariableNames, message);
  return env.envs;
};
interface StartFailure { waiting: Waiting; retryMs: number }

const startContainer = async (pod: Pod, c: Container, a: ContainerAction, s: StartContext, d: SyncDeps): Promise<StartFailure | undefined> => {
  if (a.kind === 'startCreated') return runStep(pod, c, 'RunContainerError', d, () => d.runtime.startContainer(a.id));
  if (a.kind !== 'start') return undefined;
  const pulled = await ensureImage(pod, c, s.sbConfig, d);
  if (pulled) return pulled;
  let config;
  try {
    const envs = await envFor(pod, c, s, d);
    const mounts = mountsFor(pod, c, s, envs, d);
    config = containerConfig(pod, c, a.attempt, { podIP: s.podIP, hostIP: d.nodeIP, nodeName: d.nodeName, memoryCapacity: d.memoryCapacity, mounts, seccompProfileRoot: d.seccompProfileRoot, envs });
  } catch (err) {
    if (!(err instanceof ContainerConfigError) && !(err instanceof PodConfigError)) throw err;
    return { waiting: { reason: 'CreateContainerConfigError', message: err.message }, retryMs: 10_000 };
  }
  let id = '';
  const created = await runStep(pod, c, 'CreateContainerError', d, async () => { id = await d.runtime.createContainer(s.sandboxId, config, s.sbConfig); });
  if (created) return created;
  d.recorder?.event(podRef(pod), 'Normal', 'Created', `Created container: ${c.name}`);
  const started = await runStep(pod, c, 'RunContainerError', d, () => d.runtime.startContainer(id));
  if (started) return started;
  d.log.info('started container', { pod: podDesc(pod), container: c.name, id, attempt: a.attempt });
  d.recorder?.event(podRef(pod), 'Normal', 'Started', `Started container ${c.name}`);
  await runPostStart(pod, { container: c, containerId: id, podIP: s.podIP }, d);
  return undefined;
};

const runStep = async (pod: Pod, c: Container, reason: string, d: SyncDeps, step: () => Promise<void>): Promise<StartFailure | undefined> => {
  try {
    await step();
    return undefined;
  } catch (err) {
    d.log.warn('container step failed', { pod: podDesc(pod), container: c.name, reason, err });
    d.recorder?.event(podRef(pod), 'Warning', 'Failed', `Error: ${errMessage(err)}`);
    return { waiting: { reason, message: errMessage(err) }, retryMs: 10_000 };
  }
};

/** Pulls per imagePullPolicy with its own back-off (ErrImagePull, then ImagePullBackOff). */
export const ensureImage = async (pod: Pod, c: Container, sb: PodSandboxConfig, d: SyncDeps): Promise<StartFailure | undefined> => {
  const image = c.image ?? '';
  const policy = pullPolicy(c);
  if (policy !== 'Always' && (await d.runtime.imageStatus(image))) return undefined;
  if (policy === 'Never') {
    return { waiting: { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` }, retryMs: d.resyncMs };
  }
  const key = `pull/${podIdentity(pod).uid}/${image}`;
  if (d.backoff.isInBackOffSinceUpdate(key)) {
    return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }, retryMs: Math.min(d.backoff.get(key), 10_000) };
  }
  d.recorder?.event(podRef(pod), 'Normal', 'Pulling', `Pulling image "${image}"`);
  try {
    await d.runtime.pullImage(image, sb);
    d.backoff.reset(key);
    d.recorder?.event(podRef(pod), 'Normal', 'Pulled', `Successfully pulled image "${image}"`);
    return undefined;
  } catch (err) {
    d.backoff.next(key, d.clock.now());
    const message = `Failed to pull image "${image}": ${errMessage(err)}`;
    d.log.warn('image pull failed', { pod: podDesc(pod), image, err });
    d.recorder?.event(podRef(pod), 'Warning', 'Failed', message);
    return { waiting: { reason: 'ErrImagePull', message }, retryMs: d.backoff.get(key) };
  }
};

/** Keeps the latest and the previous container of each name (for `logs --previous`); removes older exited ones. */
const removeOldContainers = async (state: PodRuntimeState, d: SyncDeps): Promise<void> => {
  for (const history of state.containers.values()) {
    for (const old of history.slice(2)) {
      if (old.state === 'CONTAINER_RUNNING') continue;
      await d.runtime.removeContainer(old.id).catch((err: unknown) => d.log.warn('failed to remove old container', { id: old.id, err }));
    }
  }
};

/** A terminal pod keeps its containers (for logs) but gives its sandbox (network) back. */
const stopSandboxes = async (state: PodRuntimeState, d: SyncDeps): Promise<void> => {
  for (const sb of state.sandboxes.filter((s) => s.state === 'SANDBOX_READY')) {
    await d.runtime.stopPodSandbox(sb.id);
    d.log.info('stopped sandbox of terminal pod', { sandbox: sb.id });
  }
};

export const errMessage = (err: unknown): string => {
  if (err && typeof err === 'object' && 'details' in err && typeof (err as { details: unknown }).details === 'string') {
    return (err as { details: string }).details;
  }
  return err instanceof Error ? err.message : String(err);
};

export const podRef = (pod: Pod): Pod & { metadata: NonNullable<Pod['metadata']> } =>
  ({ ...pod, apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} });
