// The files a pod's containers share: /etc/hosts, /etc/hostname, /etc/resolv.conf.
import type { DNSConfig } from './cri-types';

export const hostsFile = (hostname: string, podIP: string): string =>
  ['# Kubernetes-managed hosts file (written by the Berth runtime).',
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback',
    ...(podIP ? [`${podIP}\t${hostname}`] : []), ''].join('\n');

/**
 * From the pod's DNS config (the agent computes it from dnsPolicy and dnsConfig, as kubelet does);
 * the host's file when the config is empty (containerd parseDNSOptions: "" → copy /etc/resolv.conf).
 */
export const resolvConf = (dns: DNSConfig | undefined, hostResolvConf: string): string => {
  const servers = dns?.servers ?? [];
  if (!dns || (servers.length === 0 && (dns.searches ?? []).length === 0 && (dns.options ?? []).length === 0)) return hostResolvConf;
  const lines = servers.map((s) => `nameserver ${s}`);
  if ((dns.searches ?? []).length) lines.push(`search ${dns.searches.join(' ')}`);
  if ((dns.options ?? []).length) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
};
