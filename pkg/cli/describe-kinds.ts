// kubectl describe for ReplicaSets, Deployments and Nodes, and the generic describer every
// other kind falls back to (describeReplicaSet, describeDeployment, describeNode,
// genericDescriber + printUnstructuredContent in pkg/describe/describe.go).
import { controlledBy, describePodTemplate } from './describe-pod';
import {
  describeEvents, LEVEL_0, LEVEL_1, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, since, type CoreEvent,
} from './describe-writer';

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const arr = (v: unknown): Dict[] => (Array.isArray(v) ? v.map(d) : []);
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const n = (v: unknown): number => Number(v ?? 0);
const strMap = (v: unknown): Record<string, string> => d(v) as Record<string, string>;

export interface PodCounts { running: number; waiting: number; succeeded: number; failed: number }

/** getPodStatusForController: phases of the pods whose controller is `uid`. */
export const podCounts = (pods: Dict[], uid: string): PodCounts => {
  const c: PodCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = arr(d(p.metadata).ownerReferences).find((r) => r.controller === true);
    if (!ref || ref.uid !== uid) continue;
    const phase = s(d(p.status).phase);
    if (phase === 'Running') c.running++;
    else if (phase === 'Pending') c.waiting++;
    else if (phase === 'Succeeded') c.succeeded++;
    else if (phase === 'Failed') c.failed++;
  }
  return c;
};

const describeConditions = (w: PrefixWriter, conditions: Dict[]): void => {
  if (conditions.length === 0) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${s(c.type)} \t${s(c.status)}\t${s(c.reason)}\n`);
};

export const describeReplicaSet = (rs: Dict, selector: string, pods: PodCounts | Error, events: CoreEvent[] | undefined, now: Date): string => {
  const w = new PrefixWriter();
  const meta = d(rs.metadata);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  w.write(LEVEL_0, `Selector:\t${selector || '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  const owner = controlledBy(meta);
  if (owner) w.write(LEVEL_0, `Controlled By:\t${owner}\n`);
  w.write(LEVEL_0, `Replicas:\t${n(d(rs.status).replicas)} current / ${n(d(rs.spec).replicas ?? 1)} desired\n`);
  w.write(LEVEL_0, 'Pods Status:\t');
  if (pods instanceof Error) w.write(LEVEL_0, `error in fetching pods: ${pods.message}\n`);
  else w.write(LEVEL_0, `${pods.running} Running / ${pods.waiting} Waiting / ${pods.succeeded} Succeeded / ${pods.failed} Failed\n`);
  describePodTemplate(w, d(d(rs.spec).template));
  describeConditions(w, arr(d(rs.status).conditions));
  if (events) describeEvents(w, events, now);
  return w.toString();
};

const rsList = (list: Dict[]): string => list.map((rs) => `${s(d(rs.metadata).name)} (${n(d(rs.status).replicas)}/${n(d(rs.spec).replicas ?? 1)} replicas created)`).join(', ') || '<none>';

export const describeDeployment = (dep: Dict, selector: string, oldRSs: Dict[], newRS: Dict | undefined, events: CoreEvent[] | undefined): string => {
  const w = new PrefixWriter();
  const meta = d(dep.metadata);
  const spec = d(dep.spec);
  const status = d(dep.status);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(s(meta.creationTimestamp))}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, `Selector:\t${selector}\n`);
  w.write(LEVEL_0, `Replicas:\t${n(spec.replicas ?? 1)} desired | ${n(status.updatedReplicas)} updated | ${n(status.replicas)} total | ${n(status.availableReplicas)} available | ${n(status.unavailableReplicas)} unavailable\n`);
  const strategy = d(spec.strategy);
  w.write(LEVEL_0, `StrategyType:\t${s(strategy.type)}\n`);
  w.write(LEVEL_0, `MinReadySeconds:\t${n(spec.minReadySeconds)}\n`);
  if (strategy.rollingUpdate) {
    const ru = d(strategy.rollingUpdate);
    w.write(LEVEL_0, `RollingUpdateStrategy:\t${s(ru.maxUnavailable)} max unavailable, ${s(ru.maxSurge)} max surge\n`);
  }
  describePodTemplate(w, d(spec.template));
  describeConditions(w, arr(status.conditions));
  if (oldRSs.length > 0 || newRS) {
    w.write(LEVEL_0, `OldReplicaSets:\t${rsList(oldRSs)}\n`);
    w.write(LEVEL_0, `NewReplicaSet:\t${rsList(newRS ? [newRS] : [])}\n`);
  }
  if (events) describeEvents(w, events, new Date());
  return w.toString();
};

const formatTaint = (t: Dict): string => `${s(t.key)}${t.value ? `=${s(t.value)}` : ''}:${s(t.effect)}`;

export const describeNode = (node: Dict, pods: Dict[] | undefined, events: CoreEvent[] | undefined, now: Date, lease?: Dict | Error): string => {
  const w = new PrefixWriter();
  const meta = d(node.metadata);
  const spec = d(node.spec);
  const status = d(node.status);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  const roles = Object.keys(strMap(meta.labels)).flatMap((k) => {
    if (k.startsWith('node-role.kubernetes.io/')) return [k.slice('node-role.kubernetes.io/'.length)];
    return k === 'kubernetes.io/role' ? [strMap(meta.labels)[k]] : [];
  }).filter(Boolean).sort();
  w.write(LEVEL_0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(s(meta.creationTimestamp))}\n`);
  const taints = arr(spec.taints).sort((a, b) => (`${s(a.effect)},${s(a.key)}` < `${s(b.effect)},${s(b.key)}` ? -1 : 1));
  w.write(LEVEL_0, 'Taints:\t');
  if (taints.length === 0) w.writeLine('<none>');
  taints.forEach((t, i) => w.write(LEVEL_0, `${i ? '\t' : ''}${formatTaint(t)}\n`));
  w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  if (lease instanceof Error) w.write(LEVEL_0, `Lease:\tFailed to get lease: ${lease.message}\n`);
  else if (lease) {
    const ls = d(lease.spec);
    w.write(LEVEL_0, 'Lease:\n');
    w.write(LEVEL_1, `HolderIdentity:\t${s(ls.holderIdentity) || '<unset>'}\n`);
    w.write(LEVEL_1, `AcquireTime:\t${ls.acquireTime ? rfc1123z(s(ls.acquireTime)) : '<unset>'}\n`);
    w.write(LEVEL_1, `RenewTime:\t${ls.renewTime ? rfc1123z(s(ls.renewTime)) : '<unset>'}\n`);
  }
  const conditions = arr(status.conditions);
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(LEVEL_1, `${s(c.type)} \t${s(c.status)} \t${rfc1123z(s(c.lastHeartbeatTime))} \t${rfc1123z(s(c.lastTransitionTime))} \t${s(c.reason)} \t${s(c.message)}\n`);
    }
  }
  w.write(LEVEL_0, 'Addresses:\n');
  for (const a of arr(status.addresses)) w.write(LEVEL_1, `${s(a.type)}:\t${s(a.address)}\n`);
  for (const [title, key] of [['Capacity', 'capacity'], ['Allocatable', 'allocatable']] as const) {
    const list = strMap(status[key]);
    if (Object.keys(list).length === 0) continue;
    w.write(LEVEL_0, `${title}:\n`);
    for (const k of Object.keys(list).sort()) w.write(LEVEL_0, `  ${k}:\t${list[k]}\n`);
  }
  const info = d(status.nodeInfo);
  w.write(LEVEL_0, 'System Info:\n');
  for (const [label, key] of [['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'],
    ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'],
    ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion']] as const) {
    w.write(LEVEL_0, `  ${label}:\t${s(info[key])}\n`);
  }
  if (spec.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${s(spec.podCIDR)}\n`);
  if (Array.isArray(spec.podCIDRs) && spec.podCIDRs.length) w.write(LEVEL_0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(LEVEL_0, `ProviderID:\t${s(spec.providerID)}\n`);
  if (pods) describeNodePods(w, node, pods, now);
  else w.write(LEVEL_0, 'Pods:\tnot authorized\n');
  if (events) describeEvents(w, events, now);
  return w.toString();
};

/** A summed quantity printed as resource.Quantity.String() keeps the first operand's format. */
interface Sum { value: number; binary: boolean }

const SUFFIX = /^([+-]?[0-9.]+)([a-zA-Z]*)$/;
const MULT: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

const addQuantity = (sum: Sum | undefined, q: string): Sum => {
  const m = SUFFIX.exec(q);
  const value = m ? Number(m[1]) * (MULT[m[2]] ?? 1) : 0;
  return { value: (sum?.value ?? 0) + value, binary: sum ? sum.binary : /i$/.test(m?.[2] ?? '') };
};

/** Canonical quantity text: `550m`, `2`, `160Mi`, `128M`, `0`. */
export const formatQuantity = (sum: Sum | undefined): string => {
  if (!sum || sum.value === 0) return '0';
  const v = sum.value;
  if (!Number.isInteger(Math.round(v * 1e9) / 1e9)) return `${Math.round(v * 1000)}m`;
  const units: [string, number][] = sum.binary ? [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] : [['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]];
  const unit = units.find(([, u]) => v % u === 0);
  return unit ? `${v / unit[1]}${unit[0]}` : String(v);
};

/** PodRequests / PodLimits: the sum over containers, at least the largest init container. */
const podTotals = (pod: Dict, kind: 'requests' | 'limits'): Record<string, Sum> => {
  const spec = d(pod.spec);
  const out: Record<string, Sum> = {};
  for (const c of arr(spec.containers)) {
    for (const [r, q] of Object.entries(strMap(d(c.resources)[kind]))) out[r] = addQuantity(out[r], q);
  }
  for (const c of arr(spec.initContainers)) {
    for (const [r, q] of Object.entries(strMap(d(c.resources)[kind]))) {
      const init = addQuantity(undefined, q);
      if (!out[r] || init.value > out[r].value) out[r] = init;
    }
  }
  return out;
};

const pct = (sum: Sum | undefined, alloc: string | undefined): number => {
  const total = alloc ? addQuantity(undefined, alloc).value : 0;
  return total > 0 ? Math.trunc(((sum?.value ?? 0) / total) * 100) : 0;
};

const describeNodePods = (w: PrefixWriter, node: Dict, pods: Dict[], now: Date): void => {
  const status = d(node.status);
  const alloc = strMap(Object.keys(d(status.allocatable)).length > 0 ? status.allocatable : status.capacity);
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const reqs: Record<string, Sum> = {};
  const lims: Record<string, Sum> = {};
  for (const p of pods) {
    const m = d(p.metadata);
    const req = podTotals(p, 'requests');
    const lim = podTotals(p, 'limits');
    const cell = (q: Sum | undefined, r: string) => `${formatQuantity(q)} (${pct(q, alloc[r])}%)`;
    w.write(LEVEL_1, `${s(m.namespace)}\t${s(m.name)}\t\t${cell(req.cpu, 'cpu')}\t${cell(lim.cpu, 'cpu')}\t${cell(req.memory, 'memory')}\t${cell(lim.memory, 'memory')}\t${since(s(m.creationTimestamp), now)}\n`);
    for (const [r, q] of Object.entries(req)) reqs[r] = reqs[r] ? { ...reqs[r], value: reqs[r].value + q.value } : q;
    for (const [r, q] of Object.entries(lim)) lims[r] = lims[r] ? { ...lims[r], value: lims[r].value + q.value } : q;
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    w.write(LEVEL_1, `${r}\t${formatQuantity(reqs[r])} (${pct(reqs[r], alloc[r])}%)\t${formatQuantity(lims[r])} (${pct(lims[r], alloc[r])}%)\n`);
  }
};

/** smartLabelFor: `apiVersion` → `API Version`, `restartPolicy` → `Restart Policy`. */
export const smartLabelFor = (field: string): string => {
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts = field.match(/[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}]?[\p{Ll}]+|-|[^\p{L}]+/gu) ?? [field];
  return parts.filter((p) => p !== '_').map((p) => {
    if (['API', 'URL', 'UID', 'GUID'].includes(p.toUpperCase())) return p.toUpperCase();
    return p === p.toLowerCase() ? p.charAt(0).toUpperCase() + p.slice(1) : p;
  }).join(' ');
};

const SKIP = ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations'];

const printUnstructured = (w: PrefixWriter, level: number, content: Dict, prefix: string): void => {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (SKIP.includes(path)) continue;
    if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (typeof child === 'object' && child !== null && !Array.isArray(child)) printUnstructured(w, level + 1, child as Dict, path);
        else w.write(level + 1, `${goPrint(child)}\n`);
      }
    } else if (typeof value === 'object' && value !== null) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructured(w, level + 1, value as Dict, path);
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${goPrint(value)}\n`);
    }
  }
};

const goPrint = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));

export const describeGeneric = (obj: Dict, events: CoreEvent[] | undefined, now: Date): string => {
  const w = new PrefixWriter();
  const meta = d(obj.metadata);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  printUnstructured(w, LEVEL_0, obj, '');
  if (events) describeEvents(w, events, now);
  return w.toString();
};
