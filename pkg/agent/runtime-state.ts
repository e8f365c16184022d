// What the runtime reports for one pod, gathered by its labels (level-triggered: every sync
// starts from this, never from memory of what the agent did before).
import { labelContainerName, labelPodUID, type ContainerStatus, type PodSandbox, type RuntimeService } from './runtime-client';

export interface PodRuntimeState {
  /** Newest first. */
  sandboxes: PodSandbox[];
  readySandbox?: PodSandbox;
  podIPs: string[];
  /** Container statuses per container name, newest attempt first. */
  containers: Map<string, ContainerStatus[]>;
}

const newestFirst = <T extends { metadata: { attempt: number }; createdAt: number }>(a: T, b: T): number =>
  b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt;

export const observePod = async (runtime: RuntimeService, uid: string): Promise<PodRuntimeState> => {
  const sandboxes = (await runtime.listPodSandbox({ labelSelector: { [labelPodUID]: uid } })).sort(newestFirst);
  const readySandbox = sandboxes.find((s) => s.state === 'SANDBOX_READY');
  let podIPs: string[] = [];
  if (readySandbox) {
    const st = await runtime.podSandboxStatus(readySandbox.id);
    const net = st.network;
    podIPs = net?.ip ? [net.ip, ...(net.additionalIps ?? []).map((x) => x.ip).filter(Boolean)] : [];
  }
  const list = await runtime.listContainers({ labelSelector: { [labelPodUID]: uid } });
  const statuses = await Promise.all(list.map((c) => runtime.containerStatus(c.id)));
  const containers = new Map<string, ContainerStatus[]>();
  for (const st of statuses) {
    const name = st.labels?.[labelContainerName] || st.metadata.name;
    containers.set(name, [...(containers.get(name) ?? []), st]);
  }
  for (const v of containers.values()) v.sort(newestFirst);
  return { sandboxes, readySandbox, podIPs, containers };
};

/** Every container id of the pod, with whether it still runs. */
export const allContainers = (state: PodRuntimeState): ContainerStatus[] => [...state.containers.values()].flat();
