// The pod that exec and port-forward talk to: `NAME` or `pod/NAME`, fetched once to check that
// it can take a stream and to pick the container; or TYPE/NAME of a workload or service, whose
// selector picks the pod as kubectl's attachablePodForObject does (the most active one first:
// placed, running, ready, ready longest, then the oldest).
import type { Pod, Service } from '../../api/core/v1';
import type { Client } from '../client/types';
import { resolveResourceName } from './resource-table';
import { resolveType, resourcePath } from './resource';
import { UsageError, type Out } from './types';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** Kinds whose pods are found through a selector (polymorphichelpers.SelectorsForObject). */
const SELECTING = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController', 'Service']);

export interface TargetRef { kind: string; name: string; typed: string }

/** `NAME` (a pod) or `TYPE/NAME`; kinds without pods to pick are refused. */
export const parseTarget = (target: string, verb: string): TargetRef => {
  if (!target.includes('/')) return { kind: 'Pod', name: target, typed: 'pods' };
  const [typed, name] = target.split('/', 2);
  const kind = resolveResourceName(typed)?.kind;
  if (kind !== 'Pod' && !(kind && SELECTING.has(kind))) throw new UsageError(`cannot ${verb} ${typed}: only pods and workloads or services that select pods are supported`);
  if (!name) throw new UsageError(`arguments in resource/name form must have a single resource and name`);
  return { kind, name, typed };
};

type Dict = Record<string, unknown>;
const dict = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Dict : {});

/** The object's pod selector as a label selector string (Services and RCs have plain maps). */
const selectorOf = async (kind: string, obj: Dict): Promise<string> => {
  const sel = dict(dict(obj.spec).selector);
  if (kind === 'Service' || kind === 'ReplicationController') return Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(',');
  const { labelSelectorToString } = await import('../apimachinery');
  return labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]);
};

const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Most active first: sort.Reverse(podutils.ActivePods), without the restart-count step. */
export const byActivity = (a: Pod, b: Pod): number => {
  const key = (p: Pod): [number, number, number, number] => [
    p.spec?.nodeName ? 1 : 0, phaseRank[p.status?.phase ?? 'Unknown'] ?? 1, ready(p) ? 1 : 0,
    -Date.parse(ready(p)?.lastTransitionTime ?? p.metadata?.creationTimestamp ?? '') || 0,
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i] - ka[i];
  return Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? '');
};

export interface ResolvedTarget { pod: Pod; service?: Service }

/** The pod for `ref`: itself, or the most active one its workload or service selects. */
export const resolvePod = async (client: Client, namespace: string, ref: TargetRef, signal?: AbortSignal): Promise<ResolvedTarget> => {
  if (ref.kind === 'Pod') return { pod: await fetchPod(client, namespace, ref.name, signal) };
  const owner = await client.request<Dict>('GET', resourcePath(resolveType(ref.typed), namespace, ref.name), { signal });
  const labelSelector = await selectorOf(ref.kind, owner);
  const list = await client.request<{ items?: Pod[] }>('GET', resourcePath(resolveType('pods'), namespace), { query: { labelSelector }, signal });
  const pods = [...(list.items ?? [])].sort(byActivity);
  if (!labelSelector || pods.length === 0) throw new UsageError(`no pods found for ${ref.typed}/${ref.name}`);
  return { pod: pods[0], service: ref.kind === 'Service' ? owner as Service : undefined };
};

export const fetchPod = (client: Client, namespace: string, name: string, signal?: AbortSignal): Promise<Pod> =>
  client.request<Pod>('GET', resourcePath(resolveType('pods'), namespace, name), { signal });

/** kubectl exec's check: a pod that has finished has nothing to exec into. */
export const checkRunnable = (pod: Pod): void => {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new UsageError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
};

/** -c, else the default-container annotation, else the first container (noting the others on `err`). */
export const pickContainer = (pod: Pod, requested: string | undefined, err: Out): string => {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (requested) return requested;
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 0) throw new UsageError(`pod ${pod.metadata?.name ?? ''} does not have a container`);
  if (names.length > 1) err.write(`Defaulted container "${names[0]}" out of: ${names.join(', ')}\n`);
  return names[0];
};
