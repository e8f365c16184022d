// What a Service holds of the two ranges, and the 422s upstream answers when a requested value
// cannot be had (pkg/registry/core/service/storage/alloc.go).
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Service, ServiceSpec } from '../../../api/core/v1';
import { invalid } from '../../apimachinery/errors';
import { AllocationError } from './range-store';

export const needsNodePorts = (spec: ServiceSpec): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

export const specOf = (obj: ApiObject): ServiceSpec => (obj as Service).spec ?? {};

/** The cluster IPs a service holds: none for ExternalName and headless ones. */
export const clusterIPsOf = (obj: ApiObject): string[] => {
  const spec = specOf(obj);
  if (spec.type === 'ExternalName') return [];
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
};

/** The node ports a service holds, each once (53/TCP and 53/UDP may share one). */
export const nodePortsOf = (obj: ApiObject): string[] => {
  const spec = specOf(obj);
  if (spec.type === 'ExternalName') return [];
  const ports = (spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0);
  return [...new Set(ports.map(String))];
};

/** True when the service should get a cluster IP it has not got. */
export const wantsClusterIP = (obj: ApiObject): boolean => {
  const spec = specOf(obj);
  return spec.type !== 'ExternalName' && !spec.clusterIP && !spec.clusterIPs?.length;
};

const goStrings = (xs: readonly string[]): string => `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;

const ipMessage = (err: AllocationError): string => {
  if (err.reason === 'allocated') return 'provided IP is already allocated';
  if (err.reason === 'full') return 'range is full';
  return `the provided IP (${err.value}) is not in the valid range. The range of valid IPs is ${err.range}`;
};

const portMessage = (err: AllocationError): string => {
  if (err.reason === 'allocated') return 'provided port is already allocated';
  if (err.reason === 'full') return 'range is full';
  return `provided port is not in the valid range. The range of valid ports is ${err.range}`;
};

const serviceInvalid = (obj: ApiObject, cause: StatusCause) => invalid('Service', '', obj.metadata.name ?? '', [cause]);

/** upstream: spec.clusterIPs: Invalid value: []string{"…"}: failed to allocate IP …: … */
export const clusterIPError = (obj: ApiObject, err: AllocationError) => {
  const ips = specOf(obj).clusterIPs ?? (err.value ? [err.value] : []);
  const what = err.reason === 'full' ? 'failed to allocate a serviceIP' : `failed to allocate IP ${err.value}`;
  return serviceInvalid(obj, { reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStrings(ips)}: ${what}: ${ipMessage(err)}` });
};

/** upstream: spec.ports[i].nodePort: Invalid value: N: provided port is already allocated */
export const nodePortError = (obj: ApiObject, err: AllocationError) => {
  const index = (specOf(obj).ports ?? []).findIndex((p) => String(p.nodePort) === err.value);
  if (err.reason === 'full' || index < 0) {
    return serviceInvalid(obj, { reason: 'FieldValueInvalid', field: 'spec.ports', message: `Invalid value: "": failed to allocate a nodePort: ${portMessage(err)}` });
  }
  return serviceInvalid(obj, { reason: 'FieldValueInvalid', field: `spec.ports[${index}].nodePort`, message: `Invalid value: ${err.value}: ${portMessage(err)}` });
};
