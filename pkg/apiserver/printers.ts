// Server-side printers: one row of cells per object, computed as kubectl's printers
// (pkg/printers/internalversion/printers.go) do, in the column order of api/resources.ts.
import type { ApiObject, LabelSelector } from '../../api/meta/v1';
import type { Pod, Node, Event, ContainerStatus } from '../../api/core/v1';
import type { ReplicaSet } from '../../api/apps/v1';
import type { Lease } from '../../api/coordination/v1';
import { labelSelectorToString } from '../apimachinery';

export type Cell = string | number | boolean;
export type Printer = (obj: ApiObject, now: Date) => Cell[];

/** kubectl's duration.HumanDuration: `5s`, `3m2s`, `15m`, `5h`, `2d3h`, `20d`, `2y`. */
export const humanDuration = (ms: number): string => {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
};

/** Age of a timestamp, `<unknown>` when it is missing (translateTimestampSince). */
export const age = (ts: string | null | undefined, now: Date): string =>
  ts ? humanDuration(now.getTime() - new Date(ts).getTime()) : '<unknown>';

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty. */
export const formatLabelSelector = (sel: LabelSelector | undefined): string =>
  (sel ? labelSelectorToString(sel) : '') || '<none>';

const terminatedReason = (t: { reason?: string; signal?: number; exitCode: number }, prefix: string): string =>
  t.reason ? `${prefix}${t.reason}` : t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;

/** The init-container part of STATUS; undefined when initialisation is done. */
const initReason = (pod: Pod): { reason?: string; restarts: number } => {
  const statuses = pod.status?.initContainerStatuses ?? [];
  let restarts = 0;
  for (const [i, c] of statuses.entries()) {
    restarts += c.restartCount;
    const st = c.state;
    if (st?.terminated && st.terminated.exitCode === 0) continue;
    if (st?.terminated) return { reason: terminatedReason(st.terminated, 'Init:'), restarts };
    if (st?.waiting?.reason && st.waiting.reason !== 'PodInitializing') return { reason: `Init:${st.waiting.reason}`, restarts };
    return { reason: `Init:${i}/${pod.spec?.initContainers?.length ?? 0}`, restarts };
  }
  return { restarts };
};

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
  let ready = 0;
  let lastRestart: string | undefined;
  if (init.reason) reason = init.reason;
  if (!init.reason || isInitialized(pod)) {
    const s = summarizeContainers(pod.status?.containerStatuses ?? []);
    restarts = s.restarts;
    ready = s.ready;
    lastRestart = s.lastRestart;
    if (s.reason) reason = s.reason;
    if (reason === 'Completed' && s.hasRunning) reason = isReady(pod) ? 'Running' : 'NotReady';
  }
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { reason, ready, total: pod.spec?.containers.length ?? 0, restarts, lastRestart };
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

const printReplicaSet: Printer = (obj, now) => {
  const rs = obj as ReplicaSet;
  const containers = rs.spec?.template?.spec?.containers ?? [];
  return [
    rs.metadata?.name ?? '', rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0,
    age(rs.metadata?.creationTimestamp, now), containers.map((c) => c.name).join(','),
    containers.map((c) => c.image ?? '').join(','), formatLabelSelector(rs.spec?.selector),
  ];
};

const printEvent: Printer = (obj, now) => {
  const ev = obj as Event;
  const first = ev.firstTimestamp ? age(ev.firstTimestamp, now) : age(ev.eventTime, now);
  const last = ev.lastTimestamp ? age(ev.lastTimestamp, now) : first;
  const kind = (ev.involvedObject.kind ?? '').toLowerCase();
  const target = ev.involvedObject.name ? `${kind}/${ev.involvedObject.name}` : kind;
  return [last, ev.type ?? '', ev.reason ?? '', target, ev.message ?? ''];
};

const printLease: Printer = (obj, now) => {
  const spec = (obj as Lease).spec;
  return [obj.metadata.name ?? '', spec?.holderIdentity ?? '', age(obj.metadata.creationTimestamp, now)];
};

/** Printers by kind; a kind without one gets NAME and AGE. */
export const printers: Record<string, Printer> = {
  Pod: printPod, Node: printNode, Namespace: printNamespace, ReplicaSet: printReplicaSet, Event: printEvent, Lease: printLease,
};
