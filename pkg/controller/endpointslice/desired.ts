// The endpoints a service should have in its slices (k8s endpointslice utils.go podToEndpoint +
// getEndpointPorts): one endpoint per backing pod — terminating pods included, with their
// conditions saying so — grouped by the ports the pod serves, since a named targetPort may
// resolve to different numbers on different pods.
import type { ApiPod, ApiService } from '../../../api/core/v1';
import type { Endpoint, EndpointPort } from '../../../api/discovery/v1';
import { findPort, isPodReady, podHostname, podIPv4, podReference, selectedPods, shouldPodBeInEndpoints } from '../endpoints/pods';

export interface EndpointSet { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }

export const comparePorts = (a: EndpointPort, b: EndpointPort): number =>
  (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || (a.protocol ?? '').localeCompare(b.protocol ?? '');

/** The identity of a port list, whatever its order. */
export const portsKey = (ports: readonly EndpointPort[] | undefined): string =>
  JSON.stringify([...(ports ?? [])].sort(comparePorts).map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']));

/** The identity of an endpoint: its pod, or its first address when it names none. */
export const endpointKey = (ep: Endpoint): string => ep.targetRef?.uid ?? `ip:${ep.addresses[0] ?? ''}`;

const endpointPorts = (svc: ApiService, pod: ApiPod): EndpointPort[] => {
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return ports.sort(comparePorts);
};

/**
 * podToEndpoint: serving is readiness; ready is serving and not terminating, or always with
 * publishNotReadyAddresses, for compatibility with Endpoints.
 */
export const podToEndpoint = (svc: ApiService, pod: ApiPod, ip: string): Endpoint => {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const hostname = podHostname(pod, svc);
  return {
    addresses: [ip], conditions: { ready, serving, terminating },
    ...(hostname ? { hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: podReference(pod),
  };
};

/** Desired endpoints by ports key; pods in IP order so new slices read in a stable order. */
export const desiredEndpointSets = (svc: ApiService, pods: readonly ApiPod[]): Map<string, EndpointSet> => {
  const sets = new Map<string, EndpointSet>();
  const backing = selectedPods(svc, pods)
    .map((pod) => ({ pod, ip: podIPv4(pod) }))
    .filter((x): x is { pod: ApiPod; ip: string } => !!x.ip && shouldPodBeInEndpoints(x.pod, true))
    .sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
  for (const { pod, ip } of backing) {
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    const set = sets.get(key) ?? { ports, endpoints: new Map<string, Endpoint>() };
    sets.set(key, set);
    const ep = podToEndpoint(svc, pod, ip);
    set.endpoints.set(endpointKey(ep), ep);
  }
  return sets;
};
