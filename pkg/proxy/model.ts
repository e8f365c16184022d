// What the rules are made of: each port of each Service with a cluster IP, and the ready
// endpoints of its EndpointSlices (upstream's ServicePort and Endpoint caches, built fresh from
// the informers' stores on every sync: a full resync is a pure function of this state).
import type { Service } from '../../api/core/v1';
import type { EndpointSlice } from '../../api/discovery/v1';

export const serviceNameLabel = 'kubernetes.io/service-name';

export interface ServicePortInfo {
  /** `namespace/name:port` (`namespace/name` when the port has no name), as upstream's ServicePortName. */
  name: string;
  clusterIP: string;
  port: number;
  protocol: string;
  nodePort?: number;
  /** sessionAffinity ClientIP: seconds a client sticks to its endpoint. */
  affinitySeconds?: number;
  /** Ready endpoints as `ip:port`, sorted so the rules are stable. */
  endpoints: string[];
}

const hasClusterIP = (svc: Service): boolean => {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName';
};

/** Ready endpoints per `namespace/service` and port name (upstream: endpoints with ready nil count as ready). */
const endpointsByService = (slices: EndpointSlice[]): Map<string, Map<string, Set<string>>> => {
  const out = new Map<string, Map<string, Set<string>>>();
  for (const slice of slices) {
    const svc = slice.metadata?.labels?.[serviceNameLabel];
    if (!svc || slice.addressType !== 'IPv4') continue;
    const key = `${slice.metadata?.namespace ?? ''}/${svc}`;
    const byPort = out.get(key) ?? new Map<string, Set<string>>();
    out.set(key, byPort);
    for (const port of slice.ports ?? []) {
      if (port.port === undefined) continue;
      const set = byPort.get(port.name ?? '') ?? new Set<string>();
      byPort.set(port.name ?? '', set);
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false || ep.addresses.length === 0) continue;
        set.add(`${ep.addresses[0]}:${port.port}`);
      }
    }
  }
  return out;
};

const byIPThenPort = (a: string, b: string): number => {
  const key = (s: string) => {
    const [ip, port] = s.split(':');
    return ip.split('.').map((o) => o.padStart(3, '0')).join('.') + ':' + port.padStart(5, '0');
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

export const servicePorts = (services: Service[], slices: EndpointSlice[]): ServicePortInfo[] => {
  const endpoints = endpointsByService(slices);
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const svcKey = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
    const affinity = svc.spec?.sessionAffinity === 'ClientIP' ? svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 : undefined;
    for (const port of svc.spec?.ports ?? []) {
      const portName = port.name ?? '';
      out.push({
        name: portName ? `${svcKey}:${portName}` : svcKey,
        clusterIP: svc.spec?.clusterIP ?? '',
        port: port.port,
        protocol: port.protocol ?? 'TCP',
        ...(port.nodePort ? { nodePort: port.nodePort } : {}),
        ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
        endpoints: [...(endpoints.get(svcKey)?.get(portName) ?? [])].sort(byIPThenPort),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
};
