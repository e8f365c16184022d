// core/v1: Pod, Node, Namespace, Event, Binding. Field names, types and merge keys follow
// upstream's OpenAPI; fields we accept but do not act on yet are listed in the README.
import { Type, type Static } from '@sinclair/typebox';
import { Obj, Opt, Str, Int, Bool, StrMap, IntOrString, Quantity, Time, MergeList, AtomicList, AnyJSON } from '../meta/schema';
import { ObjectMeta, ListMeta, LabelSelector, type Stored } from '../meta/v1';

const ResourceList = (description?: string) =>
  Type.Record(Type.String(), Quantity(), description ? { description } : {});

export const ResourceRequirements = Obj({
  limits: Opt(ResourceList('Maximum amount of compute resources allowed.')),
  requests: Opt(ResourceList('Minimum amount of compute resources required; used for scheduling.')),
  claims: Opt(AtomicList(Obj({ name: Str(), request: Opt(Str()) }))),
});
export type ResourceRequirements = Static<typeof ResourceRequirements>;

const KeySelector = Obj({ name: Opt(Str()), key: Str(), optional: Opt(Bool()) });
const ObjectFieldSelector = Obj({ apiVersion: Opt(Str()), fieldPath: Str() });
const ResourceFieldSelector = Obj({ containerName: Opt(Str()), resource: Str(), divisor: Opt(Quantity()) });

export const EnvVar = Obj({
  name: Str('Name of the variable.'),
  value: Opt(Str('Value, with $(VAR) references expanded.')),
  valueFrom: Opt(Obj({
    fieldRef: Opt(ObjectFieldSelector),
    resourceFieldRef: Opt(ResourceFieldSelector),
    configMapKeyRef: Opt(KeySelector),
    secretKeyRef: Opt(KeySelector),
  })),
});
export type EnvVar = Static<typeof EnvVar>;

const EnvFromSource = Obj({
  prefix: Opt(Str()),
  configMapRef: Opt(Obj({ name: Opt(Str()), optional: Opt(Bool()) })),
  secretRef: Opt(Obj({ name: Opt(Str()), optional: Opt(Bool()) })),
});

export const ContainerPort = Obj({
  name: Opt(Str()),
  containerPort: Int('Port number on the pod IP.'),
  hostPort: Opt(Int()),
  hostIP: Opt(Str()),
  protocol: Opt(Str('TCP, UDP or SCTP; defaults to TCP.')),
});
export type ContainerPort = Static<typeof ContainerPort>;

const HTTPHeader = Obj({ name: Str(), value: Str() });
const ProbeHandlers = {
  exec: Opt(Obj({ command: Opt(AtomicList(Type.String())) })),
  httpGet: Opt(Obj({
    path: Opt(Str()), port: IntOrString(), host: Opt(Str()), scheme: Opt(Str()),
    httpHeaders: Opt(AtomicList(HTTPHeader)),
  })),
  tcpSocket: Opt(Obj({ port: IntOrString(), host: Opt(Str()) })),
};
export const Probe = Obj({
  ...ProbeHandlers,
  grpc: Opt(Obj({ port: Int(), service: Opt(Str()) })),
  initialDelaySeconds: Opt(Int()),
  timeoutSeconds: Opt(Int()),
  periodSeconds: Opt(Int()),
  successThreshold: Opt(Int()),
  failureThreshold: Opt(Int()),
  terminationGracePeriodSeconds: Opt(Int()),
});
export type Probe = Static<typeof Probe>;

const LifecycleHandler = Obj({ ...ProbeHandlers, sleep: Opt(Obj({ seconds: Int() })) });
const Lifecycle = Obj({ postStart: Opt(LifecycleHandler), preStop: Opt(LifecycleHandler), stopSignal: Opt(Str()) });

const SELinuxOptions = Obj({ user: Opt(Str()), role: Opt(Str()), type: Opt(Str()), level: Opt(Str()) });
const SeccompProfile = Obj({ type: Str(), localhostProfile: Opt(Str()) });
const AppArmorProfile = Obj({ type: Str(), localhostProfile: Opt(Str()) });
const WindowsOptions = Obj({
  gmsaCredentialSpecName: Opt(Str()), gmsaCredentialSpec: Opt(Str()), runAsUserName: Opt(Str()), hostProcess: Opt(Bool()),
});
const Sysctl = Obj({ name: Str(), value: Str() });

export const SecurityContext = Obj({
  capabilities: Opt(Obj({ add: Opt(AtomicList(Type.String())), drop: Opt(AtomicList(Type.String())) })),
  privileged: Opt(Bool()),
  seLinuxOptions: Opt(SELinuxOptions),
  windowsOptions: Opt(WindowsOptions),
  runAsUser: Opt(Int()),
  runAsGroup: Opt(Int()),
  runAsNonRoot: Opt(Bool()),
  readOnlyRootFilesystem: Opt(Bool()),
  allowPrivilegeEscalation: Opt(Bool()),
  procMount: Opt(Str()),
  seccompProfile: Opt(SeccompProfile),
  appArmorProfile: Opt(AppArmorProfile),
});

export const PodSecurityContext = Obj({
  seLinuxOptions: Opt(SELinuxOptions),
  windowsOptions: Opt(WindowsOptions),
  runAsUser: Opt(Int()),
  runAsGroup: Opt(Int()),
  runAsNonRoot: Opt(Bool()),
  supplementalGroups: Opt(AtomicList(Type.Integer())),
  supplementalGroupsPolicy: Opt(Str()),
  fsGroup: Opt(Int()),
  fsGroupChangePolicy: Opt(Str()),
  sysctls: Opt(AtomicList(Sysctl)),
  seccompProfile: Opt(SeccompProfile),
  appArmorProfile: Opt(AppArmorProfile),
  seLinuxChangePolicy: Opt(Str()),
});

export const VolumeMount = Obj({
  name: Str('Name of the volume to mount.'),
  mountPath: Str('Path inside the container.'),
  readOnly: Opt(Bool()),
  recursiveReadOnly: Opt(Str()),
  subPath: Opt(Str()),
  subPathExpr: Opt(Str()),
  mountPropagation: Opt(Str()),
});
export type VolumeMount = Static<typeof VolumeMount>;

export const Container = Obj({
  name: Str('Name of the container, unique within the pod.'),
  image: Opt(Str('Image reference, for example busybox:1.36.')),
  command: Opt(AtomicList(Type.String(), { description: 'Entrypoint; replaces the image ENTRYPOINT.' })),
  args: Opt(AtomicList(Type.String(), { description: 'Arguments; replace the image CMD.' })),
  workingDir: Opt(Str()),
  ports: Opt(Type.Array(ContainerPort, {
    'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
  })),
  envFrom: Opt(AtomicList(EnvFromSource)),
  env: Opt(MergeList(EnvVar, 'name')),
  resources: Opt(ResourceRequirements),
  resizePolicy: Opt(AtomicList(Obj({ resourceName: Str(), restartPolicy: Str() }))),
  restartPolicy: Opt(Str()),
  volumeMounts: Opt(MergeList(VolumeMount, 'mountPath')),
  volumeDevices: Opt(MergeList(Obj({ name: Str(), devicePath: Str() }), 'devicePath')),
  livenessProbe: Opt(Probe),
  readinessProbe: Opt(Probe),
  startupProbe: Opt(Probe),
  lifecycle: Opt(Lifecycle),
  terminationMessagePath: Opt(Str()),
  terminationMessagePolicy: Opt(Str()),
  imagePullPolicy: Opt(Str('Always, IfNotPresent or Never.')),
  securityContext: Opt(SecurityContext),
  stdin: Opt(Bool()),
  stdinOnce: Opt(Bool()),
  tty: Opt(Bool()),
});
export type Container = Static<typeof Container>;

const KeyToPath = Obj({ key: Str(), path: Str(), mode: Opt(Int()) });
export const Volume = Obj({
  name: Str('Name referenced by volumeMounts.'),
  emptyDir: Opt(Obj({ medium: Opt(Str()), sizeLimit: Opt(Quantity()) })),
  hostPath: Opt(Obj({ path: Str(), type: Opt(Str()) })),
  configMap: Opt(Obj({ name: Opt(Str()), items: Opt(AtomicList(KeyToPath)), defaultMode: Opt(Int()), optional: Opt(Bool()) })),
  secret: Opt(Obj({ secretName: Opt(Str()), items: Opt(AtomicList(KeyToPath)), defaultMode: Opt(Int()), optional: Opt(Bool()) })),
  persistentVolumeClaim: Opt(Obj({ claimName: Str(), readOnly: Opt(Bool()) })),
  projected: Opt(AnyJSON()),
  downwardAPI: Opt(AnyJSON()),
  ephemeral: Opt(AnyJSON()),
  csi: Opt(AnyJSON()),
  nfs: Opt(AnyJSON()),
  image: Opt(AnyJSON()),
  iscsi: Opt(AnyJSON()),
  gcePersistentDisk: Opt(AnyJSON()),
  awsElasticBlockStore: Opt(AnyJSON()),
  azureDisk: Opt(AnyJSON()),
  azureFile: Opt(AnyJSON()),
  cephfs: Opt(AnyJSON()),
  cinder: Opt(AnyJSON()),
  fc: Opt(AnyJSON()),
  flexVolume: Opt(AnyJSON()),
  flocker: Opt(AnyJSON()),
  gitRepo: Opt(AnyJSON()),
  glusterfs: Opt(AnyJSON()),
  photonPersistentDisk: Opt(AnyJSON()),
  portworxVolume: Opt(AnyJSON()),
  quobyte: Opt(AnyJSON()),
  rbd: Opt(AnyJSON()),
  scaleIO: Opt(AnyJSON()),
  storageos: Opt(AnyJSON()),
  vsphereVolume: Opt(AnyJSON()),
});
export type Volume = Static<typeof Volume>;

export const Toleration = Obj({
  key: Opt(Str()), operator: Opt(Str()), value: Opt(Str()), effect: Opt(Str()), tolerationSeconds: Opt(Int()),
});

export const PodSpec = Obj({
  volumes: Opt(MergeList(Volume, 'name')),
  initContainers: Opt(MergeList(Container, 'name')),
  containers: MergeList(Container, 'name', { description: 'The containers of the pod; at least one.' }),
  ephemeralContainers: Opt(MergeList(AnyJSON(), 'name')),
  restartPolicy: Opt(Str('Always, OnFailure or Never; defaults to Always.')),
  terminationGracePeriodSeconds: Opt(Int('Seconds between SIGTERM and SIGKILL; defaults to 30.')),
  activeDeadlineSeconds: Opt(Int()),
  dnsPolicy: Opt(Str()),
  nodeSelector: Opt(StrMap()),
  serviceAccountName: Opt(Str()),
  serviceAccount: Opt(Str()),
  automountServiceAccountToken: Opt(Bool()),
  nodeName: Opt(Str('Node the pod is bound to; set by the scheduler.')),
  hostNetwork: Opt(Bool()),
  hostPID: Opt(Bool()),
  hostIPC: Opt(Bool()),
  shareProcessNamespace: Opt(Bool()),
  securityContext: Opt(PodSecurityContext),
  imagePullSecrets: Opt(MergeList(Obj({ name: Opt(Str()) }), 'name')),
  hostname: Opt(Str()),
  subdomain: Opt(Str()),
  affinity: Opt(AnyJSON()),
  schedulerName: Opt(Str()),
  tolerations: Opt(AtomicList(Toleration)),
  hostAliases: Opt(MergeList(Obj({ ip: Str(), hostnames: Opt(AtomicList(Type.String())) }), 'ip')),
  priorityClassName: Opt(Str()),
  priority: Opt(Int()),
  dnsConfig: Opt(Obj({
    nameservers: Opt(AtomicList(Type.String())),
    searches: Opt(AtomicList(Type.String())),
    options: Opt(AtomicList(Obj({ name: Opt(Str()), value: Opt(Str()) }))),
  })),
  readinessGates: Opt(AtomicList(Obj({ conditionType: Str() }))),
  runtimeClassName: Opt(Str()),
  enableServiceLinks: Opt(Bool()),
  preemptionPolicy: Opt(Str()),
  overhead: Opt(ResourceList()),
  topologySpreadConstraints: Opt(AtomicList(AnyJSON())),
  setHostnameAsFQDN: Opt(Bool()),
  os: Opt(Obj({ name: Str() })),
  hostUsers: Opt(Bool()),
  schedulingGates: Opt(MergeList(Obj({ name: Str() }), 'name')),
  resourceClaims: Opt(MergeList(AnyJSON(), 'name')),
  resources: Opt(ResourceRequirements),
});
export type PodSpec = Static<typeof PodSpec>;

export const PodCondition = Obj({
  type: Str('PodScheduled, Initialized, ContainersReady or Ready.'),
  status: Str(),
  observedGeneration: Opt(Int()),
  lastProbeTime: Opt(Time()),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});
export type PodCondition = Static<typeof PodCondition>;

export const ContainerState = Obj({
  waiting: Opt(Obj({ reason: Opt(Str()), message: Opt(Str()) })),
  running: Opt(Obj({ startedAt: Opt(Time()) })),
  terminated: Opt(Obj({
    exitCode: Int(), signal: Opt(Int()), reason: Opt(Str()), message: Opt(Str()),
    startedAt: Opt(Time()), finishedAt: Opt(Time()), containerID: Opt(Str()),
  })),
});
export type ContainerState = Static<typeof ContainerState>;

export const ContainerStatus = Obj({
  name: Str(),
  state: Opt(ContainerState),
  lastState: Opt(ContainerState),
  ready: Bool(),
  restartCount: Int(),
  image: Str(),
  imageID: Str(),
  containerID: Opt(Str()),
  started: Opt(Bool()),
  allocatedResources: Opt(ResourceList()),
  resources: Opt(ResourceRequirements),
  volumeMounts: Opt(AtomicList(AnyJSON())),
  user: Opt(AnyJSON()),
  allocatedResourcesStatus: Opt(AtomicList(AnyJSON())),
  stopSignal: Opt(Str()),
});
export type ContainerStatus = Static<typeof ContainerStatus>;

const IP = Obj({ ip: Str() });
export const PodStatus = Obj({
  observedGeneration: Opt(Int()),
  phase: Opt(Str('Pending, Running, Succeeded, Failed or Unknown.')),
  conditions: Opt(MergeList(PodCondition, 'type')),
  message: Opt(Str()),
  reason: Opt(Str()),
  nominatedNodeName: Opt(Str()),
  hostIP: Opt(Str()),
  hostIPs: Opt(AtomicList(IP)),
  podIP: Opt(Str()),
  podIPs: Opt(MergeList(IP, 'ip')),
  startTime: Opt(Time()),
  initContainerStatuses: Opt(AtomicList(ContainerStatus)),
  containerStatuses: Opt(AtomicList(ContainerStatus)),
  qosClass: Opt(Str()),
  ephemeralContainerStatuses: Opt(AtomicList(ContainerStatus)),
  resize: Opt(Str()),
  resourceClaimStatuses: Opt(AtomicList(AnyJSON())),
});
export type PodStatus = Static<typeof PodStatus>;

export const Pod = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(PodSpec),
  status: Opt(PodStatus),
}, { description: 'A group of containers scheduled together on one node.' });
export type Pod = Static<typeof Pod>;

export const PodTemplateSpec = Obj({ metadata: Opt(ObjectMeta), spec: Opt(PodSpec) });
export type PodTemplateSpec = Static<typeof PodTemplateSpec>;

export const Taint = Obj({ key: Str(), value: Opt(Str()), effect: Str(), timeAdded: Opt(Time()) });
export const NodeCondition = Obj({
  type: Str(), status: Str(), lastHeartbeatTime: Opt(Time()), lastTransitionTime: Opt(Time()),
  reason: Opt(Str()), message: Opt(Str()),
});
export type NodeCondition = Static<typeof NodeCondition>;
export const NodeAddress = Obj({ type: Str(), address: Str() });

export const Node = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(Obj({
    podCIDR: Opt(Str()),
    podCIDRs: Opt(Type.Array(Type.String(), { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' })),
    providerID: Opt(Str()),
    unschedulable: Opt(Bool()),
    taints: Opt(AtomicList(Taint)),
    configSource: Opt(AnyJSON()),
    externalID: Opt(Str()),
  })),
  status: Opt(Obj({
    capacity: Opt(ResourceList()),
    allocatable: Opt(ResourceList()),
    phase: Opt(Str()),
    conditions: Opt(MergeList(NodeCondition, 'type')),
    addresses: Opt(MergeList(NodeAddress, 'type')),
    daemonEndpoints: Opt(Obj({ kubeletEndpoint: Opt(Obj({ Port: Int() })) })),
    nodeInfo: Opt(Obj({
      machineID: Str(), systemUUID: Str(), bootID: Str(), kernelVersion: Str(), osImage: Str(),
      containerRuntimeVersion: Str(), kubeletVersion: Str(), kubeProxyVersion: Opt(Str()),
      operatingSystem: Str(), architecture: Str(), swap: Opt(AnyJSON()),
    })),
    images: Opt(AtomicList(Obj({ names: Opt(AtomicList(Type.String())), sizeBytes: Opt(Int()) }))),
    volumesInUse: Opt(AtomicList(Type.String())),
    volumesAttached: Opt(AtomicList(AnyJSON())),
    config: Opt(AnyJSON()),
    runtimeHandlers: Opt(AtomicList(AnyJSON())),
    features: Opt(AnyJSON()),
  })),
}, { description: 'A worker machine that runs pods.' });
export type Node = Static<typeof Node>;

export const Namespace = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(Obj({ finalizers: Opt(AtomicList(Type.String())) })),
  status: Opt(Obj({ phase: Opt(Str('Active or Terminating.')), conditions: Opt(MergeList(AnyJSON(), 'type')) })),
}, { description: 'A scope for names.' });
export type Namespace = Static<typeof Namespace>;

export const ObjectReference = Obj({
  kind: Opt(Str()), namespace: Opt(Str()), name: Opt(Str()), uid: Opt(Str()),
  apiVersion: Opt(Str()), resourceVersion: Opt(Str()), fieldPath: Opt(Str()),
});
export type ObjectReference = Static<typeof ObjectReference>;

export const Event = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  involvedObject: ObjectReference,
  reason: Opt(Str()),
  message: Opt(Str()),
  source: Opt(Obj({ component: Opt(Str()), host: Opt(Str()) })),
  firstTimestamp: Opt(Time()),
  lastTimestamp: Opt(Time()),
  count: Opt(Int()),
  type: Opt(Str('Normal or Warning.')),
  eventTime: Opt(Type.Union([Type.String(), Type.Null()])),
  series: Opt(AnyJSON()),
  action: Opt(Str()),
  related: Opt(ObjectReference),
  reportingComponent: Opt(Str()),
  reportingInstance: Opt(Str()),
}, { description: 'A report of something that happened to an object.' });
export type Event = Static<typeof Event>;

export const Binding = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  target: ObjectReference,
}, { description: 'Binds a pod to a node.' });
export type Binding = Static<typeof Binding>;

/** Pods and nodes as the server returns them (metadata always set). */
export type ApiPod = Stored<Pod>;
export type ApiNode = Stored<Node>;

export { ObjectMeta, ListMeta, LabelSelector };
