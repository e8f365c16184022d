// The evaluators other than pods (k8s pkg/quota/v1/evaluator/core/services.go,
// persistent_volume_claims.go, apiserver pkg/quota/v1/generic/evaluator.go) and the registry
// that picks one for a resource: a resource without its own evaluator is counted as objects,
// `count/<resource>[.<group>]`, plus the legacy names of four core kinds.
import type { PersistentVolumeClaim, Service } from '../../../api/core/v1';
import { cmpQuantity, parseExactQuantity, quantityOf, zeroQuantity } from './quantity';
import type { ResourceList } from './resources';
import type { Evaluator } from './evaluator';
import { podEvaluator } from './pods';

/** ObjectCountQuotaResourceNameFor: `count/configmaps`, `count/deployments.apps`. */
export const objectCountName = (group: string, resource: string): string => (group ? `count/${resource}.${group}` : `count/${resource}`);

/** The group and resource a `count/…` name counts, or undefined for any other name. */
export const parseObjectCountName = (name: string): { group: string; resource: string } | undefined => {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
};

/** The names object counting had before `count/…` (legacyObjectCountAliases). */
export const legacyObjectCountAliases: Record<string, string> = {
  configmaps: 'configmaps', resourcequotas: 'resourcequotas', replicationcontrollers: 'replicationcontrollers', secrets: 'secrets',
};

const noScope = () => false;
const noConstraints = () => undefined;
const only = (accounted: readonly string[]) => (names: readonly string[]) => names.filter((n) => accounted.includes(n));

/** Every object of the resource counts one (generic objectCountEvaluator). */
export const objectCountEvaluator = (group: string, resource: string): Evaluator => {
  const names = [objectCountName(group, resource), ...(group === '' && legacyObjectCountAliases[resource] ? [legacyObjectCountAliases[resource]] : [])];
  return {
    group, resource, matchesScope: noScope, constraints: noConstraints, matchingResources: only(names),
    usage: () => Object.fromEntries(names.map((n) => [n, quantityOf(1)])),
  };
};

const serviceResources = ['count/services', 'services', 'services.loadbalancers', 'services.nodeports'];

/** A NodePort or LoadBalancer service uses a node port per port (unless a LoadBalancer opts out of them). */
export const serviceUsage = (svc: Service): ResourceList => {
  const ports = svc.spec?.ports ?? [];
  const out: ResourceList = {
    'count/services': quantityOf(1), services: quantityOf(1), 'services.loadbalancers': zeroQuantity, 'services.nodeports': zeroQuantity,
  };
  if (svc.spec?.type === 'NodePort') out['services.nodeports'] = quantityOf(ports.length);
  if (svc.spec?.type === 'LoadBalancer') {
    const nodePorts = svc.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    out['services.nodeports'] = quantityOf(nodePorts);
    out['services.loadbalancers'] = quantityOf(1);
  }
  return out;
};

export const serviceEvaluator: Evaluator = {
  group: '', resource: 'services', matchesScope: noScope, constraints: noConstraints, chargesUpdates: true,
  matchingResources: only(serviceResources), usage: (obj) => serviceUsage(obj as Service),
};

const pvcResources = ['persistentvolumeclaims', 'requests.storage'];
const storageClassSuffix = '.storageclass.storage.k8s.io/';
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** The claim's storage request, rounded up to whole bytes, or the larger allocated size. */
const storageUsage = (pvc: PersistentVolumeClaim) => {
  const requested = pvc.spec?.resources?.requests?.storage;
  if (requested === undefined) return undefined;
  const whole = (v: string | number) => {
    const q = parseExactQuantity(v);
    const nano = 1_000_000_000n;
    const rem = q.nano % nano;
    return rem === 0n ? q : { ...q, nano: q.nano - rem + (q.nano > 0n ? nano : 0n) };
  };
  const result = whole(requested);
  const allocated = pvc.status?.allocatedResources?.storage;
  if (allocated !== undefined && cmpQuantity(parseExactQuantity(allocated), result) > 0) return whole(allocated);
  return result;
};

export const pvcUsage = (pvc: PersistentVolumeClaim): ResourceList => {
  const out: ResourceList = { persistentvolumeclaims: quantityOf(1), 'count/persistentvolumeclaims': quantityOf(1) };
  const storageClass = pvc.metadata?.annotations?.[betaStorageClassAnnotation] ?? pvc.spec?.storageClassName ?? '';
  if (storageClass) out[`${storageClass}${storageClassSuffix}persistentvolumeclaims`] = quantityOf(1);
  const storage = storageUsage(pvc);
  if (storage) {
    out['requests.storage'] = storage;
    if (storageClass) out[`${storageClass}${storageClassSuffix}requests.storage`] = storage;
  }
  return out;
};

export const pvcEvaluator: Evaluator = {
  group: '', resource: 'persistentvolumeclaims', matchesScope: noScope, constraints: noConstraints, chargesUpdates: true,
  matchingResources: (names) => names.filter((n) => n === 'count/persistentvolumeclaims' || pvcResources.includes(n)
    || pvcResources.some((r) => n.endsWith(`${storageClassSuffix}${r}`))),
  usage: (obj) => pvcUsage(obj as PersistentVolumeClaim),
};

const special: Record<string, Evaluator> = { pods: podEvaluator, services: serviceEvaluator, persistentvolumeclaims: pvcEvaluator };

/** The evaluator of a namespaced resource: its own for pods, services and claims, else object counting. */
export const evaluatorFor = (group: string, resource: string): Evaluator =>
  (group === '' ? special[resource] : undefined) ?? objectCountEvaluator(group, resource);

/**
 * The evaluators a quota limiting `hard` needs (the controller's registry): pods, services and
 * claims always, and one object counter per `count/…` or legacy name of any other resource.
 */
export const evaluatorsForNames = (hard: readonly string[]): Evaluator[] => {
  const out: Evaluator[] = Object.values(special);
  const seen = new Set(out.map((e) => `${e.group}/${e.resource}`));
  for (const name of hard) {
    const gr = parseObjectCountName(name) ?? (Object.values(legacyObjectCountAliases).includes(name) ? { group: '', resource: name } : undefined);
    if (!gr || seen.has(`${gr.group}/${gr.resource}`)) continue;
    seen.add(`${gr.group}/${gr.resource}`);
    out.push(objectCountEvaluator(gr.group, gr.resource));
  }
  return out;
};
