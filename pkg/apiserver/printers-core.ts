// Printers of the core/v1 kinds beyond pods, nodes, namespaces and events (printers.go:
// printService, printEndpoints, printConfigMap, printSecret, printServiceAccount,
// printPersistentVolume, printPersistentVolumeClaim, printLimitRange, printResourceQuota).
import type {
  ConfigMap, Endpoints, LimitRange, LoadBalancerStatus, PersistentVolume, PersistentVolumeClaim, ResourceQuota, Secret,
  ReplicationController, Service, ServiceAccount,
} from '../../api/core/v1';
import { age, containerCells, formatLabels, type Printer } from './printers-common';
import { canonicalQuantity } from '../apimachinery/quota';

/** IPs and hostnames of a load balancer, comma-separated (loadBalancerStatusStringer, wide). */
export const loadBalancerAddresses = (lb: Pick<LoadBalancerStatus, 'ingress'> | undefined): string[] =>
  (lb?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);

const serviceExternalIP = (svc: Service): string => {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP': case 'NodePort': case undefined:
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc.status?.loadBalancer), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName': return spec.externalName ?? '';
    default: return '<unknown>';
  }
};

const servicePorts = (svc: Service): string => {
  const ports = (svc.spec?.ports ?? []).map((p) =>
    (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`));
  return ports.length ? ports.join(',') : '<none>';
};

const printService: Printer = (obj, now) => {
  const svc = obj as Service;
  return [
    obj.metadata.name ?? '', svc.spec?.type ?? '', svc.spec?.clusterIP || '<none>', serviceExternalIP(svc), servicePorts(svc),
    age(obj.metadata.creationTimestamp, now), formatLabels(svc.spec?.selector),
  ];
};

/** formatEndpoints: up to three ip:port pairs, then `+ N more...`. */
export const formatEndpoints = (ep: Endpoints): string => {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) all.push(...addrs.map((a) => a.ip));
    else for (const p of ss.ports) all.push(...addrs.map((a) => (a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`)));
  }
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
};

const printEndpoints: Printer = (obj, now) => [obj.metadata.name ?? '', formatEndpoints(obj as Endpoints), age(obj.metadata.creationTimestamp, now)];

const printConfigMap: Printer = (obj, now) => {
  const cm = obj as ConfigMap;
  return [obj.metadata.name ?? '', Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(obj.metadata.creationTimestamp, now)];
};

const printSecret: Printer = (obj, now) => {
  const s = obj as Secret;
  return [obj.metadata.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, age(obj.metadata.creationTimestamp, now)];
};

const printServiceAccount: Printer = (obj, now) =>
  [obj.metadata.name ?? '', (obj as ServiceAccount).secrets?.length ?? 0, age(obj.metadata.creationTimestamp, now)];

const modeAbbreviations: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];
/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once. */
export const accessModesString = (modes: string[] | undefined): string =>
  modeAbbreviations.filter(([m]) => modes?.includes(m)).map(([, a]) => a).join(',');

const storageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

const printPersistentVolume: Printer = (obj, now) => {
  const pv = obj as PersistentVolume;
  const spec = pv.spec ?? {};
  const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
  const phase = obj.metadata.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '';
  const storageClass = obj.metadata.annotations?.[storageClassAnnotation] ?? spec.storageClassName ?? '';
  return [
    obj.metadata.name ?? '', String(spec.capacity?.storage ?? ''), accessModesString(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
    phase, claim, storageClass, spec.volumeAttributesClassName || '<unset>', pv.status?.reason ?? '',
    age(obj.metadata.creationTimestamp, now), spec.volumeMode ?? '<unset>',
  ];
};

const printPersistentVolumeClaim: Printer = (obj, now) => {
  const pvc = obj as PersistentVolumeClaim;
  const spec = pvc.spec ?? {};
  const phase = obj.metadata.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
  const bound = Boolean(spec.volumeName);
  const storageClass = obj.metadata.annotations?.[storageClassAnnotation] ?? spec.storageClassName ?? '';
  return [
    obj.metadata.name ?? '', phase, spec.volumeName ?? '', bound ? String(pvc.status?.capacity?.storage ?? '') : '',
    bound ? accessModesString(pvc.status?.accessModes) : '', storageClass, spec.volumeAttributesClassName || '<unset>',
    age(obj.metadata.creationTimestamp, now), spec.volumeMode ?? '<unset>',
  ];
};

/** LimitRanges print their creation time in RFC 3339 (printLimitRange), not an age. */
const printLimitRange: Printer = (obj) => {
  const ts = (obj as LimitRange).metadata?.creationTimestamp;
  return [obj.metadata.name ?? '', ts ? `${new Date(ts).toISOString().slice(0, 19)}Z` : ''];
};

/** Quantity.String(): `1000m` prints as `1`; a value that does not parse is shown as stored. */
const quantityText = (v: string | number): string => {
  try {
    return canonicalQuantity(v);
  } catch {
    return String(v);
  }
};

const printResourceQuota: Printer = (obj, now) => {
  const q = obj as ResourceQuota;
  const hard = q.status?.hard ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${quantityText(q.status?.used?.[name] ?? '0')}/${quantityText(hard[name])}`;
    (name.split('.').length > 1 && name.startsWith('limits.') ? limit : request).push(cell);
  }
  return [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp, now), request.join(', '), limit.join(', ')];
};

/** printReplicationController: DESIRED CURRENT READY AGE [CONTAINERS IMAGES SELECTOR]; the selector is a plain map. */
const printReplicationController: Printer = (obj, now) => {
  const rc = obj as ReplicationController;
  return [
    obj.metadata.name ?? '', rc.spec?.replicas ?? 0, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0,
    age(obj.metadata.creationTimestamp, now), ...containerCells(rc.spec?.template?.spec?.containers), formatLabels(rc.spec?.selector),
  ];
};

export const coreV1Printers: Record<string, Printer> = {
  Service: printService, Endpoints: printEndpoints, ConfigMap: printConfigMap, Secret: printSecret,
  ServiceAccount: printServiceAccount, PersistentVolume: printPersistentVolume, PersistentVolumeClaim: printPersistentVolumeClaim,
  LimitRange: printLimitRange, ResourceQuota: printResourceQuota, ReplicationController: printReplicationController,
};
