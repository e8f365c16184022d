// Killing a pod: stop its containers (SIGTERM, then SIGKILL after the grace period — the
// runtime does both), stop its sandbox, remove them, and for a pod deleted gracefully through
// the API, finish the deletion (upstream killPod + status_manager's canBeDeleted → Delete).
import type { Logger } from '../log';
import type { EventRecorder, ResourceClient } from '../client/types';
import { isConflict, isNotFound } from '../apimachinery/errors';
import { isRuntimeNotFound, labelContainerName, labelPodUID, type RuntimeService } from './runtime-client';
import type { Clock } from './clock';
import { stopContainerWithHook } from './lifecycle';
import type { ExecSyncer } from './prober';
import { podIdentity, type ApiPod } from './pod-util';
import type { VolumeManager } from './volumes';

export interface TeardownDeps {
  runtime: RuntimeService; log: Logger; recorder?: EventRecorder; volumes?: VolumeManager;
  /** With both, preStop hooks run before the containers are stopped. */
  clock?: Clock; exec?: ExecSyncer;
}

const ignoreGone = (log: Logger, what: string, id: string) => (err: unknown): void => {
  if (isRuntimeNotFound(err)) return;
  log.warn(`failed to ${what}`, { id, err });
  throw err;
};

/**
 * Stops and removes every container and sandbox of the pod with `uid`, then its volumes and pod
 * directory; true if anything was in the runtime.
 */
export const killPod = async (uid: string, gracePeriodSeconds: number, d: TeardownDeps): Promise<boolean> => {
  const selector = { labelSelector: { [labelPodUID]: uid } };
  const [containers, sandboxes] = await Promise.all([d.runtime.listContainers(selector), d.runtime.listPodSandbox(selector)]);
  if (containers.length === 0 && sandboxes.length === 0) {
    await d.volumes?.tearDownPod(uid);
    return false;
  }
  const live = containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
  await Promise.all(live.map((c) => d.runtime.stopContainer(c.id, gracePeriodSeconds).catch(ignoreGone(d.log, 'stop container', c.id))));
  for (const sb of sandboxes) await d.runtime.stopPodSandbox(sb.id).catch(ignoreGone(d.log, 'stop pod sandbox', sb.id));
  for (const c of containers) await d.runtime.removeContainer(c.id).catch(ignoreGone(d.log, 'remove container', c.id));
  for (const sb of sandboxes) await d.runtime.removePodSandbox(sb.id).catch(ignoreGone(d.log, 'remove pod sandbox', sb.id));
  await d.volumes?.tearDownPod(uid);
  d.log.info('killed pod', { uid, containers: containers.length, sandboxes: sandboxes.length, gracePeriodSeconds });
  return true;
};

/** The grace period of a pod being deleted: the API's deletionGracePeriodSeconds, else the spec's, else 30. */
export const gracePeriodOf = (pod: ApiPod): number =>
  pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;

/** Finishes a graceful deletion: kill the pod, then let the apiserver remove the object (uid-guarded). */
export const terminatePod = async (pod: ApiPod, pods: ResourceClient<ApiPod>, d: TeardownDeps): Promise<void> => {
  const { namespace, name, uid } = podIdentity(pod);
  for (const c of pod.spec?.containers ?? []) {
    d.recorder?.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'Killing', `Stopping container ${c.name}`);
  }
  await stopWithPreStopHooks(pod, gracePeriodOf(pod), d);
  await killPod(uid, gracePeriodOf(pod), d);
  try {
    await pods.delete(namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
    d.log.info('deleted pod', { pod: `${namespace}/${name}`, uid });
  } catch (err) {
    // Already gone, or a new pod has taken the name: either way ours is finished.
    if (isNotFound(err) || isConflict(err)) return;
    throw err;
  }
};

/** Stops the pod's running containers in parallel, those with a preStop hook after running it (kubelet killContainersWithSyncResult). */
const stopWithPreStopHooks = async (pod: ApiPod, grace: number, d: TeardownDeps): Promise<void> => {
  const { clock } = d;
  const specs = pod.spec?.containers ?? [];
  if (!clock || !specs.some((c) => c.lifecycle?.preStop)) return;
  const { uid } = podIdentity(pod);
  const running = (await d.runtime.listContainers({ labelSelector: { [labelPodUID]: uid } })).filter((c) => c.state === 'CONTAINER_RUNNING');
  await Promise.all(running.map(async (rc) => {
    const spec = specs.find((c) => c.name === (rc.labels?.[labelContainerName] ?? rc.metadata.name));
    const stop = spec?.lifecycle?.preStop
      ? stopContainerWithHook(pod, spec, rc.id, pod.status?.podIP ?? '', grace, { ...d, clock })
      : d.runtime.stopContainer(rc.id, grace);
    await stop.catch(ignoreGone(d.log, 'stop container', rc.id));
  }));
};

/** UIDs of pods the runtime still holds (sandboxes or containers). */
export const runtimePodUIDs = async (runtime: RuntimeService): Promise<Set<string>> => {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
  const uids = new Set<string>();
  for (const x of [...sandboxes, ...containers]) {
    const uid = x.labels?.[labelPodUID];
    if (uid) uids.add(uid);
  }
  return uids;
};
