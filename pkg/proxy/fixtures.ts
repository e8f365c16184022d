// Objects shared by the proxy's unit tests.
import type { Service } from '../../api/core/v1';
import type { EndpointSlice } from '../../api/discovery/v1';
import { serviceNameLabel } from './model';

export const service = (name: string, spec: Service['spec'], namespace = 'default'): Service => ({ metadata: { name, namespace }, spec });

export const slice = (svc: string, name: string, ports: { name?: string; port: number }[], endpoints: { ip: string; ready?: boolean }[], namespace = 'default'): EndpointSlice => ({
  metadata: { name, namespace, labels: { [serviceNameLabel]: svc } },
  addressType: 'IPv4',
  ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
  endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.ready !== undefined ? { conditions: { ready: e.ready } } : {}) })),
});
