// Builds a pod's status from the spec and what the runtime reports (upstream kubelet_pods.go
// generateAPIPodStatus, convertToAPIContainerStatuses, getPhase; status/generate.go).
import type { Container, Pod, PodStatus, ContainerStatus as ApiContainerStatus, ContainerState as ApiContainerState, PodCondition } from '../../api/core/v1';
import type { ContainerStatus } from './runtime-client';
import type { PodRuntimeState } from './runtime-state';
import { containersOf, isSidecar, isTerminalPhase, podQOSClass, restartPolicyOf } from './pod-util';

/** A waiting reason the runtime cannot know (ErrImagePull, CrashLoopBackOff, …). */
export interface Waiting { reason: string; message?: string }

/** What the probes say of a running container (no probes: ready and started). */
export interface ProbeGates { ready(name: string, id: string): boolean; started(name: string, id: string): boolean }

export interface StatusContext { now: number; hostIP: string; probes?: ProbeGates }

/** RFC 3339 with second precision, as metav1.Time serialises. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const fromNanos = (ns: number): string | undefined => (ns > 0 ? rfc3339(ns / 1e6) : undefined);

export const containerID = (id: string): string => `berth://${id}`;

export const terminatedState = (st: ContainerStatus): ApiContainerState => ({
  terminated: {
    exitCode: st.exitCode,
    reason: st.reason || (st.exitCode === 0 ? 'Completed' : 'Error'),
    message: st.message || undefined,
    startedAt: fromNanos(st.startedAt) ?? null,
    finishedAt: fromNanos(st.finishedAt) ?? null,
    containerID: containerID(st.id),
  },
});

const currentState = (latest: ContainerStatus | undefined, waiting: Waiting | undefined): ApiContainerState => {
  if (waiting) return { waiting: { reason: waiting.reason, message: waiting.message } };
  if (!latest) return { waiting: { reason: 'ContainerCreating' } };
  switch (latest.state) {
    case 'CONTAINER_RUNNING': return { running: { startedAt: fromNanos(latest.startedAt) ?? null } };
    case 'CONTAINER_CREATED': return { waiting: { reason: 'ContainerCreating' } };
    default: return terminatedState(latest);
  }
};

/** One container's status: `history` is newest first. */
export const containerStatus = (name: string, image: string, history: ContainerStatus[], waiting?: Waiting, probes?: ProbeGates): ApiContainerStatus => {
  const [latest, previous] = history;
  const state = currentState(latest, waiting);
  // While waiting to restart, the last run is the latest container; otherwise the one before it.
  const last = state.waiting && latest && latest.state === 'CONTAINER_EXITED' ? latest : previous;
  const running = state.running !== undefined;
  const started = running && (!probes || !latest || probes.started(name, latest.id));
  return {
    name,
    state,
    lastState: last ? terminatedState(last) : {},
    ready: started && (!probes || !latest || probes.ready(name, latest.id)),
    restartCount: latest?.metadata.attempt ?? 0,
    image,
    imageID: latest?.imageRef ?? '',
    containerID: latest ? containerID(latest.id) : undefined,
    started,
  };
};

/** An init container is ready once it has completed successfully (upstream convertToAPIContainerStatuses). */
export const initContainerStatus = (name: string, image: string, history: ContainerStatus[], waiting?: Waiting): ApiContainerStatus => {
  const st = containerStatus(name, image, history, waiting);
  return { ...st, ready: st.state?.terminated?.exitCode === 0 };
};

/** An init container is done initializing once completed, a sidecar once started. */
const initDone = (c: Container, s: ApiContainerStatus | undefined): boolean => (isSidecar(c) ? !!s?.started : !!s?.ready);

/** Upstream getPhase's init container part: Failed, Pending, or undefined once all completed. */
const initPhase = (pod: Pod, statuses: ApiContainerStatus[]): string | undefined => {
  let pending = 0, failed = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const s = statuses.find((x) => x.name === c.name);
    if (isSidecar(c)) { if (!initDone(c, s)) pending++; continue; }
    if (s?.state?.terminated) { if (s.state.terminated.exitCode !== 0) failed++; }
    else if (s?.state?.waiting && s.lastState?.terminated && s.lastState.terminated.exitCode !== 0) failed++;
    else pending++;
  }
  if (failed > 0 && restartPolicyOf(pod) === 'Never') return 'Failed';
  return pending > 0 || failed > 0 ? 'Pending' : undefined;
};

/** Upstream's getPhase: init containers first (unless the app containers already ran), then the app containers. */
export const getPhase = (pod: Pod, statuses: ApiContainerStatus[], initStatuses: ApiContainerStatus[] = [], initialized = true): string => {
  if (!initialized) return initPhase(pod, initStatuses) ?? 'Pending';
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of containersOf(pod)) {
    const st = statuses.find((s) => s.name === c.name)?.state;
    const last = statuses.find((s) => s.name === c.name)?.lastState;
    if (!st) unknown++;
    else if (st.running) running++;
    else if (st.terminated) { stopped++; if (st.terminated.exitCode === 0) succeeded++; }
    else if (st.waiting) { if (last?.terminated) stopped++; else waiting++; }
    else unknown++;
  }
  const policy = restartPolicyOf(pod);
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
};

const condition = (old: PodCondition[] | undefined, type: string, status: boolean, now: number, reason?: string, message?: string): PodCondition => {
  const s = status ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  const lastTransitionTime = prev && prev.status === s ? prev.lastTransitionTime ?? rfc3339(now) : rfc3339(now);
  return { type, status: s, lastProbeTime: null, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
};

export const podConditions = (pod: Pod, statuses: ApiContainerStatus[], phase: string, now: number, initialized: string[] = []): PodCondition[] => {
  const old = pod.status?.conditions;
  const incomplete = (pod.spec?.initContainers ?? []).map((c) => c.name).filter((n) => !initialized.includes(n));
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const missing = containersOf(pod).filter((c) => !statuses.some((s) => s.name === c.name)).map((c) => c.name);
  const notReady = [...unready, ...missing];
  const completed = phase === 'Succeeded';
  const ready = notReady.length === 0 && !isTerminalPhase(phase);
  const reason = ready ? undefined : completed ? 'PodCompleted' : 'ContainersNotReady';
  const message = ready || completed ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  const scheduled = old?.find((c) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) };
  return [
    incomplete.length === 0
      ? condition(old, 'Initialized', true, now, completed ? 'PodCompleted' : undefined)
      : condition(old, 'Initialized', false, now, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    condition(old, 'Ready', ready, now, reason, message),
    condition(old, 'ContainersReady', ready, now, reason, message),
    scheduled,
  ];
};

/** The full status the agent wants the API to show for `pod`. */
export const buildPodStatus = (pod: Pod, state: PodRuntimeState, waiting: Map<string, Waiting>, ctx: StatusContext): PodStatus => {
  const old = pod.status ?? {};
  const inits = pod.spec?.initContainers ?? [];
  // Until the app containers have run, they (and init containers not yet reached) wait for PodInitializing.
  const appsRan = containersOf(pod).some((c) => (state.containers.get(c.name) ?? []).length > 0);
  const initStatuses = inits.map((c) => (isSidecar(c) ? containerStatus : initContainerStatus)(
    c.name, c.image ?? '', state.containers.get(c.name) ?? [], waiting.get(c.name) ?? initWaiting(inits, state.containers.get(c.name)), ctx.probes));
  const done = inits.filter((c, i) => initDone(c, initStatuses[i])).map((c) => c.name);
  const initialized = appsRan || done.length === inits.length;
  const statuses = containersOf(pod).map((c) => containerStatus(c.name, c.image ?? '', state.containers.get(c.name) ?? [], waiting.get(c.name) ?? initWaiting(inits, state.containers.get(c.name)), ctx.probes));
  let phase = getPhase(pod, statuses, initStatuses, initialized);
  if (isTerminalPhase(old.phase)) phase = old.phase ?? phase;   // a terminal phase is final
  // kubelet: a host network pod's IPs are the node's (the runtime reports none for it).
  const podIPs = pod.spec?.hostNetwork ? [ctx.hostIP] : state.podIPs.length ? state.podIPs : (old.podIPs ?? []).map((x) => x.ip);
  return {
    phase,
    // Sidecars count for ContainersReady and Ready (upstream GenerateContainersReadyCondition).
    conditions: podConditions(pod, [...initStatuses.filter((_s, i) => isSidecar(inits[i])), ...statuses], phase, ctx.now, initialized ? inits.map((c) => c.name) : done),
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: old.startTime ?? rfc3339(ctx.now),
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    qosClass: old.qosClass ?? podQOSClass(pod),
  };
};

/** A pod with init containers shows PodInitializing, not ContainerCreating, for containers not created yet. */
const initWaiting = (inits: unknown[], history: ContainerStatus[] | undefined): Waiting | undefined =>
  (inits.length && !history?.length ? { reason: 'PodInitializing' } : undefined);

/** Deep equality that ignores key order and undefined members (what a JSON round trip keeps). */
export const semanticEqual = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const canonical = (v: unknown): string => JSON.stringify(v, (_k, val: unknown) =>
  val && typeof val === 'object' && !Array.isArray(val)
    ? Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)))
    : val);
