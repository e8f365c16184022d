import type { Pod } from '../../api/core/v1';
import { appArmorRejection, dottedSysctl, hostAppArmorEnabled, sysctlRejection } from './security-context';

const podWith = (spec: Partial<NonNullable<Pod['spec']>>, sysctls: { name: string; value: string }[]): Pod =>
  ({ metadata: { name: 'p' }, spec: { containers: [], ...spec, securityContext: { sysctls } } });

test.each([
  { name: 'safe sysctls', spec: {}, sysctls: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net/ipv4/tcp_syncookies'], want: undefined },
  { name: 'an unsafe one', spec: {}, sysctls: ['net.core.somaxconn'], want: 'forbidden sysctl: "net.core.somaxconn" not allowlisted' },
  { name: 'a node-wide one', spec: {}, sysctls: ['kernel.panic'], want: 'forbidden sysctl: "kernel.panic" not allowlisted' },
  { name: 'net.* with hostNetwork', spec: { hostNetwork: true }, sysctls: ['net.ipv4.tcp_syncookies'], want: 'forbidden sysctl: "net.ipv4.tcp_syncookies" not allowed with host net enabled' },
  { name: 'an IPC one with hostIPC', spec: { hostIPC: true }, sysctls: ['kernel.shm_rmid_forced'], want: 'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host ipc enabled' },
  { name: 'an IPC one with hostNetwork only', spec: { hostNetwork: true }, sysctls: ['kernel.shm_rmid_forced'], want: undefined },
])('sysctl admission (kubelet allowlist): $name', ({ spec, sysctls, want }) => {
  const r = sysctlRejection(podWith(spec, sysctls.map((name) => ({ name, value: '1' }))));
  expect(r?.message).toBe(want);
  if (want) expect(r?.reason).toBe('SysctlForbidden');
});

test('sysctl names with / separators read as dotted ones (a dot inside a part becomes /)', () => {
  expect(dottedSysctl('net/ipv4/conf/eth0.100/forwarding')).toBe('net.ipv4.conf.eth0/100.forwarding');
  expect(dottedSysctl('kernel.shm_rmid_forced')).toBe('kernel.shm_rmid_forced');
});

test('AppArmor admission: a pod asking for a profile (field or beta annotation) on a node without AppArmor is rejected', () => {
  const off = () => false;
  const withProfile: Pod = { metadata: { name: 'p' }, spec: { containers: [], securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } } };
  expect(appArmorRejection(withProfile, off)).toEqual({ reason: 'AppArmor', message: 'Cannot enforce AppArmor: AppArmor is not enabled on the host' });
  expect(appArmorRejection(withProfile, () => true)).toBeUndefined();
  const annotated: Pod = { metadata: { name: 'p', annotations: { 'container.apparmor.security.beta.kubernetes.io/main': 'localhost/k8s-x' } }, spec: { containers: [] } };
  expect(appArmorRejection(annotated, off)?.reason).toBe('AppArmor');
  const unconfined: Pod = { metadata: { name: 'p', annotations: { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' } }, spec: { containers: [{ name: 'main', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] } };
  expect(appArmorRejection(unconfined, off)).toBeUndefined();
  expect(hostAppArmorEnabled(() => { throw Object.assign(new Error('gone'), { code: 'ENOENT' }); })).toBe(false);
  expect(hostAppArmorEnabled(() => 'Y\n')).toBe(true);
});
