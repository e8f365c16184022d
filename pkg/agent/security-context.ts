// Pod and container securityContext → CRI security contexts, as kubelet does it
// (pkg/kubelet/kuberuntime/security_context.go determineEffectiveSecurityContext +
// convertToRuntimeSecurityContext, kuberuntime_sandbox.go for the sandbox).
import fs from 'node:fs';
import path from 'node:path';
import type { Container, Pod } from '../../api/core/v1';
import { ContainerConfigError } from './container-config-error';
import { containersOf } from './pod-util';
import type { LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceOption, SecurityProfile } from './runtime-client';

/** kubelet namespacesForPod: host namespaces are NODE, a shared process namespace is POD. */
export const podNamespaceOptions = (pod: Pod): NamespaceOption => ({
  network: pod.spec?.hostNetwork ? 'NODE' : 'POD',
  pid: pod.spec?.hostPID ? 'NODE' : pod.spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
  ipc: pod.spec?.hostIPC ? 'NODE' : 'POD',
});

/** Pod-level groups: supplementalGroups, then fsGroup (kubelet adds it so volumes it chowns are usable). */
const podGroups = (pod: Pod): number[] => {
  const psc = pod.spec?.securityContext;
  const groups = [...(psc?.supplementalGroups ?? [])];
  if (psc?.fsGroup !== undefined) groups.push(psc.fsGroup);
  return [...new Set(groups)];
};

/**
 * The container's securityContext with the pod's runAsUser/runAsGroup/runAsNonRoot as defaults.
 * A runAsNonRoot container with runAsUser 0 is refused (kubelet verifyRunAsNonRoot).
 */
/**
 * The container's seccomp profile (kubelet getSeccompProfile): the container's seccompProfile, else
 * the pod's; none is Unconfined (the SeccompDefault feature is off); a Localhost profile is a file
 * under the node's seccomp root.
 */
export const seccompProfile = (pod: Pod, c: Container, root: string): SecurityProfile => {
  const p = c.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  if (!p || p.type === 'Unconfined') return { profileType: 'Unconfined' };
  if (p.type === 'RuntimeDefault') return { profileType: 'RuntimeDefault' };
  if (p.type !== 'Localhost') throw new ContainerConfigError(`unsupported seccomp profile type "${p.type}"`);
  if (!p.localhostProfile) throw new ContainerConfigError('localhostProfile must be set if seccompProfile type is Localhost.');
  return { profileType: 'Localhost', localhostRef: path.join(root, p.localhostProfile) };
};

/** kubelet's default --root-dir/seccomp, for callers that do not say where the node keeps profiles. */
export const defaultSeccompProfileRoot = '/var/lib/kubelet/seccomp';

export const containerSecurityContext = (pod: Pod, c: Container, seccompProfileRoot = defaultSeccompProfileRoot): LinuxContainerSecurityContext => {
  const sc = c.securityContext ?? {};
  const psc = pod.spec?.securityContext ?? {};
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) && runAsUser === 0) {
    throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: "${pod.metadata?.name}", container: ${c.name})`);
  }
  const out: LinuxContainerSecurityContext = { namespaceOptions: podNamespaceOptions(pod), seccomp: seccompProfile(pod, c, seccompProfileRoot) };
  if (sc.capabilities) out.capabilities = { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] };
  if (sc.privileged) out.privileged = true;
  if (runAsUser !== undefined) out.runAsUser = { value: runAsUser };
  if (runAsGroup !== undefined) out.runAsGroup = { value: runAsGroup };
  if (sc.readOnlyRootFilesystem) out.readonlyRootfs = true;
  const groups = podGroups(pod);
  if (groups.length > 0) out.supplementalGroups = groups;
  // kubelet AddNoNewPrivileges: only an explicit allowPrivilegeEscalation: false sets it.
  if (sc.allowPrivilegeEscalation === false) out.noNewPrivs = true;
  return out;
};

/** The sandbox is privileged when any container is: the runtime refuses privileged containers otherwise. */
export const sandboxSecurityContext = (pod: Pod): LinuxSandboxSecurityContext => {
  const psc = pod.spec?.securityContext ?? {};
  const all = [...(pod.spec?.initContainers ?? []), ...containersOf(pod)];
  const out: LinuxSandboxSecurityContext = { namespaceOptions: podNamespaceOptions(pod) };
  if (psc.runAsUser !== undefined) out.runAsUser = { value: psc.runAsUser };
  if (psc.runAsGroup !== undefined) out.runAsGroup = { value: psc.runAsGroup };
  const groups = podGroups(pod);
  if (groups.length > 0) out.supplementalGroups = groups;
  if (all.some((c) => c.securityContext?.privileged)) out.privileged = true;
  return out;
};

// kubelet's safe sysctls (pkg/kubelet/sysctl/safe_sysctls.go; no --allowed-unsafe-sysctls here),
// with the namespace each one lives in: a pod sharing that namespace with the node may not set it.
const safeSysctls: Record<string, 'ipc' | 'net'> = {
  'kernel.shm_rmid_forced': 'ipc', 'net.ipv4.ip_local_port_range': 'net', 'net.ipv4.tcp_syncookies': 'net',
  'net.ipv4.ping_group_range': 'net', 'net.ipv4.ip_unprivileged_port_start': 'net', 'net.ipv4.ip_local_reserved_ports': 'net',
  'net.ipv4.tcp_keepalive_time': 'net', 'net.ipv4.tcp_fin_timeout': 'net', 'net.ipv4.tcp_keepalive_intvl': 'net',
  'net.ipv4.tcp_keepalive_probes': 'net',
};

/** A sysctl name with '/' separators in kubelet's dotted form (ConvertSysctlVariableToDotsSeparator). */
export const dottedSysctl = (name: string): string => {
  const sep = /[./]/.exec(name)?.[0];
  return sep === '/' ? name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/')) : name;
};

/** kubelet's sysctl admission (pkg/kubelet/sysctl/allowlist.go): undefined when every pod sysctl is allowed. */
export const sysctlRejection = (pod: Pod): { reason: string; message: string } | undefined => {
  for (const s of pod.spec?.securityContext?.sysctls ?? []) {
    const name = dottedSysctl(s.name);
    const ns = safeSysctls[name];
    let err: string | undefined;
    if (!ns) err = `"${name}" not allowlisted`;
    else if ((ns === 'ipc' && pod.spec?.hostIPC) || (ns === 'net' && pod.spec?.hostNetwork)) err = `"${name}" not allowed with host ${ns} enabled`;
    if (err) return { reason: 'SysctlForbidden', message: `forbidden sysctl: ${err}` };
  }
  return undefined;
};

const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

/** Whether the pod asks for any AppArmor profile other than unconfined (fields or the beta annotations). */
export const requiresAppArmor = (pod: Pod): boolean => {
  const all = [...(pod.spec?.initContainers ?? []), ...containersOf(pod)];
  const fields = [pod.spec?.securityContext?.appArmorProfile, ...all.map((c) => c.securityContext?.appArmorProfile)];
  if (fields.some((p) => p && p.type !== 'Unconfined')) return true;
  return Object.entries(pod.metadata?.annotations ?? {}).some(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && v !== 'unconfined');
};

/**
 * kubelet's AppArmor admission (lifecycle NewAppArmorAdmitHandler): a pod that asks for a profile
 * on a node whose kernel has no AppArmor is rejected (the runtime could not apply it).
 */
export const appArmorRejection = (pod: Pod, appArmorEnabled: () => boolean = hostAppArmorEnabled): { reason: string; message: string } | undefined =>
  requiresAppArmor(pod) && !appArmorEnabled() ? { reason: 'AppArmor', message: 'Cannot enforce AppArmor: AppArmor is not enabled on the host' } : undefined;

/** Whether this kernel has AppArmor enabled (/sys/module/apparmor/parameters/enabled is "Y"). */
export const hostAppArmorEnabled = (read: () => string = () => fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8')): boolean => {
  try {
    return read().trim() === 'Y';
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { code?: string }).code === 'ENOENT') return false;
    throw err;
  }
};
