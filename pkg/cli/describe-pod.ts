// kubectl describe pod, and the pod-template part shared by ReplicaSets and Deployments
// (describePod, describeContainers, DescribePodTemplate in pkg/describe/describe.go).
import {
  describeEvents, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline,
  printTolerationsMultiline, rfc1123z, since, type CoreEvent, type Toleration,
} from './describe-writer';

type Dict = Record<string, unknown>;
const d = (v: unknown): Dict => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {});
const arr = (v: unknown): Dict[] => (Array.isArray(v) ? v.map(d) : []);
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const strMap = (v: unknown): Record<string, string> => d(v) as Record<string, string>;

/** Resource names sorted as SortedResourceNames does (plain string order). */
const sortedKeys = (v: unknown): string[] => Object.keys(d(v)).sort();

/** `Kind/name` of the controller ownerReference, or ''. */
export const controlledBy = (meta: Dict): string => {
  const ref = arr(meta.ownerReferences).find((r) => r.controller === true);
  return ref ? `${s(ref.kind)}/${s(ref.name)}` : '';
};

const portsString = (ports: Dict[], field: 'containerPort' | 'hostPort'): string => ports.map((p) => {
  const base = `${Number(p[field] ?? 0)}/${s(p.protocol)}`;
  return p.name ? `${base} (${s(p.name)})` : base;
}).join(', ');

export const describeProbe = (probe: Dict): string => {
  const attrs = `delay=${Number(probe.initialDelaySeconds ?? 0)}s timeout=${Number(probe.timeoutSeconds ?? 0)}s period=${Number(probe.periodSeconds ?? 0)}s #success=${Number(probe.successThreshold ?? 0)} #failure=${Number(probe.failureThreshold ?? 0)}`;
  if (probe.exec) return `exec [${(d(probe.exec).command as string[] | undefined ?? []).join(' ')}] ${attrs}`;
  if (probe.httpGet) {
    const h = d(probe.httpGet);
    const port = s(h.port);
    const host = port ? `${s(h.host).includes(':') ? `[${s(h.host)}]` : s(h.host)}:${port}` : s(h.host);
    return `http-get ${s(h.scheme).toLowerCase()}${h.scheme ? '://' : '//'}${host}${s(h.path)} ${attrs}`;
  }
  if (probe.tcpSocket) return `tcp-socket ${s(d(probe.tcpSocket).host)}:${s(d(probe.tcpSocket).port)} ${attrs}`;
  if (probe.grpc) return `grpc <pod>:${s(d(probe.grpc).port)} ${s(d(probe.grpc).service)} ${attrs}`;
  return `unknown ${attrs}`;
};

const describeState = (w: PrefixWriter, name: string, state: Dict): void => {
  if (state.running) {
    w.write(LEVEL_2, `${name}:\tRunning\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(s(d(state.running).startedAt))}\n`);
  } else if (state.waiting) {
    w.write(LEVEL_2, `${name}:\tWaiting\n`);
    if (d(state.waiting).reason) w.write(LEVEL_3, `Reason:\t${s(d(state.waiting).reason)}\n`);
  } else if (state.terminated) {
    const t = d(state.terminated);
    w.write(LEVEL_2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(LEVEL_3, `Reason:\t${s(t.reason)}\n`);
    if (t.message) w.write(LEVEL_3, `Message:\t${s(t.message)}\n`);
    w.write(LEVEL_3, `Exit Code:\t${Number(t.exitCode ?? 0)}\n`);
    if (Number(t.signal ?? 0) > 0) w.write(LEVEL_3, `Signal:\t${Number(t.signal)}\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(s(t.startedAt))}\n`);
    w.write(LEVEL_3, `Finished:\t${rfc1123z(s(t.finishedAt))}\n`);
  } else {
    w.write(LEVEL_2, `${name}:\tWaiting\n`);
  }
};

const describeResources = (w: PrefixWriter, resources: Dict, level: number): void => {
  for (const kind of ['limits', 'requests'] as const) {
    const keys = sortedKeys(resources[kind]);
    if (keys.length > 0) w.write(level, `${kind === 'limits' ? 'Limits' : 'Requests'}:\n`);
    for (const k of keys) w.write(level + 1, `${k}:\t${s(d(resources[kind])[k])}\n`);
  }
};

const describeEnv = (w: PrefixWriter, c: Dict, pod?: Dict): void => {
  const env = arr(c.env);
  w.write(LEVEL_2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const from = d(e.valueFrom);
    if (!e.valueFrom) {
      s(e.value).split('\n').forEach((line, i) => w.write(LEVEL_3, i === 0 ? `${s(e.name)}:\t${line}\n` : `\t${line}\n`));
    } else if (from.fieldRef) {
      const ref = d(from.fieldRef);
      w.write(LEVEL_3, `${s(e.name)}:\t${pod ? fieldValue(pod, s(ref.fieldPath)) : ''} (${s(ref.apiVersion)}:${s(ref.fieldPath)})\n`);
    } else if (from.resourceFieldRef) {
      w.write(LEVEL_3, `${s(e.name)}:\t (${s(d(from.resourceFieldRef).resource)})\n`);
    } else if (from.secretKeyRef) {
      const r = d(from.secretKeyRef);
      w.write(LEVEL_3, `${s(e.name)}:\t<set to the key '${s(r.key)}' in secret '${s(r.name)}'>\tOptional: ${r.optional === true}\n`);
    } else if (from.configMapKeyRef) {
      const r = d(from.configMapKeyRef);
      w.write(LEVEL_3, `${s(e.name)}:\t<set to the key '${s(r.key)}' of config map '${s(r.name)}'>\tOptional: ${r.optional === true}\n`);
    }
  }
};

/** The downward API values describe can resolve without a server (fieldpath.ExtractFieldPathAsString). */
const fieldValue = (pod: Dict, path: string): string => {
  const meta = d(pod.metadata);
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return s(d(meta[label[1]])[label[2]]);
  const simple: Record<string, unknown> = {
    'metadata.name': meta.name, 'metadata.namespace': meta.namespace, 'metadata.uid': meta.uid,
    'spec.nodeName': d(pod.spec).nodeName, 'spec.serviceAccountName': d(pod.spec).serviceAccountName,
    'status.hostIP': d(pod.status).hostIP, 'status.podIP': d(pod.status).podIP,
  };
  return s(simple[path]);
};

const describeEnvFrom = (w: PrefixWriter, c: Dict): void => {
  w.write(LEVEL_2, 'Environment Variables from:\n');
  for (const e of arr(c.envFrom)) {
    const [from, ref] = e.configMapRef ? ['ConfigMap', d(e.configMapRef)] : ['Secret', d(e.secretRef)];
    const optional = ref.optional === true;
    w.write(LEVEL_3, e.prefix ? `${s(ref.name)}\t${from} with prefix '${s(e.prefix)}'\tOptional: ${optional}\n` : `${s(ref.name)}\t${from}\tOptional: ${optional}\n`);
  }
};

const describeMounts = (w: PrefixWriter, c: Dict): void => {
  const mounts = arr(c.volumeMounts).sort((a, b) => (s(a.mountPath) < s(b.mountPath) ? -1 : s(a.mountPath) > s(b.mountPath) ? 1 : 0));
  w.write(LEVEL_2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path=${JSON.stringify(s(m.subPath))}`] : [])];
    w.write(LEVEL_3, `${s(m.mountPath)} from ${s(m.name)} (${flags.join(',')})\n`);
  }
};

export const describeContainers = (w: PrefixWriter, label: string, containers: Dict[], statuses: Dict[] | undefined, space: string, pod?: Dict): void => {
  const byName = new Map((statuses ?? []).map((st) => [s(st.name), st]));
  w.write(LEVEL_0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const st = byName.get(s(c.name));
    w.write(LEVEL_1, `${space ? ' ' : ''}${s(c.name)}:\n`);
    if (st) w.write(LEVEL_2, `Container ID:\t${s(st.containerID)}\n`);
    w.write(LEVEL_2, `Image:\t${s(c.image)}\n`);
    if (st) w.write(LEVEL_2, `Image ID:\t${s(st.imageID)}\n`);
    const ports = portsString(arr(c.ports), 'containerPort');
    w.write(LEVEL_2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`);
    const hostPorts = portsString(arr(c.ports), 'hostPort');
    w.write(LEVEL_2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || '<none>'}\n`);
    for (const [title, list] of [['Command', c.command], ['Args', c.args]] as const) {
      if (!Array.isArray(list) || list.length === 0) continue;
      w.write(LEVEL_2, `${title}:\n`);
      for (const item of list) for (const line of s(item).split('\n')) w.write(LEVEL_3, `${line}\n`);
    }
    if (st) {
      describeState(w, 'State', d(st.state));
      if (d(st.lastState).terminated) describeState(w, 'Last State', d(st.lastState));
      w.write(LEVEL_2, `Ready:\t${st.ready === true ? 'True' : 'False'}\n`);
      w.write(LEVEL_2, `Restart Count:\t${Number(st.restartCount ?? 0)}\n`);
    }
    describeResources(w, d(c.resources), LEVEL_2);
    for (const [title, key] of [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']] as const) {
      if (c[key]) w.write(LEVEL_2, `${title}:\t${describeProbe(d(c[key]))}\n`);
    }
    if (arr(c.envFrom).length > 0) describeEnvFrom(w, c);
    describeEnv(w, c, pod);
    describeMounts(w, c);
  }
};

const VOLUME_TYPES: [string, (v: Dict) => string][] = [
  ['hostPath', (v) => `Type:\tHostPath (bare host directory volume)\n    Path:\t${s(v.path)}\n    HostPathType:\t${s(v.type) || '<none>'}\n`],
  ['emptyDir', (v) => `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${s(v.medium)}\n    SizeLimit:\t${s(v.sizeLimit) || '<unset>'}\n`],
  ['secret', (v) => `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${s(v.secretName)}\n    Optional:\t${v.optional === true}\n`],
  ['configMap', (v) => `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${s(v.name)}\n    Optional:\t${v.optional === true}\n`],
  ['persistentVolumeClaim', (v) => `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${s(v.claimName)}\n    ReadOnly:\t${v.readOnly === true}\n`],
];

const describeVolumes = (w: PrefixWriter, volumes: Dict[], space: string): void => {
  if (volumes.length === 0) {
    w.write(LEVEL_0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(LEVEL_0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(LEVEL_1, `${space ? ' ' : ''}${s(v.name)}:\n`);
    const known = VOLUME_TYPES.find(([key]) => v[key] !== undefined);
    if (known) {
      w.write(LEVEL_2, known[1](d(v[known[0]])));
    } else if (v.projected) {
      w.write(LEVEL_2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const src of arr(d(v.projected).sources)) {
        if (src.secret) w.write(LEVEL_2, `SecretName:\t${s(d(src.secret).name)}\n    Optional:\t${d(src.secret).optional === true}\n`);
        else if (src.downwardAPI) w.write(LEVEL_2, 'DownwardAPI:\ttrue\n');
        else if (src.configMap) w.write(LEVEL_2, `ConfigMapName:\t${s(d(src.configMap).name)}\n    Optional:\t${d(src.configMap).optional === true}\n`);
        else if (src.serviceAccountToken) w.write(LEVEL_2, `TokenExpirationSeconds:\t${Number(d(src.serviceAccountToken).expirationSeconds ?? 0)}\n`);
      }
    } else {
      w.write(LEVEL_1, '<unknown>\n');
    }
  }
};

/** qos.GetPodQOS: status.qosClass when the server set it, else computed from the containers. */
export const podQOS = (pod: Dict): string => {
  const set = s(d(pod.status).qosClass);
  if (set) return set;
  const containers = [...arr(d(pod.spec).containers), ...arr(d(pod.spec).initContainers)];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const limits = strMap(d(c.resources).limits);
    const requests = { ...limits, ...strMap(d(c.resources).requests) };
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) any = true;
    for (const r of ['cpu', 'memory']) if (!limits[r] || requests[r] !== limits[r]) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
};

export const describePodTemplate = (w: PrefixWriter, template: Dict): void => {
  w.write(LEVEL_0, 'Pod Template:\n');
  const meta = d(template.metadata);
  const spec = d(template.spec);
  printLabelsMultiline(w, '  Labels', strMap(meta.labels));
  if (Object.keys(d(meta.annotations)).length > 0) printAnnotationsMultiline(w, '  Annotations', strMap(meta.annotations));
  if (spec.serviceAccountName) w.write(LEVEL_1, `Service Account:\t${s(spec.serviceAccountName)}\n`);
  if (arr(spec.initContainers).length > 0) describeContainers(w, 'Init Containers', arr(spec.initContainers), undefined, '  ');
  describeContainers(w, 'Containers', arr(spec.containers), undefined, '  ');
  describeVolumes(w, arr(spec.volumes), '  ');
  if (spec.priorityClassName) w.write(LEVEL_1, `Priority Class Name:\t${s(spec.priorityClassName)}\n`);
  printLabelsMultiline(w, '  Node-Selectors', strMap(spec.nodeSelector));
  printTolerationsMultiline(w, '  Tolerations', arr(spec.tolerations) as Toleration[]);
};

export const describePod = (pod: Dict, events: CoreEvent[] | undefined, now: Date): string => {
  const w = new PrefixWriter();
  const meta = d(pod.metadata);
  const spec = d(pod.spec);
  const status = d(pod.status);
  w.write(LEVEL_0, `Name:\t${s(meta.name)}\n`);
  w.write(LEVEL_0, `Namespace:\t${s(meta.namespace)}\n`);
  if (spec.priority !== undefined && spec.priority !== null) w.write(LEVEL_0, `Priority:\t${Number(spec.priority)}\n`);
  if (spec.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${s(spec.priorityClassName)}\n`);
  if (spec.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${s(spec.runtimeClassName)}\n`);
  if (spec.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${s(spec.serviceAccountName)}\n`);
  w.write(LEVEL_0, spec.nodeName ? `Node:\t${s(spec.nodeName)}/${s(status.hostIP)}\n` : 'Node:\t<none>\n');
  if (status.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(s(status.startTime))}\n`);
  printLabelsMultiline(w, 'Labels', strMap(meta.labels));
  printAnnotationsMultiline(w, 'Annotations', strMap(meta.annotations));
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(s(meta.deletionTimestamp), now)})\n`);
    w.write(LEVEL_0, `Termination Grace Period:\t${Number(meta.deletionGracePeriodSeconds ?? 0)}s\n`);
  } else {
    w.write(LEVEL_0, `Status:\t${s(status.phase)}\n`);
  }
  if (status.reason) w.write(LEVEL_0, `Reason:\t${s(status.reason)}\n`);
  if (status.message) w.write(LEVEL_0, `Message:\t${s(status.message)}\n`);
  w.write(LEVEL_0, `IP:\t${s(status.podIP)}\n`);
  const ips = arr(status.podIPs);
  if (ips.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
  else {
    w.write(LEVEL_0, 'IPs:\n');
    for (const ip of ips) w.write(LEVEL_1, `IP:\t${s(ip.ip)}\n`);
  }
  const owner = controlledBy(meta);
  if (owner) w.write(LEVEL_0, `Controlled By:\t${owner}\n`);
  if (status.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${s(status.nominatedNodeName)}\n`);
  if (arr(spec.initContainers).length > 0) describeContainers(w, 'Init Containers', arr(spec.initContainers), arr(status.initContainerStatuses), '', pod);
  describeContainers(w, 'Containers', arr(spec.containers), arr(status.containerStatuses), '', pod);
  describeConditions(w, spec, status);
  describeVolumes(w, arr(spec.volumes), '');
  w.write(LEVEL_0, `QoS Class:\t${podQOS(pod)}\n`);
  printLabelsMultiline(w, 'Node-Selectors', strMap(spec.nodeSelector));
  printTolerationsMultiline(w, 'Tolerations', arr(spec.tolerations) as Toleration[]);
  if (events) describeEvents(w, events, now);
  return w.toString();
};

const describeConditions = (w: PrefixWriter, spec: Dict, status: Dict): void => {
  const gates = arr(spec.readinessGates);
  const conditions = arr(status.conditions);
  if (gates.length > 0) {
    w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of gates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      w.write(LEVEL_1, `${s(g.conditionType)} \t${c ? s(c.status) : '<none>'} \n`);
    }
  }
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(LEVEL_1, `${s(c.type)} \t${s(c.status)} \n`);
  }
};
