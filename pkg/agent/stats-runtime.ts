// The runtime's stats calls (CRI ListContainerStats), apart from RuntimeService so that the pod
// workers' interface stays the subset they use.
import { createRuntimeClient, type ContainerStats } from '../runtime';

export interface StatsRuntime {
  /** Stats of every running container. */
  listContainerStats(): Promise<ContainerStats[]>;
}

export interface GrpcStatsRuntime extends StatsRuntime { close(): void }

/** Connects (lazily) to the runtime at `socketPath`. */
export const createGrpcStatsRuntime = (socketPath: string): GrpcStatsRuntime => {
  const { runtime, close } = createRuntimeClient(socketPath);
  return {
    close,
    listContainerStats: async () => (await runtime.ListContainerStats({ filter: {} }, { deadlineMs: 30_000 })).stats ?? [],
  };
};
