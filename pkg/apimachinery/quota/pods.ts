// The pod evaluator (k8s pkg/quota/v1/evaluator/core/pods.go): a pod that is not terminal is
// charged `pods` and its compute requests and limits (resourcehelper.PodRequests/PodLimits:
// the containers' sum, at least the largest init container, sidecars counted throughout, plus
// overhead); every stored pod is charged `count/pods`. Quotas may select pods by scope.
import type { Container, Pod, ScopedResourceSelectorRequirement } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { selectorFromLabelSelector } from '../labels';
import { cmpQuantity, parseExactQuantity, quantityOf } from './quantity';
import { addLists, resourceNames, type ApiResourceList, type ResourceList } from './resources';
import type { Evaluator } from './evaluator';

export const podObjectCountName = 'count/pods';

const podResources = [
  podObjectCountName, 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
];
const podResourcePrefixes = ['hugepages-', 'requests.hugepages-'];

/**
 * Quotas on these make every container state them (upstream's documented backward-compatibility
 * mistake, which it keeps and so do we).
 */
const validationSet = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const isExtendedResourceName = (name: string): boolean => !isNativeResource(name) && !name.startsWith('requests.');
const isExtendedResourceNameForQuota = (name: string): boolean => !isNativeResource(name) && name.startsWith('requests.');

/** Requests and limits as quota names them (podComputeUsageHelper). */
const computeUsage = (requests: ResourceList, limits: ResourceList): ResourceList => {
  const out: ResourceList = { pods: quantityOf(1) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (requests[r]) {
      out[r] = requests[r];
      out[`requests.${r}`] = requests[r];
    }
    if (limits[r]) out[`limits.${r}`] = limits[r];
  }
  for (const [r, q] of Object.entries(requests)) {
    if (r.startsWith('hugepages-')) {
      out[r] = q;
      out[`requests.${r}`] = q;
    }
    if (isExtendedResourceName(r)) out[`requests.${r}`] = q;
  }
  return out;
};

const listOf = (c: Container, field: 'requests' | 'limits'): ResourceList => {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries((c.resources?.[field] ?? {}) as ApiResourceList)) out[k] = parseExactQuantity(v);
  return out;
};

const maxLists = (a: ResourceList, b: ResourceList): ResourceList => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) if (!(k in out) || cmpQuantity(v, out[k]) > 0) out[k] = v;
  return out;
};

/** PodRequests (field 'requests') or PodLimits ('limits'). */
const podTotal = (pod: Pod, field: 'requests' | 'limits'): ResourceList => {
  let total: ResourceList = {};
  for (const c of pod.spec?.containers ?? []) total = addLists(total, listOf(c, field));
  let sidecars: ResourceList = {};
  let initMax: ResourceList = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const own = listOf(c, field);
    let effective: ResourceList;
    if (c.restartPolicy === 'Always') {
      total = addLists(total, own);
      sidecars = addLists(sidecars, own);
      effective = sidecars;
    } else {
      effective = addLists(own, sidecars);
    }
    initMax = maxLists(initMax, effective);
  }
  total = maxLists(total, initMax);
  const overhead = pod.spec?.overhead as ApiResourceList | undefined;
  for (const [k, v] of Object.entries(overhead ?? {})) {
    // Requests gain every overhead; limits only those they already set.
    if (field === 'requests' || k in total) total = addLists(total, { [k]: parseExactQuantity(v) });
  }
  return total;
};

/** QuotaV1Pod: not Succeeded or Failed, and not past the grace period of its deletion. */
export const quotaV1Pod = (pod: Pod, now: Date): boolean => {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata ?? {};
  if (deletionTimestamp && deletionGracePeriodSeconds !== undefined && deletionGracePeriodSeconds !== null) {
    if (now.getTime() > Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
};

/** PodUsageFunc: count/pods always; the rest only while the pod counts (quotaV1Pod). */
export const podUsage = (pod: Pod, now: Date): ResourceList => {
  const result: ResourceList = { [podObjectCountName]: quantityOf(1) };
  if (!quotaV1Pod(pod, now)) return result;
  return addLists(result, computeUsage(podTotal(pod, 'requests'), podTotal(pod, 'limits')));
};

/** qos.GetPodQOS(pod) === BestEffort: no container requests or limits any cpu or memory. */
const isBestEffort = (pod: Pod): boolean =>
  [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].every((c) =>
    (['requests', 'limits'] as const).every((f) => ['cpu', 'memory'].every((r) => {
      const v = (c.resources?.[f] as ApiResourceList | undefined)?.[r];
      return v === undefined || parseExactQuantity(v).nano === 0n;
    })));

const isTerminating = (pod: Pod): boolean => (pod.spec?.activeDeadlineSeconds ?? -1) >= 0;

const usesCrossNamespacePodAffinity = (pod: Pod): boolean => {
  const affinity = pod.spec?.affinity;
  return [affinity?.podAffinity, affinity?.podAntiAffinity].some((a) => [
    ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
  ].some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined));
};

/** podMatchesScopeFunc; the PriorityClass scope is a label selector over `{ PriorityClass: <name> }`. */
export const podMatchesScope = (req: ScopedResourceSelectorRequirement, pod: Pod): boolean => {
  switch (req.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'CrossNamespacePodAffinity': return usesCrossNamespacePodAffinity(pod);
    case 'PriorityClass': {
      const name = pod.spec?.priorityClassName ?? '';
      if (req.operator === 'Exists') return name !== '';
      const selector = selectorFromLabelSelector({ matchExpressions: [{ key: req.scopeName, operator: req.operator, values: req.values }] });
      return selector.matches(name ? { PriorityClass: name } : {});
    }
    default: return false;
  }
};

/** Constraints: the containers missing a request or limit a quota on `required` needs, in upstream's words. */
export const podConstraints = (required: readonly string[], pod: Pod): string | undefined => {
  const needed = required.filter((r) => validationSet.includes(r));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const has = resourceNames(computeUsage(listOf(c, 'requests'), listOf(c, 'limits')));
    for (const r of needed) {
      if (has.includes(r)) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)?.add(c.name);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
};

export const podEvaluator: Evaluator = {
  group: '',
  resource: 'pods',
  matchingResources: (names) => names.filter((n) =>
    podResources.includes(n) || podResourcePrefixes.some((p) => n.startsWith(p)) || isExtendedResourceNameForQuota(n)),
  matchesScope: (req, obj) => podMatchesScope(req, obj as Pod),
  constraints: (required, obj) => podConstraints(required, obj as Pod),
  usage: (obj: ApiObject, now) => podUsage(obj as Pod, now),
};
