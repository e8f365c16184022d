// The pod's CRI PodSandboxConfig, as kubelet builds it (kuberuntime_sandbox.go generatePodSandboxConfig):
// hostname and domain (kubelet_pods.go GeneratePodHostNameAndDomain, util.GetNodenameForKernel),
// DNS from dnsPolicy and dnsConfig (pkg/kubelet/network/dns/dns.go), port mappings for hostPort,
// the namespace modes, and the pod cgroup with its resources.
import type { Pod } from '../../api/core/v1';
import { podCgroupName, podLabels, podResources } from './container-config';
import { podIdentity, podLogDirectory } from './pod-util';
import type { DNSConfig, PodSandboxConfig, PortMapping } from './runtime-client';
import { dottedSysctl, sandboxSecurityContext } from './security-context';

/** The node's DNS settings (kubelet --cluster-dns, --cluster-domain, --resolv-conf). */
export interface DNSOptions {
  /** Cluster DNS server IPs; none → ClusterFirst falls back to Default, as kubelet does. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The content of the host's resolv.conf ('' when there is none). */
  hostResolvConf: string;
}

export const defaultDNSOptions: DNSOptions = { clusterDNS: [], clusterDomain: 'cluster.local', hostResolvConf: '' };

// kubelet's limits (pkg/apis/core/validation MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars).
export const maxDNSNameservers = 3;
export const maxDNSSearchPaths = 32;
export const maxDNSSearchListChars = 2048;

/** A pod configuration the agent cannot turn into a sandbox (reported as a sandbox creation failure). */
export class PodConfigError extends Error {
  override readonly name = 'PodConfigError';
}

/** nameserver, search/domain and options lines of a resolv.conf (kubelet parseResolvConf). */
export const parseResolvConf = (text: string): DNSConfig => {
  const out: DNSConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/[#;].*$/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver' && fields[1]) out.servers.push(fields[1]);
    if (fields[0] === 'search' || fields[0] === 'domain') out.searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') out.options = mergeOptions(out.options, fields.slice(1));
  }
  return out;
};

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** Options by name, a later value replacing an earlier one in place (kubelet mergeDNSOptions, ordered). */
export const mergeOptions = (existing: string[], more: string[]): string[] => {
  const byName = new Map<string, string>();
  for (const o of [...existing, ...more]) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), o);
  }
  return [...byName.values()];
};

/** Search paths within kubelet's limits: at most 32, at most 2048 characters joined. */
export const fitSearches = (searches: string[]): string[] => {
  const out: string[] = [];
  let chars = 0;
  for (const s of searches.slice(0, maxDNSSearchPaths)) {
    chars += s.length + (out.length ? 1 : 0);
    if (chars > maxDNSSearchListChars) break;
    out.push(s);
  }
  return out;
};

/** Which resolver the pod gets: kubelet getPodDNSType, with ClusterFirst falling back when no cluster DNS is set. */
export const podDNSType = (pod: Pod, o: DNSOptions): 'cluster' | 'host' | 'none' => {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const hostNetwork = pod.spec?.hostNetwork ?? false;
  if (policy === 'None') return 'none';
  if (policy === 'Default' || (policy === 'ClusterFirst' && hostNetwork)) return 'host';
  return o.clusterDNS.length > 0 ? 'cluster' : 'host';
};

/** Whether ClusterFirst had to fall back to the host's resolver (kubelet's MissingClusterDNS event). */
export const missingClusterDNS = (pod: Pod, o: DNSOptions): boolean => {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  return (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') && o.clusterDNS.length === 0;
};

/** The pod's DNSConfig (kubelet GetPodDNS): the policy's base, then the pod's dnsConfig appended. */
export const podDNSConfig = (pod: Pod, o: DNSOptions): DNSConfig => {
  const host = parseResolvConf(o.hostResolvConf);
  const ns = podIdentity(pod).namespace;
  const type = podDNSType(pod, o);
  let cfg: DNSConfig = { servers: [], searches: [], options: [] };
  if (type === 'host') cfg = host;
  if (type === 'cluster') {
    const d = o.clusterDomain;
    cfg = { servers: [...o.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches], options: ['ndots:5'] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    cfg = {
      servers: unique([...cfg.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...cfg.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(cfg.options, (extra.options ?? []).filter((x) => x.name).map((x) => (x.value !== undefined ? `${x.name}:${x.value}` : `${x.name}`))),
    };
  }
  return { servers: cfg.servers.slice(0, maxDNSNameservers), searches: fitSearches(unique(cfg.searches)), options: cfg.options };
};

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The pod's hostname and domain (kubelet GeneratePodHostNameAndDomain). */
export const podHostnameAndDomain = (pod: Pod, clusterDomain: string): { hostname: string; domain: string } => {
  const { name, namespace } = podIdentity(pod);
  const specHostname = pod.spec?.hostname ?? '';
  if (specHostname && (!dns1123Label.test(specHostname) || specHostname.length > 63)) {
    throw new PodConfigError(`pod Hostname "${specHostname}" is not a valid DNS label`);
  }
  // truncatePodHostnameIfNeeded: 63 characters, no trailing '-' or '.'.
  const hostname = (specHostname || name).slice(0, 63).replace(/[-.]+$/, '');
  const sub = pod.spec?.subdomain ?? '';
  return { hostname, domain: sub ? `${sub}.${namespace}.svc.${clusterDomain}` : '' };
};

/** The kernel hostname: the FQDN with setHostnameAsFQDN (at most 64 characters), else the short name. */
export const kernelHostname = (pod: Pod, clusterDomain: string): string => {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (!pod.spec?.setHostnameAsFQDN || !domain) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > 64) {
    throw new PodConfigError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
};

/** Every container port as a CRI port mapping (hostPort 0 = none); the runtime maps those with a host port. */
export const podPortMappings = (pod: Pod): PortMapping[] =>
  (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p): PortMapping => ({
    protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'], containerPort: p.containerPort, hostPort: p.hostPort ?? 0, hostIp: p.hostIP ?? '',
  })));

export const sandboxConfig = (pod: Pod, podLogRoot: string, attempt: number, dns: DNSOptions = defaultDNSOptions): PodSandboxConfig => {
  const id = podIdentity(pod);
  const sysctls = pod.spec?.securityContext?.sysctls ?? [];
  return {
    metadata: { name: id.name, namespace: id.namespace, uid: id.uid, attempt },
    // kubelet sets no hostname for a host network pod: it has the node's.
    hostname: pod.spec?.hostNetwork ? '' : kernelHostname(pod, dns.clusterDomain),
    logDirectory: podLogDirectory(podLogRoot, pod),
    dnsConfig: podDNSConfig(pod, dns),
    portMappings: podPortMappings(pod),
    labels: { ...(pod.metadata?.labels ?? {}), ...podLabels(pod) },
    annotations: { ...(pod.metadata?.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupName(pod), resources: podResources(pod),
      securityContext: sandboxSecurityContext(pod),
      ...(sysctls.length ? { sysctls: Object.fromEntries(sysctls.map((x) => [dottedSysctl(x.name), x.value])) } : {}),
    },
  };
};
