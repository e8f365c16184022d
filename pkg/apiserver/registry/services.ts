// Services (SetDefaults_Service, registry/core/service strategy.go and the REST layer's IP and
// node-port allocation, ValidateService): ClusterIP, sessionAffinity None, TCP, targetPort =
// port, single-stack IPv4, a cluster IP from 10.96.0.0/16.
//
// Allocation is a pure function of the service's uid (strategies do no I/O), so two services
// can, rarely, draw the same address; upstream keeps a bitmap in etcd (/registry/ranges/
// serviceips). Reserved: 10.96.0.1 (kubernetes) and 10.96.0.10 (cluster DNS).
import { createHash } from 'node:crypto';
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Service, ServicePort, ServiceSpec } from '../../../api/core/v1';
import { duplicate, forbiddenField, immutableField, invalidValue, required, simpleStrategy, unsupported } from './strategy';

export const serviceCIDR = { base: [10, 96, 0, 0], size: 65536 };
export const nodePortRange = { base: 30000, size: 2768 };
const reserved = new Set([0, 1, 10, serviceCIDR.size - 1]);

const hashOf = (s: string, salt: string): number => createHash('sha256').update(`${salt}/${s}`).digest().readUInt32BE(0);

/** The cluster IP drawn for a uid (never .0, .1, .10 or the broadcast address). */
export const allocateClusterIP = (uid: string): string => {
  let n = hashOf(uid, 'ip') % serviceCIDR.size;
  while (reserved.has(n)) n = (n + 1) % serviceCIDR.size;
  const [a, b] = serviceCIDR.base;
  return `${a}.${b}.${n >> 8}.${n & 255}`;
};

export const allocateNodePort = (uid: string, index: number): number => nodePortRange.base + (hashOf(uid, `port${index}`) % nodePortRange.size);

const needsNodePorts = (type: string | undefined) => type === 'NodePort' || type === 'LoadBalancer';

const defaultPorts = (ports: ServicePort[] | undefined): ServicePort[] | undefined =>
  ports?.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? p.port : p.targetPort }));

export const defaultServiceSpec = (spec: ServiceSpec): ServiceSpec => {
  const type = spec.type ?? 'ClusterIP';
  const out: ServiceSpec = { ...spec, type, sessionAffinity: spec.sessionAffinity ?? 'None', ports: defaultPorts(spec.ports) };
  if (!out.ports) delete out.ports;
  if (out.sessionAffinity === 'ClientIP') out.sessionAffinityConfig = { clientIP: { timeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 } };
  if (type !== 'ExternalName') out.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
  if (needsNodePorts(type)) out.externalTrafficPolicy = spec.externalTrafficPolicy ?? 'Cluster';
  if (type === 'LoadBalancer') out.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts ?? true;
  return out;
};

/** What the REST layer allocates on create: cluster IP(s), IP families and node ports. */
const allocate = (obj: ApiObject): ApiObject => {
  const spec = defaultServiceSpec((obj as Service).spec ?? {});
  const uid = obj.metadata.uid ?? obj.metadata.name ?? '';
  if (spec.type === 'ExternalName') return { ...obj, spec };
  const ip = spec.clusterIP || spec.clusterIPs?.[0] || allocateClusterIP(uid);
  const headless = ip === 'None';
  const policy = spec.ipFamilyPolicy ?? (headless && !spec.selector ? 'RequireDualStack' : 'SingleStack');
  const ports = needsNodePorts(spec.type)
    ? spec.ports?.map((p, i) => ({ ...p, nodePort: p.nodePort ?? allocateNodePort(uid, i) })) : spec.ports;
  return { ...obj, spec: { ...spec, clusterIP: ip, clusterIPs: [ip], ipFamilies: spec.ipFamilies ?? ['IPv4'], ipFamilyPolicy: policy, ...(ports ? { ports } : {}) } };
};

/** patchAllocatedValues: an update that omits allocated values keeps the stored ones. */
const keepAllocated = (obj: ApiObject, old: ApiObject): ApiObject => {
  const spec = (obj as Service).spec ?? {};
  const prev = (old as Service).spec ?? {};
  if ((spec.type ?? 'ClusterIP') === 'ExternalName' || prev.type === 'ExternalName') return obj;
  const keep: ServiceSpec = {
    ...spec,
    clusterIP: spec.clusterIP || prev.clusterIP, clusterIPs: spec.clusterIPs ?? prev.clusterIPs,
    ipFamilies: spec.ipFamilies ?? prev.ipFamilies, ipFamilyPolicy: spec.ipFamilyPolicy ?? prev.ipFamilyPolicy,
  };
  if (needsNodePorts(spec.type) && needsNodePorts(prev.type)) {
    keep.ports = spec.ports?.map((p) => ({ ...p, nodePort: p.nodePort ?? prev.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort }));
  }
  return allocate({ ...obj, spec: keep });
};

const validatePorts = (spec: ServiceSpec): StatusCause[] => {
  const ports = spec.ports ?? [];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) causes.push(required(`${at}.name`));
    if (p.name && names.has(p.name)) causes.push(duplicate(`${at}.name`, p.name));
    if (p.name) names.add(p.name);
    if (p.port < 1 || p.port > 65535) causes.push(invalidValue(`${at}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    if (p.protocol && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) causes.push(unsupported(`${at}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) {
      causes.push(invalidValue(`${at}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
    }
    if (p.nodePort !== undefined && !needsNodePorts(spec.type)) {
      causes.push(forbiddenField(`${at}.nodePort`, `may not be used when \`type\` is '${spec.type ?? 'ClusterIP'}'`));
    }
  });
  return causes;
};

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

export const validateService = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as Service).spec;
  if (!spec) return [required('spec')];
  const causes: StatusCause[] = [];
  if (spec.type && !serviceTypes.includes(spec.type)) causes.push(unsupported('spec.type', spec.type, serviceTypes));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) causes.push(required('spec.externalName'));
    if (spec.clusterIP) causes.push(forbiddenField('spec.clusterIP', 'may not be set for ExternalName services'));
  } else if (spec.clusterIP !== 'None' && !spec.ports?.length) causes.push(required('spec.ports'));
  if (spec.sessionAffinity && !['ClientIP', 'None'].includes(spec.sessionAffinity)) {
    causes.push(unsupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  }
  return [...causes, ...validatePorts(spec)];
};

export const serviceStrategy = simpleStrategy({
  onCreate: allocate,
  onUpdate: keepAllocated,
  defaults: (obj) => ({ ...obj, spec: defaultServiceSpec((obj as Service).spec ?? {}) }),
  initialStatus: () => ({ loadBalancer: {} }),
  validate: validateService,
  validateUpdate: (obj, old) => {
    const [spec, prev] = [(obj as Service).spec, (old as Service).spec];
    if (spec?.type === 'ExternalName' || !prev?.clusterIP || spec?.clusterIP === prev.clusterIP) return [];
    return [{ ...immutableField('spec.clusterIPs[0]'), message: `Invalid value: ${JSON.stringify(spec?.clusterIP)}: may not change once set` }];
  },
  fieldLabels: ['spec.clusterIP', 'spec.type'],
});
