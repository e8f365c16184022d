// Printers of the remaining groups (printers.go: printLease, printEndpointSlice,
// printPriorityClass, printPodDisruptionBudget, printIngress, printIngressClass,
// printNetworkPolicy, printStorageClass, printCertificateSigningRequest, printHorizontalPodAutoscaler).
import type { Lease } from '../../api/coordination/v1';
import type { EndpointSlice } from '../../api/discovery/v1';
import type { PriorityClass } from '../../api/scheduling/v1';
import type { PodDisruptionBudget } from '../../api/policy/v1';
import type { Ingress, IngressClass, NetworkPolicy } from '../../api/networking/v1';
import type { StorageClass } from '../../api/storage/v1';
import type { CertificateSigningRequest } from '../../api/certificates/v1';
import { conditionSummary } from '../certificates/csr';
import { isDefaultClass } from './admission/default-storage-class';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget } from '../../api/autoscaling/v2';
import { hpaFromV1 } from './registry/hpa-v1';
import { age, formatLabelSelector, humanDuration, listWithMore, type Printer } from './printers-common';
import { loadBalancerAddresses } from './printers-core';

const printLease: Printer = (obj, now) => [obj.metadata.name ?? '', (obj as Lease).spec?.holderIdentity ?? '', age(obj.metadata.creationTimestamp, now)];

const printEndpointSlice: Printer = (obj, now) => {
  const es = obj as EndpointSlice;
  const ports = (es.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? '<unset>'));
  const addrs = (es.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return [obj.metadata.name ?? '', es.addressType, listWithMore(ports, 3, '<unset>'), listWithMore(addrs, 3, '<unset>'), age(obj.metadata.creationTimestamp, now)];
};

const printPriorityClass: Printer = (obj, now) => {
  const pc = obj as PriorityClass;
  return [obj.metadata.name ?? '', pc.value ?? 0, pc.globalDefault ?? false, age(obj.metadata.creationTimestamp, now), pc.preemptionPolicy ?? '<unset>'];
};

const printPodDisruptionBudget: Printer = (obj, now) => {
  const pdb = obj as PodDisruptionBudget;
  const show = (v: number | string | undefined) => (v === undefined ? 'N/A' : String(v));
  return [
    obj.metadata.name ?? '', show(pdb.spec?.minAvailable), show(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0,
    age(obj.metadata.creationTimestamp, now),
  ];
};

/** formatHosts: up to three hosts, `*` when no rule names one. */
const ingressHosts = (ing: Ingress): string => {
  const rules = ing.spec?.rules ?? [];
  const hosts = rules.slice(0, 3).map((r) => r.host ?? '').filter(Boolean);
  if (hosts.length === 0) return '*';
  return rules.length > 3 ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
};

const printIngress: Printer = (obj, now) => {
  const ing = obj as Ingress;
  return [
    obj.metadata.name ?? '', ing.spec?.ingressClassName ?? '<none>', ingressHosts(ing), loadBalancerAddresses(ing.status?.loadBalancer).join(','),
    ing.spec?.tls?.length ? '80, 443' : '80', age(obj.metadata.creationTimestamp, now),
  ];
};

const printIngressClass: Printer = (obj, now) => {
  const ic = obj as IngressClass;
  const p = ic.spec?.parameters;
  const params = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
  return [obj.metadata.name ?? '', ic.spec?.controller ?? '', params, age(obj.metadata.creationTimestamp, now)];
};

/** printCertificateSigningRequest: REQUESTEDDURATION is <none> unless spec.expirationSeconds asks. */
const printCertificateSigningRequest: Printer = (obj, now) => {
  const csr = obj as unknown as CertificateSigningRequest;
  const seconds = csr.spec?.expirationSeconds;
  return [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp, now), csr.spec?.signerName ?? '', csr.spec?.username ?? '',
    seconds === undefined ? '<none>' : humanDuration(seconds * 1000), conditionSummary(csr)];
};

/** printStorageClass: the default class is marked `(default)` after its name. */
const printStorageClass: Printer = (obj, now) => {
  const sc = obj as StorageClass;
  return [`${obj.metadata.name ?? ''}${isDefaultClass(obj) ? ' (default)' : ''}`, sc.provisioner, sc.reclaimPolicy ?? 'Delete',
    sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, age(obj.metadata.creationTimestamp, now)];
};

const printNetworkPolicy: Printer = (obj, now) =>
  [obj.metadata.name ?? '', formatLabelSelector((obj as NetworkPolicy).spec?.podSelector), age(obj.metadata.creationTimestamp, now)];

const targetString = (t: MetricTarget): string =>
  (t.averageValue !== undefined ? String(t.averageValue) : t.averageUtilization !== undefined ? `${t.averageUtilization}%` : t.value !== undefined ? String(t.value) : '<auto>');

/** One TARGETS entry (formatHPAMetrics): `cpu: 40%/50%`, `<unknown>` before the first measurement. */
const metricString = (spec: MetricSpec, status: MetricStatus | undefined): string => {
  const unknown = '<unknown>';
  switch (spec.type) {
    case 'Resource': case 'ContainerResource': {
      const src = spec.resource ?? spec.containerResource;
      const cur = status?.resource?.current ?? status?.containerResource?.current;
      const byValue = src?.target?.averageValue !== undefined;
      const current = byValue ? (cur?.averageValue !== undefined ? String(cur.averageValue) : unknown)
        : cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : unknown;
      return `${src?.name ?? ''}: ${current}/${src ? targetString(src.target ?? {}) : '<auto>'}`;
    }
    case 'Pods': return `${status?.pods?.current.averageValue ?? unknown}/${spec.pods ? targetString(spec.pods.target) : ''}`;
    case 'Object': return `${status?.object?.current?.value ?? status?.object?.current?.averageValue ?? unknown}/${spec.object ? targetString(spec.object.target) : ''}`;
    case 'External': return `${status?.external?.current?.value ?? status?.external?.current?.averageValue ?? unknown}/${spec.external ? targetString(spec.external.target) : ''}`;
    default: return '<unknown type>';
  }
};

export const formatHpaMetrics = (hpa: HorizontalPodAutoscaler): string => {
  const specs = hpa.spec?.metrics ?? [];
  if (specs.length === 0) return '<none>';
  const list = specs.map((s, i) => metricString(s, hpa.status?.currentMetrics?.[i]));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
};

const printHorizontalPodAutoscaler: Printer = (obj, now) => {
  // Upstream prints the internal (v2-shaped) object whichever version was asked for.
  const hpa = (obj.apiVersion === 'autoscaling/v1' ? hpaFromV1(obj) : obj) as HorizontalPodAutoscaler;
  const ref = hpa.spec?.scaleTargetRef;
  return [
    obj.metadata.name ?? '', `${ref?.kind ?? ''}/${ref?.name ?? ''}`, formatHpaMetrics(hpa),
    hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : '<unset>', hpa.spec?.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0, age(obj.metadata.creationTimestamp, now),
  ];
};

export const otherPrinters: Record<string, Printer> = {
  Lease: printLease, EndpointSlice: printEndpointSlice, PriorityClass: printPriorityClass,
  PodDisruptionBudget: printPodDisruptionBudget, Ingress: printIngress, IngressClass: printIngressClass, StorageClass: printStorageClass, CertificateSigningRequest: printCertificateSigningRequest,
  NetworkPolicy: printNetworkPolicy, HorizontalPodAutoscaler: printHorizontalPodAutoscaler,
};
