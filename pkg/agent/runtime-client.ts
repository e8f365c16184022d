// The agent's view of the node runtime: the subset of CRI v1 (RuntimeService + ImageService)
// that the pod workers use. Field names are the camelCase forms @grpc/proto-loader gives the
// upstream CRI v1 messages (`pod_sandbox_id` → `podSandboxId`); int64 times are nanoseconds
// since the epoch as numbers. The gRPC adapter is runtime-grpc.ts; tests use fake-runtime.ts.
import type * as cri from '../runtime/cri-types';
import type { ContainerState, PodSandboxState, RuntimeCondition } from '../runtime/cri-types';

/** Labels the agent puts on sandboxes and containers, as upstream's kubelet (kuberuntime/labels.go). */
export const labelPodName = 'io.kubernetes.pod.name';
export const labelPodNamespace = 'io.kubernetes.pod.namespace';
export const labelPodUID = 'io.kubernetes.pod.uid';
export const labelContainerName = 'io.kubernetes.container.name';
export const annotationRestartCount = 'io.kubernetes.container.restartCount';
export const annotationTerminationGracePeriod = 'io.kubernetes.pod.terminationGracePeriod';

export type StringMap = Record<string, string>;

// The CRI message shapes are the runtime's (pkg/runtime/cri-types.ts, decoded from api/cri/api.proto);
// the agent's view narrows them: what it always sends is required, what it never reads is left out.
export type {
  Capability, ContainerMetadata, ContainerState, DNSConfig, ImageSpec, Int64Value, KeyValue, LinuxContainerResources,
  LinuxContainerSecurityContext, LinuxSandboxSecurityContext, Mount, MountPropagation, NamespaceMode, NamespaceOption,
  PodSandboxMetadata, PodSandboxState, PortMapping, RuntimeCondition, SecurityProfile,
} from '../runtime/cri-types';

/** The sandbox the agent asks for (kubelet generatePodSandboxConfig): these fields always set. */
export interface PodSandboxConfig extends cri.PodSandboxConfig {
  hostname: string;
  logDirectory: string;
  labels: StringMap;
  annotations: StringMap;
}

/** A container the agent asks for (kubelet generateContainerConfig); logPath is relative to the sandbox's logDirectory. */
export interface ContainerConfig extends cri.ContainerConfig {
  command: string[];
  args: string[];
  workingDir: string;
  envs: cri.KeyValue[];
  labels: StringMap;
  annotations: StringMap;
  logPath: string;
}

export type PodSandbox = Omit<cri.PodSandbox, 'runtimeHandler'>;

export interface PodSandboxStatus extends PodSandbox {
  network?: { ip: string; additionalIps?: { ip: string }[] };
}

export type Container = Omit<cri.Container, 'imageId'>;
export type ContainerStatus = Omit<cri.ContainerStatus, 'mounts' | 'resources' | 'imageId'>;

export interface PodSandboxFilter { id?: string; state?: PodSandboxState; labelSelector?: StringMap }
export interface ContainerFilter { id?: string; state?: ContainerState; podSandboxId?: string; labelSelector?: StringMap }

export interface VersionInfo { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }
export interface ImageInfo { id: string; repoTags: string[]; repoDigests: string[]; size: number }

/** CRI v1 RuntimeService + ImageService, promise-based. Errors are thrown as they come (gRPC status errors). */
export interface RuntimeService {
  version(): Promise<VersionInfo>;
  status(): Promise<RuntimeCondition[]>;
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** `timeout` seconds between SIGTERM and SIGKILL; the runtime does both. */
  stopContainer(containerId: string, timeout: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  /** Asks the runtime to reopen the container's log file at its path (after the agent rotated it). */
  reopenContainerLog(containerId: string): Promise<void>;
  /** Resolves with the image reference (digest) the runtime stored. */
  pullImage(image: string, sandboxConfig?: PodSandboxConfig): Promise<string>;
  /** Undefined when the image is not present. */
  imageStatus(image: string): Promise<ImageInfo | undefined>;
}

/** Whether a gRPC error means "the thing is already gone" (status NOT_FOUND = 5). */
export const isRuntimeNotFound = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 5;
