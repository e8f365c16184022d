// TypeScript shapes of the CRI messages (api/cri/api.proto) as @grpc/proto-loader decodes them
// with the options in cri.ts: lowerCamelCase field names (keepCase: false), int64 as JS number
// (longs: Number), enums as their string names (enums: String), and every field present with its
// proto3 default (defaults: true). Requests we send may omit fields (they encode as defaults).
// Only the fields Berth reads or writes are listed; the proto carries upstream's full numbering.

export type KeyValueMap = Record<string, string>;

export interface KeyValue { key: string; value: string }

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface ContainerMetadata { name: string; attempt: number }

export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export interface PortMapping { protocol?: Protocol; containerPort: number; hostPort?: number; hostIp?: string }

export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; targetId?: string }

export interface Int64Value { value: number }

export type { SecurityProfile } from './seccomp-profile';
import type { SecurityProfile } from './seccomp-profile';

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  supplementalGroups?: number[];
  readonlyRootfs?: boolean;
  privileged?: boolean;
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
}

export interface LinuxPodSandboxConfig {
  /** The pod's cgroup, as kubelet sends it (`/kubepods/burstable/pod<uid>`), under the runtime's cgroup parent. */
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: KeyValueMap;
  /** The sum of the containers' resources: the pod cgroup's limits (kubelet's pod-level cgroup). */
  resources?: LinuxContainerResources;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: KeyValueMap;
  annotations?: KeyValueMap;
  linux?: LinuxPodSandboxConfig;
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodIP { ip: string }
export interface PodSandboxNetworkStatus { ip: string; additionalIps: PodIP[] }
export interface Namespace { options?: NamespaceOption }
export interface LinuxPodSandboxStatus { namespaces?: Namespace }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  network?: PodSandboxNetworkStatus;
  linux?: LinuxPodSandboxStatus;
  labels: KeyValueMap;
  annotations: KeyValueMap;
  runtimeHandler: string;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: KeyValueMap;
  annotations: KeyValueMap;
  runtimeHandler: string;
}

export interface PodSandboxStateValue { state: PodSandboxState }
export interface PodSandboxFilter { id?: string; state?: PodSandboxStateValue; labelSelector?: KeyValueMap }

export interface ImageSpec { image: string; annotations?: KeyValueMap; userSpecifiedImage?: string; runtimeHandler?: string }

export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  memorySwapLimitInBytes?: number;
}

export interface Capability { addCapabilities?: string[]; dropCapabilities?: string[]; addAmbientCapabilities?: string[] }

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  privileged?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  /** null (decoded absent) or Unconfined: no filter, as containerd. */
  seccomp?: SecurityProfile | null;
  apparmor?: SecurityProfile | null;
}

export interface LinuxContainerConfig { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext }

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: KeyValueMap;
  annotations?: KeyValueMap;
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: KeyValueMap;
  annotations: KeyValueMap;
  imageId: string;
}

export interface ContainerStateValue { state: ContainerState }
export interface ContainerFilter { id?: string; state?: ContainerStateValue; podSandboxId?: string; labelSelector?: KeyValueMap }

export interface ContainerResources { linux?: LinuxContainerResources }

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
  labels: KeyValueMap;
  annotations: KeyValueMap;
  mounts: Mount[];
  logPath: string;
  resources?: ContainerResources;
  imageId: string;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  uid?: Int64Value;
  username: string;
  spec?: ImageSpec;
  pinned: boolean;
}

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }
export interface RuntimeStatus { conditions: RuntimeCondition[] }

export interface UInt64Value { value: number }
export interface FilesystemUsage {
  timestamp: number;
  fsId: { mountpoint: string };
  usedBytes: UInt64Value;
  inodesUsed: UInt64Value;
}

// Requests and responses, one pair per RPC.
export interface VersionRequest { version?: string }
export interface VersionResponse { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }
export interface RunPodSandboxRequest { config: PodSandboxConfig; runtimeHandler?: string }
export interface RunPodSandboxResponse { podSandboxId: string }
export interface PodSandboxIdRequest { podSandboxId: string }
export type StopPodSandboxRequest = PodSandboxIdRequest;
export type RemovePodSandboxRequest = PodSandboxIdRequest;
export type Empty = Record<string, never>;
export interface PodSandboxStatusRequest { podSandboxId: string; verbose?: boolean }
export interface PodSandboxStatusResponse { status: PodSandboxStatus; info: KeyValueMap; timestamp: number }
export interface ListPodSandboxRequest { filter?: PodSandboxFilter }
export interface ListPodSandboxResponse { items: PodSandbox[] }
export interface CreateContainerRequest { podSandboxId: string; config: ContainerConfig; sandboxConfig: PodSandboxConfig }
export interface CreateContainerResponse { containerId: string }
export interface ContainerIdRequest { containerId: string }
export type StartContainerRequest = ContainerIdRequest;
export interface StopContainerRequest { containerId: string; timeout?: number }
export type RemoveContainerRequest = ContainerIdRequest;
export interface ListContainersRequest { filter?: ContainerFilter }
export interface ListContainersResponse { containers: Container[] }
export interface ContainerStatusRequest { containerId: string; verbose?: boolean }
export interface ContainerStatusResponse { status: ContainerStatus; info: KeyValueMap }
export interface StatusRequest { verbose?: boolean }
export interface StatusResponse { status: RuntimeStatus; info: KeyValueMap }

export interface ImageFilter { image?: ImageSpec }
export interface ListImagesRequest { filter?: ImageFilter }
export interface ListImagesResponse { images: Image[] }
export interface ImageStatusRequest { image: ImageSpec; verbose?: boolean }
export interface ImageStatusResponse { image?: Image | null; info: KeyValueMap }
/** CRI AuthConfig (registry credentials sent with PullImage). */
export interface AuthConfig {
  username?: string; password?: string; auth?: string; serverAddress?: string; identityToken?: string; registryToken?: string;
}
export interface PullImageRequest { image: ImageSpec; auth?: AuthConfig | null; sandboxConfig?: PodSandboxConfig }
export interface PullImageResponse { imageRef: string }
export interface RemoveImageRequest { image: ImageSpec }
export type ImageFsInfoRequest = Empty;
export interface ImageFsInfoResponse { imageFilesystems: FilesystemUsage[]; containerFilesystems: FilesystemUsage[] }
