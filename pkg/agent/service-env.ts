// Service environment variables (kubelet envvars.go FromServices and kubelet_pods.go
// getServiceEnvVarMap): the Docker-links style variables every container gets for the Services
// of its namespace, plus the default namespace's `kubernetes` Service, which is always there so
// in-cluster clients can find the API server.
import type { Service } from '../../api/core/v1';
import type { KeyValue } from './runtime-client';

/** The Services of one namespace, from the agent's services informer (kubelet's service lister). */
export type ServiceLister = (namespace: string) => readonly Service[];

/** Services always injected from the default namespace, even with enableServiceLinks false (kubelet masterServices). */
const masterServices = new Set(['kubernetes']);

/** IsServiceIPSet: headless (None) and ExternalName (empty) Services get no variables. */
const hasClusterIP = (s: Service): boolean => {
  const ip = s.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
};

/** `my-svc` → `MY_SVC`. */
const envName = (s: string): string => s.replaceAll('-', '_').toUpperCase();

/** net.JoinHostPort: an IPv6 cluster IP is bracketed. */
const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * One Service's variables, in upstream's order: _SERVICE_HOST, _SERVICE_PORT (the first port),
 * _SERVICE_PORT_<NAME> per named port, then the Docker link variables: _PORT (the first port's
 * URL) and, per port, _PORT_<port>_<PROTO> with its _PROTO, _PORT and _ADDR.
 */
export const serviceVariables = (s: Service): KeyValue[] => {
  const ip = s.spec?.clusterIP ?? '';
  const ports = s.spec?.ports ?? [];
  const prefix = envName(s.metadata?.name ?? '');
  const out: KeyValue[] = [{ key: `${prefix}_SERVICE_HOST`, value: ip }];
  if (ports.length === 0) return out;   // validation requires ports; upstream would index ports[0]
  out.push({ key: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) });
  for (const p of ports) if (p.name) out.push({ key: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push({ key: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      { key: portPrefix, value: url },
      { key: `${portPrefix}_PROTO`, value: proto },
      { key: `${portPrefix}_PORT`, value: String(p.port) },
      { key: `${portPrefix}_ADDR`, value: ip },
    );
  });
  return out;
};

/**
 * The service variables of a pod in `namespace`: its namespace's Services when enableServiceLinks,
 * and always default/kubernetes (a Service of the same name in the pod's namespace wins). Services
 * go by name so the result does not depend on informer order (upstream iterates a Go map).
 */
export const serviceEnv = (list: ServiceLister, namespace: string, enableServiceLinks: boolean): Map<string, string> => {
  const byName = new Map<string, Service>();
  for (const s of list('default')) {
    const name = s.metadata?.name ?? '';
    if (masterServices.has(name) && hasClusterIP(s)) byName.set(name, s);
  }
  if (enableServiceLinks) {
    for (const s of list(namespace)) if (hasClusterIP(s)) byName.set(s.metadata?.name ?? '', s);
  }
  const vars = new Map<string, string>();
  const sorted = [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, s] of sorted) for (const kv of serviceVariables(s)) vars.set(kv.key, kv.value);
  return vars;
};
