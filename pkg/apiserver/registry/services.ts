// Services (SetDefaults_Service, registry/core/service strategy.go, ValidateService):
// ClusterIP, sessionAffinity None, TCP, targetPort = port, single-stack IPv4. Cluster IPs and
// node ports are not chosen here (strategies do no I/O): a requested clusterIP is kept as
// asked, and the allocating store (pkg/apiserver/allocators) takes the values from the
// bitmaps in etcd around the write.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Service, ServicePort, ServiceSpec } from '../../../api/core/v1';
import { duplicate, forbiddenField, immutableField, invalidValue, required, simpleStrategy, unsupported } from './strategy';

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

/** IP families and a requested cluster IP; the address itself and node ports come from the allocating store. */
const allocate = (obj: ApiObject): ApiObject => {
  const spec = defaultServiceSpec((obj as Service).spec ?? {});
  if (spec.type === 'ExternalName') return { ...obj, spec };
  const ip = spec.clusterIP || spec.clusterIPs?.[0] || '';
  const headless = ip === 'None';
  const policy = spec.ipFamilyPolicy ?? (headless && !spec.selector ? 'RequireDualStack' : 'SingleStack');
  const { clusterIP: _ip, clusterIPs: _ips, ...rest } = spec;
  void _ip; void _ips;
  return { ...obj, spec: { ...rest, ...(ip ? { clusterIP: ip, clusterIPs: [ip] } : {}), ipFamilies: spec.ipFamilies ?? ['IPv4'], ipFamilyPolicy: policy } };
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
  } else if (needsNodePorts(prev.type) && !needsNodePorts(spec.type)) {
    // dropTypeDependentFields: node ports left over from the old type go (and are released).
    const old = new Set((prev.ports ?? []).map((o) => o.nodePort));
    keep.ports = spec.ports?.map(({ nodePort, ...p }) => (nodePort !== undefined && old.has(nodePort) ? p : { ...p, nodePort }));
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
