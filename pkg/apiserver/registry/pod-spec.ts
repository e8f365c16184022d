// Pod spec defaults, validation and QoS class, shared by pods and the templates of ReplicaSets
// (upstream core/v1 defaults.go, core/validation ValidatePodSpec, qos.GetPodQOS).
import type { StatusCause } from '../../../api/meta/v1';
import type { Container, PodSpec } from '../../../api/core/v1';
import { validateDNS1123Label, milliValue } from '../../apimachinery';
import { required, invalidValue, duplicate, unsupported } from './strategy';

const defaultContainer = (c: Container): Container => {
  const image = c.image ?? '';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes('@') ? '' : lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : 'latest';
  const digest = image.includes('@');
  const out: Container = {
    ...c,
    imagePullPolicy: c.imagePullPolicy ?? (!digest && tag === 'latest' ? 'Always' : 'IfNotPresent'),
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    resources: defaultResources(c.resources),
  };
  if (c.ports) out.ports = c.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
  return out;
};

/** Requests default to limits for every resource that only has a limit. */
const defaultResources = (r: Container['resources']): NonNullable<Container['resources']> => {
  if (!r?.limits) return r ?? {};
  return { ...r, requests: { ...r.limits, ...(r.requests ?? {}) } };
};

export const defaultPodSpec = (spec: PodSpec): PodSpec => ({
  ...spec,
  restartPolicy: spec.restartPolicy ?? 'Always',
  terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
  dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
  schedulerName: spec.schedulerName ?? 'default-scheduler',
  securityContext: spec.securityContext ?? {},
  enableServiceLinks: spec.enableServiceLinks ?? true,
  containers: (spec.containers ?? []).map(defaultContainer),
  ...(spec.initContainers ? { initContainers: spec.initContainers.map(defaultContainer) } : {}),
});

const validateContainers = (list: Container[], path: string, names: Set<string>): StatusCause[] => {
  const causes: StatusCause[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c.name) causes.push(required(`${at}.name`));
    else {
      for (const msg of validateDNS1123Label(c.name)) causes.push(invalidValue(`${at}.name`, c.name, msg));
      if (names.has(c.name)) causes.push(duplicate(`${at}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || c.image.trim() === '') causes.push(required(`${at}.image`));
    if (c.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      causes.push(unsupported(`${at}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    }
    (c.ports ?? []).forEach((p, j) => {
      if (p.containerPort < 1 || p.containerPort > 65535) {
        causes.push(invalidValue(`${at}.ports[${j}].containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive'));
      }
    });
  });
  return causes;
};

/** Semantic checks the schema cannot express; `path` is `spec` or `spec.template.spec`. */
export const validatePodSpec = (spec: PodSpec | undefined, path: string): StatusCause[] => {
  if (!spec) return [required(path)];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  if (!spec.containers || spec.containers.length === 0) causes.push(required(`${path}.containers`));
  else causes.push(...validateContainers(spec.containers, `${path}.containers`, names));
  causes.push(...validateContainers(spec.initContainers ?? [], `${path}.initContainers`, names));
  if (spec.restartPolicy && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    causes.push(unsupported(`${path}.restartPolicy`, spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    causes.push(invalidValue(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  return causes;
};

const milli = (q: string | number): number => milliValue(q);
const qosResources = ['cpu', 'memory'];

/** qos.GetPodQOS: Guaranteed when every container limits cpu and memory and requests equal limits. */
export const podQosClass = (spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' => {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const found = new Set<string>();
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      if (qosResources.includes(name) && milli(q) !== 0) requests.set(name, (requests.get(name) ?? 0) + milli(q));
    }
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      if (!qosResources.includes(name) || milli(q) === 0) continue;
      found.add(name);
      limits.set(name, (limits.get(name) ?? 0) + milli(q));
    }
    if (!qosResources.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size && [...requests].every(([k, v]) => limits.get(k) === v)) return 'Guaranteed';
  return 'Burstable';
};
