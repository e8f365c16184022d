// kubectl describe for Namespaces, ConfigMaps, Secrets and Services (describeNamespace,
// ConfigMapDescriber, describeSecret, describeService in pkg/describe/describe.go).
import { formatLabels } from './printer';
import {
  describeEvents, LEVEL_0, LEVEL_1, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, type CoreEvent,
} from './describe-writer';

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const arr = (v: unknown): Dict[] => (Array.isArray(v) ? v.map(d) : []);
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const strMap = (v: unknown): Record<string, string> => d(v) as Record<string, string>;

/** Quotas and limit ranges of a namespace; undefined when the server does not serve them. */
export interface NamespacePolicies { quotas?: Dict[]; limitRanges?: Dict[] }

export const describeNamespace = (ns: Dict, policies: NamespacePolicies): string => {
  const w = new PrefixWriter();
  const meta = d(ns.metadata);
  const status = d(ns.status);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, `Status:\t${s(status.phase)}\n`);
  const conditions = arr(status.conditions);
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n');
    w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conditions) w.write(LEVEL_1, `${s(c.type)}\t${s(c.status)}\t${rfc1123z(s(c.lastTransitionTime))}\t${s(c.reason)}\t${s(c.message)}\n`);
  }
  if (policies.quotas) {
    w.write(LEVEL_0, '\n');
    if (policies.quotas.length === 0) w.write(LEVEL_0, 'No resource quota.\n');
    for (const q of policies.quotas) {
      w.write(LEVEL_0, `Resource Quotas\n`);
      w.write(LEVEL_1, `Name:\t${s(d(q.metadata).name)}\n`);
      w.write(LEVEL_1, 'Resource\tUsed\tHard\n');
      w.write(LEVEL_1, '--------\t---\t---\n');
      const hard = strMap(d(q.status).hard);
      for (const r of Object.keys(hard).sort()) w.write(LEVEL_1, `${r}\t${s(strMap(d(q.status).used)[r]) || '0'}\t${hard[r]}\n`);
    }
  }
  if (policies.limitRanges) {
    w.write(LEVEL_0, '\n');
    if (policies.limitRanges.length === 0) w.write(LEVEL_0, 'No LimitRange resource.\n');
    for (const l of policies.limitRanges) w.write(LEVEL_0, `Resource Limits\n Name:\t${s(d(l.metadata).name)}\n`);
  }
  return w.toString();
};

export const describeConfigMap = (cm: Dict, events: CoreEvent[] | undefined, now: Date): string => {
  const w = new PrefixWriter();
  const meta = d(cm.metadata);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, '\nData\n====\n');
  const data = strMap(cm.data);
  for (const k of Object.keys(data).sort()) {
    w.write(LEVEL_0, `${k}:\n----\n`);
    w.write(LEVEL_0, `${data[k]}\n`);
    w.write(LEVEL_0, '\n');
  }
  w.write(LEVEL_0, '\nBinaryData\n====\n');
  const binary = strMap(cm.binaryData);
  for (const k of Object.keys(binary).sort()) w.write(LEVEL_0, `${k}: ${Buffer.from(binary[k], 'base64').length} bytes\n`);
  w.write(LEVEL_0, '\n');
  if (events) describeEvents(w, events, now);
  return w.toString();
};

export const describeSecret = (secret: Dict): string => {
  const w = new PrefixWriter();
  const meta = d(secret.metadata);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, `\nType:\t${s(secret.type)}\n`);
  w.write(LEVEL_0, '\nData\n====\n');
  const data = strMap(secret.data);
  for (const k of Object.keys(data).sort()) {
    const bytes = Buffer.from(data[k], 'base64');
    if (k === 'token' && secret.type === 'kubernetes.io/service-account-token') w.write(LEVEL_0, `${k}:\t${bytes.toString('utf8')}\n`);
    else w.write(LEVEL_0, `${k}:\t${bytes.length} bytes\n`);
  }
  return w.toString();
};

/** formatEndpointSlices: up to three `ip:port` of ready endpoints serving the named port. */
export const formatEndpoints = (slices: Dict[], portName: string): string => {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const slice of slices) {
    for (const port of arr(slice.ports).filter((p) => s(p.name) === portName)) {
      for (const ep of arr(slice.endpoints)) {
        if (d(ep.conditions).ready === false) continue;
        const addr = s((ep.addresses as string[] | undefined)?.[0]);
        if (list.length < 3) list.push(`${addr.includes(':') ? `[${addr}]` : addr}:${s(port.port)}`);
        count++;
      }
    }
  }
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
};

export const describeService = (svc: Dict, slices: Dict[], events: CoreEvent[] | undefined, now: Date): string => {
  const w = new PrefixWriter();
  const meta = d(svc.metadata);
  const spec = d(svc.spec);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  w.write(LEVEL_0, `Selector:\t${formatLabels(strMap(spec.selector))}\n`);
  w.write(LEVEL_0, `Type:\t${s(spec.type)}\n`);
  if (spec.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${s(spec.ipFamilyPolicy)}\n`);
  const families = (spec.ipFamilies as string[] | undefined) ?? [];
  w.write(LEVEL_0, `IP Families:\t${families.length ? families.join(',') : '<none>'}\n`);
  w.write(LEVEL_0, `IP:\t${s(spec.clusterIP)}\n`);
  const ips = (spec.clusterIPs as string[] | undefined) ?? [];
  w.write(LEVEL_0, `IPs:\t${ips.length ? ips.join(',') : '<none>'}\n`);
  const external = (spec.externalIPs as string[] | undefined) ?? [];
  if (external.length) w.write(LEVEL_0, `External IPs:\t${external.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${s(spec.loadBalancerIP)}\n`);
  if (spec.externalName) w.write(LEVEL_0, `External Name:\t${s(spec.externalName)}\n`);
  for (const p of arr(spec.ports)) {
    const name = s(p.name) || '<unset>';
    w.write(LEVEL_0, `Port:\t${name}\t${s(p.port)}/${s(p.protocol)}\n`);
    w.write(LEVEL_0, `TargetPort:\t${s(p.targetPort)}/${s(p.protocol)}\n`);
    if (p.appProtocol) w.write(LEVEL_0, `AppProtocol:\t${s(p.appProtocol)}\n`);
    if (Number(p.nodePort ?? 0) !== 0) w.write(LEVEL_0, `NodePort:\t${name}\t${s(p.nodePort)}/${s(p.protocol)}\n`);
    w.write(LEVEL_0, `Endpoints:\t${formatEndpoints(slices, s(p.name))}\n`);
  }
  w.write(LEVEL_0, `Session Affinity:\t${s(spec.sessionAffinity)}\n`);
  if (spec.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${s(spec.externalTrafficPolicy)}\n`);
  if (spec.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${s(spec.internalTrafficPolicy)}\n`);
  if (Number(spec.healthCheckNodePort ?? 0) !== 0) w.write(LEVEL_0, `HealthCheck NodePort:\t${s(spec.healthCheckNodePort)}\n`);
  if (spec.trafficDistribution) w.write(LEVEL_0, `Traffic Distribution:\t${s(spec.trafficDistribution)}\n`);
  if (events) describeEvents(w, events, now);
  return w.toString();
};
