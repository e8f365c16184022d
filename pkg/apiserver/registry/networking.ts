// networking.k8s.io/v1 (registry/networking strategies, ValidateIngress*, ValidateNetworkPolicy*):
// ingress paths need a pathType and a backend; IngressClass controllers are immutable;
// NetworkPolicies default policyTypes and port protocols.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, NetworkPolicy, NetworkPolicyPort, NetworkPolicySpec } from '../../../api/networking/v1';
import { forbiddenField, immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

const validateBackend = (b: IngressBackend | undefined, path: string): StatusCause[] => {
  if (!b) return [required(path)];
  if (b.service && b.resource) return [invalidValue(path, '', 'cannot set both resource and service backends')];
  if (!b.service && !b.resource) return [required(path)];
  const port = b.service?.port;
  if (b.service && !port?.name && port?.number === undefined) return [required(`${path}.service.port`)];
  return [];
};

const validatePath = (p: HTTPIngressPath, at: string): StatusCause[] => {
  const causes = validateBackend(p.backend, `${at}.backend`);
  if (!pathTypes.includes(p.pathType)) causes.push(unsupported(`${at}.pathType`, p.pathType, pathTypes));
  else if (p.pathType !== 'ImplementationSpecific' && !(p.path ?? '').startsWith('/')) causes.push(invalidValue(`${at}.path`, p.path ?? '', 'must be an absolute path'));
  return causes;
};

const validateIngress = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as Ingress).spec;
  if (!spec) return [required('spec')];
  const causes: StatusCause[] = [];
  if (!spec.defaultBackend && !spec.rules?.length) causes.push({ ...required('spec.rules'), message: 'Required value: either `defaultBackend` or `rules` must be specified' });
  if (spec.defaultBackend) causes.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  (spec.rules ?? []).forEach((r, i) => {
    if (r.host?.includes('*') && !r.host.startsWith('*.')) causes.push(invalidValue(`spec.rules[${i}].host`, r.host, 'a wildcard DNS-1123 subdomain must start with \'*.\''));
    (r.http?.paths ?? []).forEach((p, j) => causes.push(...validatePath(p, `spec.rules[${i}].http.paths[${j}]`)));
  });
  return causes;
};

export const ingressStrategy = simpleStrategy({ validate: validateIngress, hasStatus: true });

export const ingressClassStrategy = simpleStrategy({
  validate: (obj) => ((obj as IngressClass).spec?.controller ? [] : [required('spec.controller')]),
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.controller']),
});

const defaultPorts = (ports: NetworkPolicyPort[] | undefined) => ports?.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));

/** SetDefaults_NetworkPolicy: Ingress always, Egress when egress rules exist; ports default to TCP. */
const defaultNetworkPolicy = (obj: ApiObject): ApiObject => {
  const spec = (obj as NetworkPolicy).spec ?? ({} as NetworkPolicySpec);
  const policyTypes = spec.policyTypes?.length ? spec.policyTypes : ['Ingress', ...(spec.egress?.length ? ['Egress'] : [])];
  return {
    ...obj,
    spec: {
      ...spec, policyTypes,
      ...(spec.ingress ? { ingress: spec.ingress.map((r) => ({ ...r, ...(r.ports ? { ports: defaultPorts(r.ports) } : {}) })) } : {}),
      ...(spec.egress ? { egress: spec.egress.map((r) => ({ ...r, ...(r.ports ? { ports: defaultPorts(r.ports) } : {}) })) } : {}),
    },
  };
};

const validateNetworkPolicy = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as NetworkPolicy).spec;
  if (!spec) return [required('spec')];
  const causes = (spec.policyTypes ?? []).filter((t) => !['Ingress', 'Egress'].includes(t)).map((t) => unsupported('spec.policyTypes', t, ['Egress', 'Ingress']));
  if ((spec.policyTypes?.length ?? 0) > 2) causes.push(forbiddenField('spec.policyTypes', 'may not specify more than two policyTypes'));
  const peers = [...(spec.ingress ?? []).flatMap((r) => r.from ?? []), ...(spec.egress ?? []).flatMap((r) => r.to ?? [])];
  if (peers.some((p) => p.ipBlock && (p.podSelector || p.namespaceSelector))) {
    causes.push(forbiddenField('spec', 'may not specify both ipBlock and another peer'));
  }
  return causes;
};

export const networkPolicyStrategy = simpleStrategy({ defaults: defaultNetworkPolicy, validate: validateNetworkPolicy });
