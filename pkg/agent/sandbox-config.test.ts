import type { PodSpec } from '../../api/core/v1';
import { managedHostsFileContent } from './hosts-file';
import {
  fitSearches, kernelHostname, maxDNSSearchPaths, mergeOptions, parseResolvConf, podDNSConfig, podHostnameAndDomain, podPortMappings, sandboxConfig,
} from './sandbox-config';
import { podNamespaceOptions } from './security-context';
import { container, pod } from './test-builders';

const withSpec = (spec: Partial<PodSpec>, name = 'web') => {
  const p = pod({ name });
  p.metadata.namespace = 'team';
  p.spec = { ...p.spec, ...spec, containers: spec.containers ?? p.spec?.containers ?? [] };
  return p;
};

const host = 'nameserver 10.255.255.53\nnameserver 1.1.1.1\nsearch corp.example. lab\noptions timeout:2 ndots:1\n# comment\n';
const cluster = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: host };
const noCluster = { ...cluster, clusterDNS: [] };

test('parseResolvConf: nameservers, the last search line (trailing dots trimmed), options', () => {
  expect(parseResolvConf(host)).toEqual({ servers: ['10.255.255.53', '1.1.1.1'], searches: ['corp.example', 'lab'], options: ['timeout:2', 'ndots:1'] });
  expect(parseResolvConf('')).toEqual({ servers: [], searches: [], options: [] });
});

test.each([
  {
    name: 'ClusterFirst: cluster DNS, the namespace search paths then the host\'s, ndots:5',
    spec: {}, o: cluster,
    want: { servers: ['10.96.0.10'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab'], options: ['ndots:5'] },
  },
  {
    name: 'ClusterFirst without cluster DNS falls back to the host\'s (kubelet)', spec: {}, o: noCluster,
    want: { servers: ['10.255.255.53', '1.1.1.1'], searches: ['corp.example', 'lab'], options: ['timeout:2', 'ndots:1'] },
  },
  {
    name: 'Default: the host\'s', spec: { dnsPolicy: 'Default' }, o: cluster,
    want: { servers: ['10.255.255.53', '1.1.1.1'], searches: ['corp.example', 'lab'], options: ['timeout:2', 'ndots:1'] },
  },
  {
    name: 'None: only dnsConfig', o: cluster,
    spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['8.8.8.8'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
    want: { servers: ['8.8.8.8'], searches: ['a.b'], options: ['ndots:2', 'edns0'] },
  },
  {
    name: 'dnsConfig merged into ClusterFirst: servers and searches appended, options replaced by name', o: cluster,
    spec: { dnsConfig: { nameservers: ['10.96.0.10', '9.9.9.9'], searches: ['extra.local'], options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }] } },
    want: {
      servers: ['10.96.0.10', '9.9.9.9'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab', 'extra.local'],
      options: ['ndots:1', 'rotate'],
    },
  },
  {
    name: 'at most 3 nameservers', o: noCluster, spec: { dnsPolicy: 'Default', dnsConfig: { nameservers: ['1.0.0.1', '2.0.0.2', '3.0.0.3'] } },
    want: { servers: ['10.255.255.53', '1.1.1.1', '1.0.0.1'], searches: ['corp.example', 'lab'], options: ['timeout:2', 'ndots:1'] },
  },
])('podDNSConfig: $name', ({ spec, o, want }) => {
  expect(podDNSConfig(withSpec(spec as Partial<PodSpec>), o)).toEqual(want);
});

test('search paths are cut at 32 and 2048 characters; options keep their first position', () => {
  expect(fitSearches(Array.from({ length: 40 }, (_, i) => `s${i}`))).toHaveLength(maxDNSSearchPaths);
  expect(fitSearches(Array.from({ length: 10 }, () => 'x'.repeat(300))).join(' ').length).toBeLessThanOrEqual(2048);
  expect(mergeOptions(['ndots:5', 'edns0'], ['ndots:2'])).toEqual(['ndots:2', 'edns0']);
});

test.each([
  { name: 'pod name', spec: {}, want: { hostname: 'web', domain: '' }, kernel: 'web' },
  { name: 'spec.hostname and subdomain', spec: { hostname: 'db-0', subdomain: 'db' }, want: { hostname: 'db-0', domain: 'db.team.svc.cluster.local' }, kernel: 'db-0' },
  { name: 'setHostnameAsFQDN', spec: { hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true }, want: { hostname: 'db-0', domain: 'db.team.svc.cluster.local' }, kernel: 'db-0.db.team.svc.cluster.local' },
  { name: 'setHostnameAsFQDN without a subdomain: the short name', spec: { setHostnameAsFQDN: true }, want: { hostname: 'web', domain: '' }, kernel: 'web' },
])('hostname: $name', ({ spec, want, kernel }) => {
  const p = withSpec(spec);
  expect(podHostnameAndDomain(p, 'cluster.local')).toEqual(want);
  expect(kernelHostname(p, 'cluster.local')).toBe(kernel);
});

test('a long pod name is cut to 63 characters without a trailing dash; a bad hostname or too long FQDN is refused', () => {
  expect(podHostnameAndDomain(withSpec({}, `${'a'.repeat(62)}-b`), 'cluster.local').hostname).toBe('a'.repeat(62));
  expect(() => podHostnameAndDomain(withSpec({ hostname: 'Bad_Name' }), 'cluster.local')).toThrow(/not a valid DNS label/);
  expect(() => kernelHostname(withSpec({ hostname: 'h'.repeat(40), subdomain: 's'.repeat(20), setHostnameAsFQDN: true }), 'cluster.local')).toThrow(/too long/);
});

test('port mappings: every container port, hostPort and hostIP carried', () => {
  const p = withSpec({ containers: [container('a', { ports: [{ containerPort: 80, hostPort: 18081 }, { containerPort: 53, protocol: 'UDP' }] }), container('b', { ports: [{ containerPort: 9, hostIP: '127.0.0.1', hostPort: 9009 }] })] });
  expect(podPortMappings(p)).toEqual([
    { protocol: 'TCP', containerPort: 80, hostPort: 18081, hostIp: '' }, { protocol: 'UDP', containerPort: 53, hostPort: 0, hostIp: '' },
    { protocol: 'TCP', containerPort: 9, hostPort: 9009, hostIp: '127.0.0.1' },
  ]);
});

test.each([
  { name: 'defaults', spec: {}, want: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
  { name: 'shareProcessNamespace', spec: { shareProcessNamespace: true }, want: { network: 'POD', pid: 'POD', ipc: 'POD' } },
  { name: 'host namespaces', spec: { hostNetwork: true, hostPID: true, hostIPC: true, shareProcessNamespace: true }, want: { network: 'NODE', pid: 'NODE', ipc: 'NODE' } },
])('namespace options: $name', ({ spec, want }) => {
  const p = withSpec(spec);
  expect(podNamespaceOptions(p)).toEqual(want);
  expect(sandboxConfig(p, '/logs', 0, cluster).linux?.securityContext?.namespaceOptions).toEqual(want);
});

test('a host network pod gets no hostname (the node\'s); pod sysctls become the sandbox\'s', () => {
  const p = withSpec({ hostNetwork: true, securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.ipv4.ip_local_port_range', value: '1024 2048' }] } });
  const sb = sandboxConfig(p, '/logs', 0, cluster);
  expect(sb.hostname).toBe('');
  expect(sb.linux?.sysctls).toEqual({ 'kernel.shm_rmid_forced': '1', 'net.ipv4.ip_local_port_range': '1024 2048' });
  expect(sandboxConfig(withSpec({}), '/logs', 0, cluster).linux).not.toHaveProperty('sysctls');
});

test('the managed hosts file: header, localhost entries, pod IP with FQDN, host aliases', () => {
  expect(managedHostsFileContent(['10.1.0.5'], 'db-0', 'db.team.svc.cluster.local', [{ ip: '10.9.9.9', hostnames: ['foo.local', 'bar'] }])).toBe([
    '# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters',
    '10.1.0.5\tdb-0.db.team.svc.cluster.local\tdb-0', '', '# Entries added by HostAliases.', '10.9.9.9\tfoo.local\tbar', '',
  ].join('\n'));
  expect(managedHostsFileContent(['10.1.0.5'], 'web', '')).toMatch(/\n10\.1\.0\.5\tweb\n$/);
});
