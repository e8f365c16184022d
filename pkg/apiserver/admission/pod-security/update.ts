// Pod Security around updates (upstream's ValidatePod on update and ValidateNamespace): a pod
// update that changes what the policy looks at (an image, a container, a seccomp annotation)
// is checked against the namespace's enforce level again; a namespace whose enforce level
// tightens is allowed, with warnings naming the pods already in it that would now be refused.
import type { ApiObject } from '../../../../api/meta/v1';
import type { Container, PodSpec } from '../../../../api/core/v1';
import type { ResourceInfo } from '../../../../api/resources';
import { forbidden, isNotFound } from '../../../apimachinery/errors';
import { objectKey, resourcePrefix, type Store } from '../../../storage';
import { policyOf, type NamespacePolicy } from './admission';
import { evaluatePod, violationsMessage, type Level } from './policy';

export interface PodSecurityUpdate {
  /** Inside the read-modify-write: throws 403 when a significant pod change fails enforce. */
  check(next: ApiObject, cur: ApiObject): void;
  /** After the write: what to warn about. */
  warnings(): Promise<string[]>;
}

/** Upstream's namespaceMaxPodsToCheck. */
const maxPodsToCheck = 3000;
const seccompPod = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainer = 'container.seccomp.security.alpha.kubernetes.io/';
const rank: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** isSignificantPodUpdate: only images, containers and the seccomp annotations can change what the checks see. */
export const isSignificantPodUpdate = (next: ApiObject, cur: ApiObject): boolean => {
  const [a, b] = [next.metadata.annotations ?? {}, cur.metadata.annotations ?? {}];
  if (a[seccompPod] !== b[seccompPod]) return true;
  const [s, t] = [(next.spec ?? {}) as PodSpec, (cur.spec ?? {}) as PodSpec];
  const changed = (x: Container, y: Container | undefined) => !y || x.image !== y.image || a[seccompContainer + x.name] !== b[seccompContainer + x.name];
  for (const key of ['containers', 'initContainers'] as const) {
    const [xs, ys] = [s[key] ?? [], t[key] ?? []];
    if (xs.length !== ys.length || xs.some((x, i) => changed(x, ys[i]))) return true;
  }
  return (s.ephemeralContainers ?? []).some((x) => changed(x as Container, (t.ephemeralContainers ?? []).find((y) => y.name === x.name) as Container | undefined));
};

const name = (p: NamespacePolicy['enforce']) => `"${p.level}:${p.version}"`;

/** The warnings of EvaluatePodsInNamespace: one per distinct set of reasons, naming the first pod and how many more. */
export const existingPodWarnings = (namespace: string, enforce: NamespacePolicy['enforce'], pods: ApiObject[]): string[] => {
  const checked = pods.slice(0, maxPodsToCheck);
  const byReasons = new Map<string, { first: string; count: number }>();
  for (const pod of checked) {
    const vs = evaluatePod(enforce.level, pod.metadata, pod.spec as PodSpec | undefined);
    if (vs.length === 0) continue;
    const reasons = [...new Set(vs.map((v) => v.reason))].join(', ');
    const podName = pod.metadata.name ?? '';
    const seen = byReasons.get(reasons);
    byReasons.set(reasons, seen ? { first: podName < seen.first ? podName : seen.first, count: seen.count + 1 } : { first: podName, count: 1 });
  }
  const out: string[] = [];
  if (checked.length < pods.length) out.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${pods.length} existing pods`);
  if (byReasons.size > 0) out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level ${name(enforce)}`);
  const perPod = [...byReasons].map(([reasons, { first, count }]) =>
    `${first}${count === 2 ? ' (and 1 other pod)' : count > 2 ? ` (and ${count - 1} other pods)` : ''}: ${reasons}`);
  return [...out, ...perPod.sort()];
};

/** What Pod Security checks for an update of `info` in `namespace`; undefined when nothing. */
export const podSecurityUpdate = async (store: Pick<Store, 'get' | 'list'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, subresource: string): Promise<PodSecurityUpdate | undefined> => {
  if (info.group !== '' || subresource !== '') return undefined;
  if (info.plural === 'namespaces') {
    let tightened: { namespace: string; enforce: NamespacePolicy['enforce'] } | undefined;
    return {
      check: (next, cur) => {
        const [now, was] = [policyOf(next.metadata.labels).policy.enforce, policyOf(cur.metadata.labels).policy.enforce];
        const same = now.level === was.level && now.version === was.version;
        const relaxed = now.version === was.version && rank[now.level] <= rank[was.level];
        tightened = same || now.level === 'privileged' || relaxed ? undefined : { namespace: next.metadata.name ?? '', enforce: now };
      },
      warnings: async () => {
        if (!tightened) return [];
        const pods = (await store.list(resourcePrefix('pods', tightened.namespace), { resourceVersion: '0' })).items;
        return existingPodWarnings(tightened.namespace, tightened.enforce, pods);
      },
    };
  }
  if (info.plural !== 'pods') return undefined;
  let labels: Record<string, string> | undefined;
  try {
    labels = (await store.get(objectKey('namespaces', undefined, namespace), { resourceVersion: '0', readOnly: true })).metadata.labels;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const { policy } = policyOf(labels);
  if (policy.enforce.level === 'privileged' && policy.warn.level === 'privileged') return undefined;
  let warning: string | undefined;
  return {
    check: (next, cur) => {
      warning = undefined;
      if (!isSignificantPodUpdate(next, cur)) return;
      const spec = next.spec as PodSpec | undefined;
      const denied = policy.enforce.level === 'privileged' ? [] : evaluatePod(policy.enforce.level, next.metadata, spec);
      if (denied.length) throw forbidden(`pods "${next.metadata.name ?? ''}" is forbidden: violates PodSecurity ${name(policy.enforce)}: ${violationsMessage(denied)}`);
      const warned = policy.warn.level === 'privileged' ? [] : evaluatePod(policy.warn.level, next.metadata, spec);
      if (warned.length) warning = `would violate PodSecurity ${name(policy.warn)}: ${violationsMessage(warned)}`;
    },
    warnings: () => Promise.resolve(warning ? [warning] : []),
  };
};
