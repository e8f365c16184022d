// Pod admission on the node (upstream lifecycle/predicate.go): a pod whose requests do not fit
// what the other admitted pods leave of the node's allocatable is rejected with phase Failed
// and reason OutOf<resource>. The scheduler checks the same; this catches pods bound directly
// (spec.nodeName set by the user) and races.
import type { PodStatus } from '../../api/core/v1';
import { computePodRequests } from '../scheduler';
import type { ApiPod } from './pod-util';
import { appArmorRejection, sysctlRejection } from './security-context';
import { rfc3339 } from './status';

/** ephemeralStorage (bytes) is unknown when the node could not stat its root; only resourceFieldRef reads it. */
export interface NodeAllocatable { milliCPU: number; memory: number; pods: number; ephemeralStorage?: number }

export interface Rejection { reason: string; message: string }

/** Undefined when `pod` fits next to `admitted` (the node's other live pods). */
export const admitPod = (pod: ApiPod, admitted: ApiPod[], alloc: NodeAllocatable): Rejection | undefined => {
  const confinement = sysctlRejection(pod) ?? appArmorRejection(pod);
  if (confinement) return confinement;
  if (admitted.length + 1 > alloc.pods) {
    return { reason: 'OutOfpods', message: `Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: ${admitted.length}, capacity: ${alloc.pods}` };
  }
  const want = computePodRequests(pod);
  const used = admitted.map((p) => computePodRequests(p)).reduce((a, b) => ({ milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory }), { milliCPU: 0, memory: 0 });
  const checks = [
    { name: 'cpu', requested: want.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU },
    { name: 'memory', requested: want.memory, used: used.memory, capacity: alloc.memory },
  ];
  const short = checks.find((c) => c.requested > 0 && c.used + c.requested > c.capacity);
  if (!short) return undefined;
  return {
    reason: `OutOf${short.name}`,
    message: `Pod was rejected: Node didn't have enough resource: ${short.name}, requested: ${short.requested}, used: ${short.used}, capacity: ${short.capacity}`,
  };
};

/** The status of a rejected pod: Failed, nothing started. */
export const rejectedStatus = (pod: ApiPod, r: Rejection, now: number): PodStatus => ({
  ...(pod.status ?? {}),
  phase: 'Failed',
  reason: r.reason,
  message: r.message,
  startTime: pod.status?.startTime ?? rfc3339(now),
});
