// What the Endpoints and EndpointSlice controllers share (k8s pkg/controller/util/endpoint +
// pkg/api/v1/pod FindPort): which pods back a service, the port a service port reaches on a
// pod, and when a pod last changed in a way that moves an endpoint.
import type { ApiPod, ApiService, ServicePort } from '../../../api/core/v1';
import type { ObjectReference } from '../../../api/core/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import { isPodReady } from '../replicaset/reconcile';

export { isPodReady };

export const lastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
export const headlessLabel = 'service.kubernetes.io/headless';

/** A Service without a selector has its endpoints written by someone else: no controller touches them. */
export const hasSelector = (svc: ApiService): boolean => Object.keys(svc.spec?.selector ?? {}).length > 0;

/** The pods of the service's namespace its selector matches. */
export const selectedPods = (svc: ApiService, pods: readonly ApiPod[]): ApiPod[] => {
  if (!hasSelector(svc)) return [];
  const selector = selectorFromLabelSelector({ matchLabels: svc.spec?.selector ?? {} });
  return pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && selector.matches(p.metadata.labels ?? {}));
};

/**
 * ShouldPodBeInEndpoints: a pod with an IP that can still run (a finished pod with restartPolicy
 * Never, or a succeeded one with OnFailure, never comes back); terminating pods only when asked.
 */
export const shouldPodBeInEndpoints = (pod: ApiPod, includeTerminating: boolean): boolean => {
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (policy === 'OnFailure') return phase !== 'Succeeded';
  return true;
};

/**
 * FindPort: the pod port a service port targets. A number is taken as is; a name is looked up
 * among the containers' ports of the same protocol; no targetPort means the service port.
 */
export const findPort = (pod: ApiPod, port: ServicePort): number | undefined => {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const asNumber = /^\d+$/.test(target) ? Number(target) : undefined;
  if (asNumber !== undefined) return asNumber;
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
};

/** The pod's IPv4 address (this cluster is single-stack IPv4). */
export const podIPv4 = (pod: ApiPod): string | undefined => {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)];
  return ips.find((ip): ip is string => !!ip && !ip.includes(':'));
};

export const podReference = (pod: ApiPod): ObjectReference => ({
  kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid,
});

/** The pod's hostname for a headless service it names as its subdomain (endpoints hostname). */
export const podHostname = (pod: ApiPod, svc: ApiService): string | undefined =>
  pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && svc.spec?.clusterIP === 'None' ? pod.spec.hostname : undefined;

const parseTime = (t: string | null | undefined): number => (t ? Date.parse(t) : Number.NaN);

/**
 * The last-change-trigger-time (endpointsChangeTracker): the newest moment among the service's
 * creation and each backing pod's creation or readiness change, i.e. the event that made these
 * endpoints what they are. Undefined when nothing carries a time.
 */
export const lastChangeTriggerTime = (svc: ApiService, pods: readonly ApiPod[]): string | undefined => {
  const times = [parseTime(svc.metadata.creationTimestamp)];
  for (const p of pods) {
    times.push(parseTime(p.metadata.creationTimestamp));
    times.push(parseTime(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime));
  }
  const newest = Math.max(...times.filter((t) => Number.isFinite(t)));
  return Number.isFinite(newest) ? new Date(newest).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
};

/** The labels endpoints objects carry: the service's, plus headless for clusterIP None. */
export const endpointsLabels = (svc: ApiService): Record<string, string> => {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  return labels;
};
