// The agent's view of the node runtime: the subset of CRI v1 (RuntimeService + ImageService)
// that the pod workers use. Field names are the camelCase forms @grpc/proto-loader gives the
// upstream CRI v1 messages (`pod_sandbox_id` → `podSandboxId`); int64 times are nanoseconds
// since the epoch as numbers. The gRPC adapter is runtime-grpc.ts; tests use fake-runtime.ts.

/** Labels the agent puts on sandboxes and containers, as upstream's kubelet (kuberuntime/labels.go). */
export const labelPodName = 'io.kubernetes.pod.name';
export const labelPodNamespace = 'io.kubernetes.pod.namespace';
export const labelPodUID = 'io.kubernetes.pod.uid';
export const labelContainerName = 'io.kubernetes.container.name';
export const annotationRestartCount = 'io.kubernetes.container.restartCount';
export const annotationTerminationGracePeriod = 'io.kubernetes.pod.terminationGracePeriod';

export type StringMap = Record<string, string>;

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface ContainerMetadata { name: string; attempt: number }
export interface ImageSpec { image: string; annotations?: StringMap }
export interface KeyValue { key: string; value: string }

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface Int64Value { value: number }

export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }
export interface PortMapping { protocol?: 'TCP' | 'UDP' | 'SCTP'; containerPort: number; hostPort?: number; hostIp?: string }
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
/** CRI NamespaceOption: which network, PID and IPC namespaces a sandbox or container uses. */
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode }

export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
/** CRI Mount: a host path bound into the container. */
export interface Mount { containerPath: string; hostPath: string; readonly?: boolean; selinuxRelabel?: boolean; propagation?: MountPropagation }

/** CRI LinuxSandboxSecurityContext (the fields the agent sets). */
export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  supplementalGroups?: number[];
  privileged?: boolean;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  logDirectory: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels: StringMap;
  annotations: StringMap;
  /**
   * cgroupParent is the pod's cgroup under its QoS class (`/kubepods/burstable/pod<uid>`), as kubelet
   * sends it; the runtime nests it under its own cgroup parent. resources are the pod cgroup's limits.
   */
  linux?: { cgroupParent?: string; resources?: LinuxContainerResources; securityContext?: LinuxSandboxSecurityContext; sysctls?: StringMap };
}

/** CRI Capability: kubelet's names, without the CAP_ prefix; `ALL` allowed. */
export interface Capability { addCapabilities?: string[]; dropCapabilities?: string[] }

/** CRI LinuxContainerSecurityContext (the fields the agent sets). */
export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  namespaceOptions?: NamespaceOption;
  privileged?: boolean;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  seccomp?: SecurityProfile;
}

/** CRI SecurityProfile: a seccomp (or AppArmor) profile; localhostRef is the profile file's absolute path on the node. */
export interface SecurityProfile { profileType: 'RuntimeDefault' | 'Unconfined' | 'Localhost'; localhostRef?: string }

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command: string[];
  args: string[];
  workingDir: string;
  envs: KeyValue[];
  mounts?: Mount[];
  labels: StringMap;
  annotations: StringMap;
  /** Relative to the sandbox's logDirectory. */
  logPath: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: StringMap;
  annotations: StringMap;
}

export interface PodSandboxStatus extends PodSandbox {
  network?: { ip: string; additionalIps?: { ip: string }[] };
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: StringMap;
  annotations: StringMap;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: ImageSpec;
  imageRef: string;
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  logPath: string;
}

export interface PodSandboxFilter { id?: string; state?: PodSandboxState; labelSelector?: StringMap }
export interface ContainerFilter { id?: string; state?: ContainerState; podSandboxId?: string; labelSelector?: StringMap }

export interface VersionInfo { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }
export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
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
