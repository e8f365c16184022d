// RuntimeService over the runtime's gRPC client (pkg/runtime createRuntimeClient, CRI v1 on a
// unix socket). The shapes are the same camelCase messages; this adds deadlines that fit each
// call (a stop waits for the grace period, a pull may take minutes) and unwraps responses.
import { createRuntimeClient } from '../runtime';
import type { ContainerFilter, PodSandboxFilter, RuntimeService } from './runtime-client';

const longMs = 120_000;
const pullMs = 600_000;

export interface GrpcRuntimeService extends RuntimeService { close(): void }

const sandboxFilter = (f?: PodSandboxFilter) => f && { ...f, state: f.state ? { state: f.state } : undefined };
const containerFilter = (f?: ContainerFilter) => f && { ...f, state: f.state ? { state: f.state } : undefined };

/** Connects (lazily) to the runtime at `socketPath`. */
export const createGrpcRuntimeService = (socketPath: string): GrpcRuntimeService => {
  const { runtime: rt, image: img, close } = createRuntimeClient(socketPath);
  const short = { deadlineMs: 30_000 };
  const long = { deadlineMs: longMs };
  return {
    close,
    version: () => rt.Version({ version: 'v1' }, short),
    status: async () => (await rt.Status({}, short)).status?.conditions ?? [],
    runPodSandbox: async (config) => (await rt.RunPodSandbox({ config }, long)).podSandboxId,
    stopPodSandbox: async (podSandboxId) => { await rt.StopPodSandbox({ podSandboxId }, long); },
    removePodSandbox: async (podSandboxId) => { await rt.RemovePodSandbox({ podSandboxId }, long); },
    podSandboxStatus: async (podSandboxId) => (await rt.PodSandboxStatus({ podSandboxId }, short)).status,
    listPodSandbox: async (filter) => (await rt.ListPodSandbox({ filter: sandboxFilter(filter) }, short)).items ?? [],
    createContainer: async (podSandboxId, config, sandboxConfig) =>
      (await rt.CreateContainer({ podSandboxId, config, sandboxConfig }, long)).containerId,
    startContainer: async (containerId) => { await rt.StartContainer({ containerId }, long); },
    stopContainer: async (containerId, timeout) => {
      await rt.StopContainer({ containerId, timeout }, { deadlineMs: (timeout + 30) * 1000 });
    },
    removeContainer: async (containerId) => { await rt.RemoveContainer({ containerId }, long); },
    listContainers: async (filter) => (await rt.ListContainers({ filter: containerFilter(filter) }, short)).containers ?? [],
    containerStatus: async (containerId) => (await rt.ContainerStatus({ containerId }, short)).status,
    reopenContainerLog: async (containerId) => { await rt.ReopenContainerLog({ containerId }, short); },
    pullImage: async (image, sandboxConfig) => (await img.PullImage({ image: { image }, sandboxConfig }, { deadlineMs: pullMs })).imageRef,
    imageStatus: async (image) => {
      const res = await img.ImageStatus({ image: { image } }, short);
      return res.image && res.image.id ? res.image : undefined;
    },
  };
};
