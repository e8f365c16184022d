// Small readers over a Pod shared by the sync, status and server code.
import type { Pod, Container } from '../../api/core/v1';
import { bytes, cpuMilli } from './quantity';

export interface PodIdentity { name: string; namespace: string; uid: string }

export const podIdentity = (pod: Pod): PodIdentity => ({
  name: pod.metadata?.name ?? '',
  namespace: pod.metadata?.namespace ?? 'default',
  uid: pod.metadata?.uid ?? '',
});

/** `name_namespace(uid)`, the form upstream's messages use. */
export const podDesc = (pod: Pod): string => {
  const id = podIdentity(pod);
  return `${id.name}_${id.namespace}(${id.uid})`;
};

/** The pod's log directory under the agent's pod-log root: `<root>/<ns>_<name>_<uid>`. */
export const podLogDirectory = (root: string, pod: Pod): string => {
  const id = podIdentity(pod);
  return `${root}/${id.namespace}_${id.name}_${id.uid}`;
};

export const restartPolicyOf = (pod: Pod): 'Always' | 'OnFailure' | 'Never' => {
  const p = pod.spec?.restartPolicy;
  return p === 'OnFailure' || p === 'Never' ? p : 'Always';
};

export const containersOf = (pod: Pod): Container[] => pod.spec?.containers ?? [];

/** Requests default to limits, as the apiserver's defaulting does. */
export const containerRequests = (c: Container): { cpuMilli: number; memory: number } => ({
  cpuMilli: cpuMilli(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu),
  memory: bytes(c.resources?.requests?.memory ?? c.resources?.limits?.memory),
});

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** Upstream's GetPodQOS, for the cpu and memory resources. */
export const podQOSClass = (pod: Pod): QOSClass => {
  const cs = [...(pod.spec?.initContainers ?? []), ...containersOf(pod)];
  const any = cs.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = cs.every((c) => (['cpu', 'memory'] as const).every((r) => {
    const limit = c.resources?.limits?.[r];
    const request = c.resources?.requests?.[r] ?? limit;
    return limit !== undefined && request !== undefined && String(request) === String(limit);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
};

export const isTerminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';

import type { ApiPod } from '../../api/core/v1';
export type { ApiPod };

/** A restartable init container (a sidecar): restartPolicy Always on an init container. */
export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/** The pod's sidecars, in spec order. */
export const sidecarsOf = (pod: Pod): Container[] => (pod.spec?.initContainers ?? []).filter(isSidecar);
