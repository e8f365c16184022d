// Init containers run one at a time, in order, before any app container starts (upstream
// kuberuntime_manager.go computePodActions/computeInitContainerActions). A regular one must
// complete successfully; a failed one is restarted with the crash back-off unless the pod's
// restartPolicy is Never, which fails the pod. A sidecar (restartPolicy Always on an init
// container) only has to be started (its startupProbe passed) before the next one runs, and is
// kept running — restarted with the back-off whatever the pod's policy — until the pod ends.
// Once an app container has been created the pod counts as initialized and regular init
// containers never run again.
import type { Container, Pod } from '../../api/core/v1';
import type { Backoff } from './backoff';
import { containersOf, isSidecar, restartPolicyOf } from './pod-util';
import { containerAction, type ContainerAction } from './pod-sync';
import type { PodRuntimeState } from './runtime-state';

export const initContainersOf = (pod: Pod): Container[] => pod.spec?.initContainers ?? [];

export interface InitPlan {
  initialized: boolean;
  /** The regular init container that failed under restartPolicy Never. */
  failed?: string;
  /** What to start now among the init containers (and the sidecars to restart). */
  actions: Map<string, ContainerAction>;
}

const withPolicy = (pod: Pod, restartPolicy: string): Pod => ({ ...pod, spec: { ...pod.spec, containers: pod.spec?.containers ?? [], restartPolicy } });

/** What to do about the pod's init containers now; `started` says whether a running container passed its startup probe. */
export const initPlan = (pod: Pod, state: PodRuntimeState, backoff: Backoff, now: number, started: (name: string, id: string) => boolean): InitPlan => {
  const actions = new Map<string, ContainerAction>();
  const appsRan = containersOf(pod).some((c) => (state.containers.get(c.name) ?? []).length > 0);
  for (const c of initContainersOf(pod)) {
    const history = state.containers.get(c.name) ?? [];
    const latest = history[0];
    if (isSidecar(c)) {
      const a = containerAction(withPolicy(pod, 'Always'), c, history, backoff, now);
      if (a.kind !== 'keep' && a.kind !== 'done') actions.set(c.name, a);
      if (appsRan || (a.kind === 'keep' && latest && started(c.name, latest.id))) continue;
      return { initialized: false, actions };
    }
    if (appsRan || (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0)) continue;
    if (latest?.state === 'CONTAINER_EXITED' && restartPolicyOf(pod) === 'Never') return { initialized: false, failed: c.name, actions };
    // Init containers restart on failure under both Always and OnFailure.
    actions.set(c.name, containerAction(restartPolicyOf(pod) === 'Always' ? withPolicy(pod, 'OnFailure') : pod, c, history, backoff, now));
    return { initialized: false, actions };
  }
  return { initialized: true, actions };
};
