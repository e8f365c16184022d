// A container's environment, as kubelet's makeEnvironmentVariables builds it (kubelet_pods.go):
// envFrom first (ConfigMaps and Secrets, optionally prefixed, invalid names skipped), then env in
// order (value with $(VAR) expansion, or valueFrom: fieldRef, resourceFieldRef, configMapKeyRef,
// secretKeyRef), then the service variables that env did not set. Pure: the caller fetches the
// ConfigMaps and Secrets (env-sources.ts) and passes the services lister.
import type { ConfigMap, Container, EnvVar, Pod, ResourceFieldSelector, Secret } from '../../api/core/v1';
import { milliValue, quantityValue } from '../apimachinery';
import type { NodeAllocatable } from './admission';
import { ContainerConfigError } from './container-config-error';
import { podIdentity } from './pod-util';
import type { KeyValue } from './runtime-client';
import { serviceEnv, type ServiceLister } from './service-env';

/** The reason of the event listing envFrom keys that were skipped. */
export const reasonInvalidEnvironmentVariableNames = 'InvalidEnvironmentVariableNames';

export interface EnvContext {
  podIP: string;
  hostIP: string;
  nodeName: string;
  /** The node's allocatable: what resourceFieldRef reports for a limit the container does not set. */
  allocatable?: Pick<NodeAllocatable, 'milliCPU' | 'memory' | 'ephemeralStorage'>;
}

/**
 * What the environment reads besides the pod. configMaps and secrets hold the objects of the pod's
 * namespace that the container refers to, by name (a name that is not there is NotFound); left
 * out, nothing can be read, as kubelet without an API client. Without services there are no
 * service variables (kubelet without a service lister).
 */
export interface EnvSources {
  configMaps?: ReadonlyMap<string, ConfigMap>;
  secrets?: ReadonlyMap<string, Secret>;
  services?: ServiceLister;
}

/** The environment, and the messages of the InvalidEnvironmentVariableNames events to record. */
export interface ContainerEnv { envs: KeyValue[]; warnings: string[] }

/** Lookups that `expand` reads (a Map, or several layered). */
export type VarLookup = Pick<ReadonlyMap<string, string>, 'get' | 'has'>;

/** Expands `$(VAR)` from `vars` (`$$` escapes), leaving unknown references as they are (upstream third_party expansion). */
export const expand = (s: string, vars: VarLookup): string =>
  s.replace(/\$\$|\$\(([^)]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && vars.has(name) ? (vars.get(name) ?? '') : whole;
  });

/** apimachinery IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`, and not `.`, `..` or `..`-prefixed. */
export const isEnvVarName = (s: string): boolean => /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(s) && !s.startsWith('..') && s !== '.';

const labelRef = /^metadata\.(labels|annotations)\['(.+)'\]$/;

const fieldRefValue = (pod: Pod, fieldPath: string, ctx: EnvContext): string => {
  const m = labelRef.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': case 'status.podIPs': return ctx.podIP;
    case 'status.hostIP': case 'status.hostIPs': return ctx.hostIP;
    default: throw new ContainerConfigError(`unsupported fieldRef ${fieldPath}`);
  }
};

const quantity = (q: string | number, read: (q: string | number) => number): number => {
  try {
    return read(q);
  } catch {
    throw new ContainerConfigError(`invalid quantity ${String(q)}`);
  }
};

const findContainer = (pod: Pod, name: string): Container => {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === name);
  if (!c) throw new ContainerConfigError(`container ${name} not found`);
  return c;
};

/**
 * resource.ExtractContainerResourceValue over kubelet's defaultPodLimitsForDownwardAPI: an unset
 * limit is the node's allocatable; requests default to limits as the apiserver's defaulting does.
 * The value is rounded up to whole divisors (cpu in millicores, the rest in bytes).
 */
const resourceFieldValue = (pod: Pod, c: Container, ref: ResourceFieldSelector, ctx: EnvContext): string => {
  const target = ref.containerName ? findContainer(pod, ref.containerName) : c;
  const dot = ref.resource.indexOf('.');
  const kind = ref.resource.slice(0, dot);
  const name = ref.resource.slice(dot + 1);
  const known = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
  if ((kind !== 'limits' && kind !== 'requests') || !known) throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  const read = name === 'cpu' ? milliValue : quantityValue;
  const limits = target.resources?.limits ?? {};
  const set = kind === 'limits' ? limits[name] : target.resources?.requests?.[name] ?? limits[name];
  const alloc: Record<string, number | undefined> = { cpu: ctx.allocatable?.milliCPU, memory: ctx.allocatable?.memory, 'ephemeral-storage': ctx.allocatable?.ephemeralStorage };
  const value = set !== undefined ? quantity(set, read) : kind === 'limits' ? alloc[name] ?? 0 : 0;
  const divisor = ref.divisor === undefined ? 0 : quantity(ref.divisor, read);
  return String(Math.ceil(value / (divisor === 0 ? read(1) : divisor)));
};

type SourceKind = 'configmap' | 'secret';
/** How upstream's messages name each kind: `configMap ns/x` (events, no client), `ConfigMap ns/x` (missing key). */
const words: Record<SourceKind, { ref: string; kind: string }> = { configmap: { ref: 'configMap', kind: 'ConfigMap' }, secret: { ref: 'secret', kind: 'Secret' } };

/**
 * The values of a ConfigMap (data) or Secret (data, decoded); undefined when it is missing and
 * `optional`. Errors carry kubelet's messages (the configmap manager's NotFound, "no kubeClient").
 */
const sourceValues = (kind: SourceKind, name: string, optional: boolean, ns: string, sources: EnvSources): Map<string, string> | undefined => {
  const noClient = () => new ContainerConfigError(`couldn't get ${words[kind].ref} ${ns}/${name}, no kubeClient defined`);
  let values: Map<string, string> | undefined;
  if (kind === 'configmap') {
    if (!sources.configMaps) throw noClient();
    const cm = sources.configMaps.get(name);
    values = cm && new Map(Object.entries(cm.data ?? {}));
  } else {
    if (!sources.secrets) throw noClient();
    const secret = sources.secrets.get(name);
    values = secret && new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  if (values || optional) return values;
  throw new ContainerConfigError(`${kind} "${name}" not found`);
};

/** One env entry's value; undefined when an optional source or key is missing (the entry is left out). */
const envValue = (pod: Pod, c: Container, e: EnvVar, ctx: EnvContext, sources: EnvSources, vars: VarLookup): string | undefined => {
  if (e.value) return expand(e.value, vars);
  const from = e.valueFrom;
  if (!from) return '';
  if (from.fieldRef) return fieldRefValue(pod, from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) return resourceFieldValue(pod, c, from.resourceFieldRef, ctx);
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (!ref) {
    if (from.fileKeyRef) throw new ContainerConfigError(`env ${e.name} of container ${c.name}: fileKeyRef is not supported`);
    return '';
  }
  const kind: SourceKind = from.configMapKeyRef ? 'configmap' : 'secret';
  const ns = podIdentity(pod).namespace;
  const name = ref.name ?? '';
  const values = sourceValues(kind, name, ref.optional ?? false, ns, sources);
  if (!values) return undefined;
  const v = values.get(ref.key);
  if (v !== undefined || ref.optional) return v;
  throw new ContainerConfigError(`couldn't find key ${ref.key} in ${words[kind].kind} ${ns}/${name}`);
};

/** envFrom into `vars`; returns one event message per source that had keys that are not valid names. */
const applyEnvFrom = (pod: Pod, c: Container, sources: EnvSources, vars: Map<string, string>): string[] => {
  const ns = podIdentity(pod).namespace;
  const warnings: string[] = [];
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind: SourceKind = from.configMapRef ? 'configmap' : 'secret';
    const name = ref.name ?? '';
    const values = sourceValues(kind, name, ref.optional ?? false, ns, sources);
    const invalid: string[] = [];
    for (const [k, v] of values ?? []) {
      const key = `${from.prefix ?? ''}${k}`;
      if (isEnvVarName(key)) vars.set(key, v);
      else invalid.push(key);
    }
    if (invalid.length === 0) continue;
    warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${words[kind].ref} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
  }
  return warnings;
};

/**
 * The container's environment: envFrom, then env (later entries win; values expand references to
 * earlier ones and to service variables), then the service variables env did not set. Throws
 * ContainerConfigError for a missing required source or key.
 */
export const containerEnv = (pod: Pod, c: Container, ctx: EnvContext, sources: EnvSources = {}): ContainerEnv => {
  const services = sources.services ? serviceEnv(sources.services, podIdentity(pod).namespace, pod.spec?.enableServiceLinks !== false) : new Map<string, string>();
  const vars = new Map<string, string>();
  const warnings = applyEnvFrom(pod, c, sources, vars);
  const lookup: VarLookup = { has: (k) => vars.has(k) || services.has(k), get: (k) => vars.get(k) ?? services.get(k) };
  for (const e of c.env ?? []) {
    const v = envValue(pod, c, e, ctx, sources, lookup);
    if (v !== undefined) vars.set(e.name, v);
  }
  const envs = [...vars].map(([key, value]) => ({ key, value }));
  for (const [key, value] of services) if (!vars.has(key)) envs.push({ key, value });
  return { envs, warnings };
};
