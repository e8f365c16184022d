// The subsets of a service's Endpoints (k8s endpoints_controller.go syncService +
// addEndpointSubset + endpoints.RepackSubsets): every backing pod's address under the ports it
// serves, ready ones in addresses, the rest in notReadyAddresses, grouped by identical port sets.
import type { ApiPod, ApiService, EndpointAddress, EndpointPort, EndpointSubset } from '../../../api/core/v1';
import { findPort, isPodReady, podHostname, podIPv4, podReference, shouldPodBeInEndpoints } from './pods';

interface Group { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }

const portKey = (ports: EndpointPort[]): string => JSON.stringify(ports.map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']));

const comparePorts = (a: EndpointPort, b: EndpointPort): number =>
  (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port || (a.protocol ?? '').localeCompare(b.protocol ?? '');

const compareAddresses = (a: EndpointAddress, b: EndpointAddress): number =>
  a.ip.localeCompare(b.ip, 'en', { numeric: true }) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');

/** The service ports a pod serves, resolved against its containers; a port it lacks is skipped for it. */
const podPorts = (svc: ApiService, pod: ApiPod): EndpointPort[] => {
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    ports.push({
      ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP',
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return ports.sort(comparePorts);
};

const addressOf = (pod: ApiPod, ip: string, svc: ApiService): EndpointAddress => {
  const hostname = podHostname(pod, svc);
  return {
    ip, ...(hostname ? { hostname } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}), targetRef: podReference(pod),
  };
};

/**
 * The subsets for a service and the pods its selector matches. publishNotReadyAddresses puts
 * every pod, terminating ones included, among the ready addresses. A headless service without
 * ports still lists its pods' addresses.
 */
export const computeSubsets = (svc: ApiService, pods: readonly ApiPod[]): EndpointSubset[] => {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const headlessWithoutPorts = svc.spec?.clusterIP === 'None' && (svc.spec?.ports ?? []).length === 0;
  const groups = new Map<string, Group>();
  for (const pod of pods) {
    const ip = podIPv4(pod);
    if (!ip || !shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ports = podPorts(svc, pod);
    if (ports.length === 0 && !headlessWithoutPorts) continue;
    const key = portKey(ports);
    const group = groups.get(key) ?? { ports, ready: [], notReady: [] };
    groups.set(key, group);
    if (tolerateUnready || isPodReady(pod)) group.ready.push(addressOf(pod, ip, svc));
    else group.notReady.push(addressOf(pod, ip, svc));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(compareAddresses) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(compareAddresses) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
};

/** Endpoints hold at most this many addresses (maxCapacity); the rest are in EndpointSlices only. */
export const maxEndpointsCapacity = 1000;
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

/**
 * truncateEndpoints: past capacity, ready addresses are kept first; whichever kind is cut is
 * cut in each subset in proportion to its share (rounded up, the last subset taking the rest).
 */
export const truncateSubsets = (subsets: EndpointSubset[], max = maxEndpointsCapacity): { subsets: EndpointSubset[]; truncated: boolean } => {
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (ready + notReady <= max) return { subsets, truncated: false };
  const cutReady = ready > max;
  const room = cutReady ? max : max - ready;
  const total = cutReady ? ready : notReady;
  let left = room;
  const out = subsets.map((s) => {
    const inSubset = (cutReady ? s.addresses : s.notReadyAddresses) ?? [];
    const take = Math.min(Math.ceil((inSubset.length / total) * room), left);
    const kept = inSubset.slice(0, take);
    left -= kept.length;
    const { addresses, notReadyAddresses: _dropped, ...rest } = s;
    const readyPart = cutReady ? kept : addresses ?? [];
    const notReadyPart = cutReady ? [] : kept;
    return { ...(readyPart.length ? { addresses: readyPart } : {}), ...(notReadyPart.length ? { notReadyAddresses: notReadyPart } : {}), ...rest };
  }).filter((s) => s.addresses || s.notReadyAddresses);
  return { subsets: out, truncated: true };
};
