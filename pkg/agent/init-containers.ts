// Init containers run one at a time, in order, each to successful completion, before any app
// container starts (upstream kuberuntime_manager.go computePodActions/computeInitContainerActions
// for non-restartable init containers). A failed one is restarted with the crash back-off unless
// the pod's restartPolicy is Never, which fails the pod. Once an app container has been created
// the pod counts as initialized and its init containers never run again.
import type { Container, Pod } from '../../api/core/v1';
import type { Backoff } from './backoff';
import { containersOf, restartPolicyOf } from './pod-util';
import { containerAction, type ContainerAction } from './pod-sync';
import type { PodRuntimeState } from './runtime-state';

export const initContainersOf = (pod: Pod): Container[] => pod.spec?.initContainers ?? [];

export type InitPlan =
  | { kind: 'initialized' }
  | { kind: 'failed'; container: string }
  | { kind: 'next'; container: Container; action: ContainerAction };

/** What to do about the pod's init containers now. */
export const initPlan = (pod: Pod, state: PodRuntimeState, backoff: Backoff, now: number): InitPlan => {
  const inits = initContainersOf(pod);
  if (inits.length === 0 || containersOf(pod).some((c) => (state.containers.get(c.name) ?? []).length > 0)) return { kind: 'initialized' };
  for (const c of inits) {
    const history = state.containers.get(c.name) ?? [];
    const latest = history[0];
    if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
    if (latest?.state === 'CONTAINER_EXITED' && restartPolicyOf(pod) === 'Never') return { kind: 'failed', container: c.name };
    // Init containers restart on failure under both Always and OnFailure.
    const asOnFailure: Pod = restartPolicyOf(pod) === 'Always' ? { ...pod, spec: { ...pod.spec, containers: pod.spec?.containers ?? [], restartPolicy: 'OnFailure' } } : pod;
    return { kind: 'next', container: c, action: containerAction(asOnFailure, c, history, backoff, now) };
  }
  return { kind: 'initialized' };
};
