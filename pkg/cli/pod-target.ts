// The pod that exec and port-forward talk to: `NAME` or `pod/NAME` (kubectl's POD | TYPE/NAME
// for pods), fetched once to check that it can take a stream and to pick the container.
import type { Pod } from '../../api/core/v1';
import type { Client } from '../client/types';
import { resolveResourceName } from './resource-table';
import { resolveType, resourcePath } from './resource';
import { UsageError, type Out } from './types';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The pod name from `NAME` or `TYPE/NAME`; other kinds than Pod are refused. */
export const podNameOf = (target: string, verb: string): string => {
  if (!target.includes('/')) return target;
  const [type, name] = target.split('/', 2);
  if (resolveResourceName(type)?.kind !== 'Pod') throw new UsageError(`cannot ${verb} ${type}: only pods are supported`);
  if (!name) throw new UsageError(`arguments in resource/name form must have a single resource and name`);
  return name;
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
