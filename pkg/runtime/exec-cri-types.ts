// TypeScript shapes of the CRI messages for exec, attach, port-forward, stats, resource updates and
// log reopening (api/cri/api.proto), decoded with the options in cri.ts (see cri-types.ts).
// Kept apart from cri-types.ts so that each part of the runtime owns its messages.
import type { ContainerMetadata, FilesystemUsage, KeyValueMap, LinuxContainerResources, UInt64Value } from './cri-types';

export interface ExecSyncRequest { containerId: string; cmd: string[]; timeout?: number }
/** stdout/stderr are `bytes`: Buffers when decoded, Buffers or strings when sent. */
export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface ExecRequest { containerId: string; cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
export interface ExecResponse { url: string }
export interface AttachRequest { containerId: string; stdin?: boolean; tty?: boolean; stdout?: boolean; stderr?: boolean }
export interface AttachResponse { url: string }
export interface PortForwardRequest { podSandboxId: string; port: number[] }
export interface PortForwardResponse { url: string }

export interface UpdateContainerResourcesRequest { containerId: string; linux?: LinuxContainerResources | null; annotations?: KeyValueMap }
export interface ReopenContainerLogRequest { containerId: string }

export interface ContainerAttributes { id: string; metadata: ContainerMetadata; labels: KeyValueMap; annotations: KeyValueMap }
export interface CpuUsage { timestamp: number; usageCoreNanoSeconds?: UInt64Value | null; usageNanoCores?: UInt64Value | null }
export interface MemoryUsage {
  timestamp: number;
  workingSetBytes?: UInt64Value | null;
  availableBytes?: UInt64Value | null;
  usageBytes?: UInt64Value | null;
  rssBytes?: UInt64Value | null;
  pageFaults?: UInt64Value | null;
  majorPageFaults?: UInt64Value | null;
}
export interface SwapUsage { timestamp: number; swapAvailableBytes?: UInt64Value | null; swapUsageBytes?: UInt64Value | null }
export interface ContainerStats {
  attributes: ContainerAttributes;
  cpu?: CpuUsage | null;
  memory?: MemoryUsage | null;
  writableLayer?: FilesystemUsage | null;
  swap?: SwapUsage | null;
}
export interface ContainerStatsRequest { containerId: string }
export interface ContainerStatsResponse { stats: ContainerStats }
export interface ContainerStatsFilter { id?: string; podSandboxId?: string; labelSelector?: KeyValueMap }
export interface ListContainerStatsRequest { filter?: ContainerStatsFilter | null }
export interface ListContainerStatsResponse { stats: ContainerStats[] }
