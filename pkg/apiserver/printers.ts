// Server-side printers: one row of cells per object, computed as kubectl's printers
// (pkg/printers/internalversion/printers.go) do, in the column order of api/resources.ts.
import type { Pod, Node, Event, ContainerStatus, ObjectReference } from '../../api/core/v1';
import type { Event as EventsV1Event } from '../../api/events/v1';
import { age, type Printer } from './printers-common';
import { coreV1Printers } from './printers-core';
import { workloadPrinters } from './printers-apps';
import { otherPrinters } from './printers-other';
import { rbacPrinters } from './printers-rbac';

export { humanDuration, age, formatLabelSelector, formatLabels, type Cell, type Printer } from './printers-common';

const terminatedReason = (t: { reason?: string; signal?: number; exitCode: number }, prefix: string): string =>
  t.reason ? `${prefix}${t.reason}` : t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;

/** The init-container part of STATUS; undefined when initialisation is done. */
const initReason = (pod: Pod): { reason?: string; restarts: number; sidecarReady: number; sidecarRestarts: number } => {
  const statuses = pod.status?.initContainerStatuses ?? [];
  const sidecars = sidecarNames(pod);
  let restarts = 0, sidecarReady = 0, sidecarRestarts = 0;
  for (const [i, c] of statuses.entries()) {
    restarts += c.restartCount;
    // A started sidecar (restartable init container) is done initializing; it counts in READY.
    if (sidecars.has(c.name)) sidecarRestarts += c.restartCount;
    if (sidecars.has(c.name) && c.started) { if (c.ready) sidecarReady++; continue; }
    const st = c.state;
    if (st?.terminated && st.terminated.exitCode === 0) continue;
    if (st?.terminated) return { reason: terminatedReason(st.terminated, 'Init:'), restarts, sidecarReady, sidecarRestarts };
    if (st?.waiting?.reason && st.waiting.reason !== 'PodInitializing') return { reason: `Init:${st.waiting.reason}`, restarts, sidecarReady, sidecarRestarts };
    return { reason: `Init:${i}/${pod.spec?.initContainers?.length ?? 0}`, restarts, sidecarReady, sidecarRestarts };
  }
  return { restarts, sidecarReady, sidecarRestarts };
};

const sidecarNames = (pod: Pod): Set<string> =>
  new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));

interface ContainerSummary { reason?: string; ready: number; restarts: number; hasRunning: boolean; lastRestart?: string }

const summarizeContainers = (statuses: ContainerStatus[]): ContainerSummary => {
  const out: ContainerSummary = { ready: 0, restarts: 0, hasRunning: false };
  for (const c of [...statuses].reverse()) {
    out.restarts += c.restartCount;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished && (!out.lastRestart || finished > out.lastRestart)) out.lastRestart = finished;
    const st = c.state;
    if (st?.waiting?.reason) out.reason = st.waiting.reason;
    else if (st?.terminated) out.reason = terminatedReason(st.terminated, '');
    else if (c.ready && st?.running) { out.hasRunning = true; out.ready++; }
  }
  return out;
};

const isInitialized = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface PodSummary { reason: string; ready: number; total: number; restarts: number; lastRestart?: string }

/** READY, STATUS and RESTARTS of a pod, as kubectl's printPod computes them. */
export const podSummary = (pod: Pod): PodSummary => {
  let reason = pod.status?.reason || pod.status?.phase || '';
  const init = initReason(pod);
  let restarts = init.restarts;
  let ready = init.sidecarReady;
  let lastRestart: string | undefined;
  if (init.reason) reason = init.reason;
  if (!init.reason || isInitialized(pod)) {
    const s = summarizeContainers(pod.status?.containerStatuses ?? []);
    restarts = init.sidecarRestarts + s.restarts;
    ready += s.ready;
    lastRestart = s.lastRestart;
    if (s.reason) reason = s.reason;
    if (reason === 'Completed' && s.hasRunning) reason = isReady(pod) ? 'Running' : 'NotReady';
  }
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { reason, ready, total: (pod.spec?.containers?.length ?? 0) + sidecarNames(pod).size, restarts, lastRestart };
};

const printPod: Printer = (obj, now) => {
  const pod = obj as Pod;
  const s = podSummary(pod);
  const restarts = s.restarts && s.lastRestart ? `${s.restarts} (${age(s.lastRestart, now)} ago)` : String(s.restarts);
  const gates = pod.spec?.readinessGates ?? [];
  const trueGates = gates.filter((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
  return [
    pod.metadata?.name ?? '', `${s.ready}/${s.total}`, s.reason, restarts, age(pod.metadata?.creationTimestamp, now),
    pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>', gates.length ? `${trueGates}/${gates.length}` : '<none>',
  ];
};

export const nodeRoles = (labels: Record<string, string> = {}): string[] => {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
};

const printNode: Printer = (obj, now) => {
  const node = obj as Node;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = nodeRoles(node.metadata?.labels).join(',') || '<none>';
  const addr = (t: string) => node.status?.addresses?.find((a) => a.type === t)?.address ?? '<none>';
  const info = node.status?.nodeInfo;
  return [
    node.metadata?.name ?? '', status.join(','), roles, age(node.metadata?.creationTimestamp, now), info?.kubeletVersion ?? '',
    addr('InternalIP'), addr('ExternalIP'), info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>',
    info?.containerRuntimeVersion || '<unknown>',
  ];
};

const printNamespace: Printer = (obj, now) => [
  obj.metadata.name ?? '', (obj as { status?: { phase?: string } }).status?.phase ?? '', age(obj.metadata.creationTimestamp, now),
];

// core/v1 and events.k8s.io/v1 Events share storage and the Event kind; the printer reads
// either shape (involvedObject/message/firstTimestamp or regarding/note/deprecated*).
type AnyEvent = Partial<Event> & Partial<EventsV1Event>;

const printEvent: Printer = (obj, now) => {
  const ev = obj as AnyEvent;
  const firstTs = ev.firstTimestamp ?? ev.deprecatedFirstTimestamp;
  const lastTs = ev.lastTimestamp ?? ev.deprecatedLastTimestamp;
  const first = firstTs ? age(firstTs, now) : age(ev.eventTime, now);
  const last = lastTs ? age(lastTs, now) : ev.series?.lastObservedTime ? age(ev.series.lastObservedTime, now) : first;
  const ref: ObjectReference = ev.involvedObject ?? ev.regarding ?? {};
  const kind = (ref.kind ?? '').toLowerCase();
  const target = ref.name ? `${kind}/${ref.name}` : kind;
  return [last, ev.type ?? '', ev.reason ?? '', target, ev.message ?? ev.note ?? ''];
};

/** Printers by kind; a kind without one gets NAME and AGE. */
export const printers: Record<string, Printer> = {
  Pod: printPod, Node: printNode, Namespace: printNamespace, Event: printEvent,
  ...coreV1Printers, ...workloadPrinters, ...otherPrinters, ...rbacPrinters,
};
