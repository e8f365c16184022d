// k8s.io/api core/v1 messages that typed clients send as protobuf (`kubectl create …`),
// field numbers as upstream's generated.proto. Fields left out here are refused when they
// carry data (see handlers/protobuf.ts), never dropped silently.
import type { MessageSpecs } from './dsl';

const objects: MessageSpecs = {
  Namespace: { metadata: '1 ObjectMeta', spec: '2 NamespaceSpec', status: '3 Skip' },
  NamespaceSpec: { finalizers: '1 string[]' },
  ConfigMap: { metadata: '1 ObjectMeta', immutable: '4 bool*', data: '2 map<string,string>', binaryData: '3 map<string,bytes>' },
  Secret: {
    metadata: '1 ObjectMeta', immutable: '5 bool*', data: '2 map<string,bytes>', stringData: '4 map<string,string>', type: '3 string',
  },
  ServiceAccount: {
    metadata: '1 ObjectMeta', secrets: '2 ObjectReference[]', imagePullSecrets: '3 LocalObjectReference[]',
    automountServiceAccountToken: '4 bool*',
  },
  ObjectReference: {
    kind: '1 string', namespace: '2 string', name: '3 string', uid: '4 string', apiVersion: '5 string',
    resourceVersion: '6 string', fieldPath: '7 string',
  },
  LocalObjectReference: { name: '1 string' },
  ResourceQuota: { metadata: '1 ObjectMeta', spec: '2 ResourceQuotaSpec', status: '3 Skip' },
  ResourceQuotaSpec: { hard: '1 map<string,Quantity>', scopes: '2 string[]', scopeSelector: '3 ScopeSelector*' },
  ScopeSelector: { matchExpressions: '1 ScopedResourceSelectorRequirement[]' },
  ScopedResourceSelectorRequirement: { scopeName: '1 string', operator: '2 string', values: '3 string[]' },
  Service: { metadata: '1 ObjectMeta', spec: '2 ServiceSpec', status: '3 Skip' },
  ServiceSpec: {
    ports: '1 ServicePort[]', selector: '2 map<string,string>', clusterIP: '3 string', clusterIPs: '18 string[]', type: '4 string',
    externalIPs: '5 string[]', sessionAffinity: '7 string', loadBalancerIP: '8 string', loadBalancerSourceRanges: '9 string[]',
    externalName: '10 string', externalTrafficPolicy: '11 string', healthCheckNodePort: '12 int32', publishNotReadyAddresses: '13 bool',
    sessionAffinityConfig: '14 SessionAffinityConfig*', ipFamilies: '19 string[]', ipFamilyPolicy: '17 string*',
    allocateLoadBalancerNodePorts: '20 bool*', loadBalancerClass: '21 string*', internalTrafficPolicy: '22 string*',
    trafficDistribution: '23 string*',
  },
  ServicePort: {
    name: '1 string', protocol: '2 string', appProtocol: '6 string*', port: '3 int32*', targetPort: '4 IntOrString', nodePort: '5 int32',
  },
  SessionAffinityConfig: { clientIP: '1 ClientIPConfig*' },
  ClientIPConfig: { timeoutSeconds: '1 int32*' },
};

const podSpec: MessageSpecs = {
  PodTemplateSpec: { metadata: '1 ObjectMeta', spec: '2 PodSpec' },
  PodSpec: {
    volumes: '1 Volume[]', initContainers: '20 Container[]', containers: '2 Container[]', restartPolicy: '3 string',
    terminationGracePeriodSeconds: '4 int64*', activeDeadlineSeconds: '5 int64*', dnsPolicy: '6 string', nodeSelector: '7 map<string,string>',
    serviceAccountName: '8 string', serviceAccount: '9 string', automountServiceAccountToken: '21 bool*', nodeName: '10 string',
    hostNetwork: '11 bool', hostPID: '12 bool', hostIPC: '13 bool', shareProcessNamespace: '27 bool*',
    securityContext: '14 PodSecurityContext*', imagePullSecrets: '15 LocalObjectReference[]', hostname: '16 string', subdomain: '17 string',
    affinity: '18 Affinity*', schedulerName: '19 string', tolerations: '22 Toleration[]', hostAliases: '23 HostAlias[]',
    priorityClassName: '24 string', priority: '25 int32*', dnsConfig: '26 PodDNSConfig*', readinessGates: '28 PodReadinessGate[]',
    runtimeClassName: '29 string*', enableServiceLinks: '30 bool*', preemptionPolicy: '31 string*', overhead: '32 map<string,Quantity>',
    topologySpreadConstraints: '33 TopologySpreadConstraint[]', setHostnameAsFQDN: '35 bool*', os: '36 PodOS*', hostUsers: '37 bool*',
    schedulingGates: '38 PodSchedulingGate[]', resources: '40 ResourceRequirements*',
  },
  Container: {
    name: '1 string', image: '2 string', command: '3 string[]', args: '4 string[]', workingDir: '5 string', ports: '6 ContainerPort[]',
    envFrom: '19 EnvFromSource[]', env: '7 EnvVar[]', resources: '8 ResourceRequirements', restartPolicy: '24 string*',
    volumeMounts: '9 VolumeMount[]', livenessProbe: '10 Probe*', readinessProbe: '11 Probe*', startupProbe: '22 Probe*',
    lifecycle: '12 Lifecycle*', terminationMessagePath: '13 string', terminationMessagePolicy: '20 string', imagePullPolicy: '14 string',
    securityContext: '15 SecurityContext*', stdin: '16 bool', stdinOnce: '17 bool', tty: '18 bool',
  },
  ContainerPort: { name: '1 string', hostPort: '2 int32', containerPort: '3 int32*', protocol: '4 string', hostIP: '5 string' },
  EnvVar: { name: '1 string', value: '2 string', valueFrom: '3 EnvVarSource*' },
  EnvVarSource: {
    fieldRef: '1 ObjectFieldSelector*', resourceFieldRef: '2 ResourceFieldSelector*', configMapKeyRef: '3 ConfigMapKeySelector*',
    secretKeyRef: '4 SecretKeySelector*',
  },
  ObjectFieldSelector: { apiVersion: '1 string', fieldPath: '2 string' },
  ResourceFieldSelector: { containerName: '1 string', resource: '2 string', divisor: '3 Quantity' },
  ConfigMapKeySelector: { localObjectReference: '1 LocalObjectReference^', key: '2 string', optional: '3 bool*' },
  SecretKeySelector: { localObjectReference: '1 LocalObjectReference^', key: '2 string', optional: '3 bool*' },
  EnvFromSource: { prefix: '1 string', configMapRef: '2 ConfigMapEnvSource*', secretRef: '3 SecretEnvSource*' },
  ConfigMapEnvSource: { localObjectReference: '1 LocalObjectReference^', optional: '2 bool*' },
  SecretEnvSource: { localObjectReference: '1 LocalObjectReference^', optional: '2 bool*' },
  ResourceRequirements: { limits: '1 map<string,Quantity>', requests: '2 map<string,Quantity>', claims: '3 ResourceClaim[]' },
  ResourceClaim: { name: '1 string', request: '2 string' },
  VolumeMount: {
    name: '1 string', readOnly: '2 bool', recursiveReadOnly: '7 string*', mountPath: '3 string', subPath: '4 string',
    mountPropagation: '5 string*', subPathExpr: '6 string',
  },
  Probe: {
    handler: '1 ProbeHandler^', initialDelaySeconds: '2 int32', timeoutSeconds: '3 int32', periodSeconds: '4 int32',
    successThreshold: '5 int32', failureThreshold: '6 int32', terminationGracePeriodSeconds: '7 int64*',
  },
  ProbeHandler: { exec: '1 ExecAction*', httpGet: '2 HTTPGetAction*', tcpSocket: '3 TCPSocketAction*', grpc: '4 GRPCAction*' },
  ExecAction: { command: '1 string[]' },
  HTTPGetAction: { path: '1 string', port: '2 IntOrString', host: '3 string', scheme: '4 string', httpHeaders: '5 HTTPHeader[]' },
  HTTPHeader: { name: '1 string', value: '2 string*' },
  TCPSocketAction: { port: '1 IntOrString', host: '2 string' },
  GRPCAction: { port: '1 int32*', service: '2 string*' },
  Lifecycle: { postStart: '1 LifecycleHandler*', preStop: '2 LifecycleHandler*', stopSignal: '3 string*' },
  LifecycleHandler: { exec: '1 ExecAction*', httpGet: '2 HTTPGetAction*', tcpSocket: '3 TCPSocketAction*', sleep: '4 SleepAction*' },
  SleepAction: { seconds: '1 int64*' },
};

const security: MessageSpecs = {
  SecurityContext: {
    capabilities: '1 Capabilities*', privileged: '2 bool*', seLinuxOptions: '3 SELinuxOptions*', runAsUser: '4 int64*',
    runAsGroup: '8 int64*', runAsNonRoot: '5 bool*', readOnlyRootFilesystem: '6 bool*', allowPrivilegeEscalation: '7 bool*',
    procMount: '9 string*', seccompProfile: '11 SeccompProfile*', appArmorProfile: '12 AppArmorProfile*',
  },
  PodSecurityContext: {
    seLinuxOptions: '1 SELinuxOptions*', runAsUser: '2 int64*', runAsGroup: '6 int64*', runAsNonRoot: '3 bool*',
    supplementalGroups: '4 int64[]', supplementalGroupsPolicy: '12 string*', fsGroup: '5 int64*', sysctls: '7 Sysctl[]',
    fsGroupChangePolicy: '9 string*', seccompProfile: '10 SeccompProfile*', appArmorProfile: '11 AppArmorProfile*',
    seLinuxChangePolicy: '13 string*',
  },
  Capabilities: { add: '1 string[]', drop: '2 string[]' },
  SELinuxOptions: { user: '1 string', role: '2 string', type: '3 string', level: '4 string' },
  SeccompProfile: { type: '1 string', localhostProfile: '2 string*' },
  AppArmorProfile: { type: '1 string', localhostProfile: '2 string*' },
  Sysctl: { name: '1 string', value: '2 string' },
};

const scheduling: MessageSpecs = {
  Toleration: { key: '1 string', operator: '2 string', value: '3 string', effect: '4 string', tolerationSeconds: '5 int64*' },
  Affinity: { nodeAffinity: '1 NodeAffinity*', podAffinity: '2 PodAffinity*', podAntiAffinity: '3 PodAntiAffinity*' },
  NodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: '1 NodeSelector*',
    preferredDuringSchedulingIgnoredDuringExecution: '2 PreferredSchedulingTerm[]',
  },
  NodeSelector: { nodeSelectorTerms: '1 NodeSelectorTerm[]' },
  NodeSelectorTerm: { matchExpressions: '1 NodeSelectorRequirement[]', matchFields: '2 NodeSelectorRequirement[]' },
  NodeSelectorRequirement: { key: '1 string', operator: '2 string', values: '3 string[]' },
  PreferredSchedulingTerm: { weight: '1 int32*', preference: '2 NodeSelectorTerm' },
  PodAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: '1 PodAffinityTerm[]',
    preferredDuringSchedulingIgnoredDuringExecution: '2 WeightedPodAffinityTerm[]',
  },
  PodAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: '1 PodAffinityTerm[]',
    preferredDuringSchedulingIgnoredDuringExecution: '2 WeightedPodAffinityTerm[]',
  },
  PodAffinityTerm: {
    labelSelector: '1 LabelSelector*', namespaces: '2 string[]', topologyKey: '3 string', namespaceSelector: '4 LabelSelector*',
    matchLabelKeys: '5 string[]', mismatchLabelKeys: '6 string[]',
  },
  WeightedPodAffinityTerm: { weight: '1 int32*', podAffinityTerm: '2 PodAffinityTerm' },
  HostAlias: { ip: '1 string', hostnames: '2 string[]' },
  PodDNSConfig: { nameservers: '1 string[]', searches: '2 string[]', options: '3 PodDNSConfigOption[]' },
  PodDNSConfigOption: { name: '1 string', value: '2 string*' },
  PodReadinessGate: { conditionType: '1 string' },
  TopologySpreadConstraint: {
    maxSkew: '1 int32*', topologyKey: '2 string', whenUnsatisfiable: '3 string', labelSelector: '4 LabelSelector*',
    minDomains: '5 int32*', nodeAffinityPolicy: '6 string*', nodeTaintsPolicy: '7 string*', matchLabelKeys: '8 string[]',
  },
  PodOS: { name: '1 string' },
  PodSchedulingGate: { name: '1 string' },
};

const volumes: MessageSpecs = {
  Volume: { name: '1 string', volumeSource: '2 VolumeSource^' },
  VolumeSource: {
    hostPath: '1 HostPathVolumeSource*', emptyDir: '2 EmptyDirVolumeSource*', secret: '6 SecretVolumeSource*',
    persistentVolumeClaim: '10 PersistentVolumeClaimVolumeSource*', downwardAPI: '16 DownwardAPIVolumeSource*',
    configMap: '19 ConfigMapVolumeSource*',
  },
  HostPathVolumeSource: { path: '1 string', type: '2 string*' },
  EmptyDirVolumeSource: { medium: '1 string', sizeLimit: '2 Quantity*' },
  SecretVolumeSource: { secretName: '1 string', items: '2 KeyToPath[]', defaultMode: '3 int32*', optional: '4 bool*' },
  ConfigMapVolumeSource: { localObjectReference: '1 LocalObjectReference^', items: '2 KeyToPath[]', defaultMode: '3 int32*', optional: '4 bool*' },
  KeyToPath: { key: '1 string', path: '2 string', mode: '3 int32*' },
  PersistentVolumeClaimVolumeSource: { claimName: '1 string', readOnly: '2 bool' },
  DownwardAPIVolumeSource: { items: '1 DownwardAPIVolumeFile[]', defaultMode: '2 int32*' },
  DownwardAPIVolumeFile: { path: '1 string', fieldRef: '2 ObjectFieldSelector*', resourceFieldRef: '3 ResourceFieldSelector*', mode: '4 int32*' },
};

export const coreV1: MessageSpecs = { ...objects, ...podSpec, ...security, ...scheduling, ...volumes };
