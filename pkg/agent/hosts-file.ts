// The pod's /etc/hosts, as kubelet manages it (kubelet_pods.go managedHostsFileContent): localhost
// entries, the pod's IPs with its hostname (and FQDN with a subdomain), then the hostAliases.
// Written into the pod's directory before each container is created and bound at /etc/hosts.
import fs from 'node:fs';
import path from 'node:path';
import type { HostAlias } from '../../api/core/v1';

export const managedHostsHeader = '# Kubernetes-managed hosts file.\n';

export const managedHostsFileContent = (podIPs: string[], hostname: string, domain: string, aliases: HostAlias[] = []): string => {
  let out = managedHostsHeader;
  out += '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
};

/**
 * Writes `<podDir>/etc-hosts` (0644) in place, as kubelet does: the containers already running
 * have the file's inode bound, so they see the new content too. Returns its path.
 */
export const writeHostsFile = (podDir: string, content: string): string => {
  fs.mkdirSync(podDir, { recursive: true });
  const file = path.join(podDir, 'etc-hosts');
  fs.writeFileSync(file, content, { mode: 0o644 });
  return file;
};
