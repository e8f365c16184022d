// The Pod Security Standards (upstream's pod-security-admission/policy): the checks of the
// baseline and restricted levels at policy version "latest" as of release-1.36 (policy v1.35),
// in upstream's order and with its reasons and details word for word, since users and tools
// match on the messages. Pure: a pod's metadata and spec in, its violations out.
import type { ObjectMeta } from '../../../../api/meta/v1';
import type { Container, EphemeralContainer, PodSpec, SELinuxOptions } from '../../../../api/core/v1';

export type Level = 'privileged' | 'baseline' | 'restricted';

/** One failed check, as upstream's CheckResult: ForbiddenReason and ForbiddenDetail. */
export interface Violation { reason: string; detail: string }

type Check = (meta: ObjectMeta, spec: PodSpec) => Violation | undefined;
type AnyContainer = Container | EphemeralContainer;

// Go's sets sort by bytes; for the ASCII names, types and values checked here that is JS's default sort.
const sorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();
const joinQuote = (items: string[]): string => (items.length ? `"${items.join('", "')}"` : '');
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
const containersNamed = (names: string[]): string => `${plural(names.length, 'container', 'containers')} ${joinQuote(names)}`;

const goEscapes: Record<string, string> = {
  '\\': '\\\\', '"': '\\"', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
};
/** Go's %q, for the ASCII a value may hold; upstream quotes annotation values with it. */
const goQuote = (s: string): string => {
  const control = (c: string) => c < ' ' || c === '\x7f';
  return `"${[...s].map((c) => goEscapes[c] ?? (control(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}"`;
};

/** Init containers, then containers, then ephemeral containers, as upstream's visitContainers. */
const containersOf = (spec: PodSpec): AnyContainer[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
const namesWhere = (spec: PodSpec, bad: (c: AnyContainer) => boolean): string[] => containersOf(spec).filter(bad).map((c) => c.name);

// Windows pods cannot set these Linux-only fields (API validation refuses them), so from policy
// v1.25 the restricted checks that require them pass a Windows pod.
const isWindows = (spec: PodSpec): boolean => spec.os?.name === 'windows';
// From policy v1.35 a pod in a user namespace may run as root and unmask /proc (KEP-127): root
// inside is not root on the node.
const inUserNamespace = (spec: PodSpec): boolean => spec.hostUsers === false;

// ---- baseline ----

const appArmorTypes = new Set(['RuntimeDefault', 'Localhost']);
const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorAnnotation = (v: string): boolean => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const appArmorProfile: Check = (meta, spec) => {
  const setters: string[] = [];
  const badTypes = new Set<string>();
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !appArmorTypes.has(podProfile.type)) {
    setters.push('pod');
    badTypes.add(podProfile.type ?? '');
  }
  const containers = namesWhere(spec, (c) => {
    const profile = c.securityContext?.appArmorProfile;
    if (!profile || appArmorTypes.has(profile.type)) return false;
    badTypes.add(profile.type ?? '');
    return true;
  });
  if (containers.length) setters.push(containersNamed(containers));
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !allowedAppArmorAnnotation(v))
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .sort();
  if (annotations.length) setters.push(plural(annotations.length, 'annotation', 'annotations'));
  if (!setters.length) return undefined;
  const values = [...sorted(badTypes), ...annotations];
  return {
    reason: plural(values.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
};

const defaultCapabilities = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const capabilitiesBaseline: Check = (_meta, spec) => {
  const added = new Set<string>();
  const containers = namesWhere(spec, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !defaultCapabilities.has(cap));
    extra.forEach((cap) => added.add(cap));
    return extra.length > 0;
  });
  if (!containers.length) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containersNamed(containers)} must not include ${joinQuote(sorted(added))} in securityContext.capabilities.add`,
  };
};

const hostNamespaces: Check = (_meta, spec) => {
  const shared = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((ns) => spec[ns] === true).map((ns) => `${ns}=true`);
  return shared.length ? { reason: 'host namespaces', detail: shared.join(', ') } : undefined;
};

const hostPathVolumes: Check = (_meta, spec) => {
  const volumes = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name);
  return volumes.length ? { reason: 'hostPath volumes', detail: `${plural(volumes.length, 'volume', 'volumes')} ${joinQuote(volumes)}` } : undefined;
};

const hostPorts: Check = (_meta, spec) => {
  const ports = new Set<string>();
  const containers = namesWhere(spec, (c) => {
    const used = (c.ports ?? []).map((p) => p.hostPort ?? 0).filter((p) => p !== 0);
    used.forEach((p) => ports.add(String(p)));
    return used.length > 0;
  });
  if (!containers.length) return undefined;
  const uses = plural(containers.length, 'uses', 'use');
  // Sorted as strings, as upstream's set of ports is: "10000" before "80".
  return { reason: 'hostPort', detail: `${containersNamed(containers)} ${uses} ${plural(ports.size, 'hostPort', 'hostPorts')} ${sorted(ports).join(', ')}` };
};

const hostProbesAndHostLifecycle: Check = (_meta, spec) => {
  const containers = new Set<string>();
  const hosts = new Set<string>();
  for (const c of containersOf(spec)) {
    const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
    const used = handlers.flatMap((h) => [h?.httpGet?.host, h?.tcpSocket?.host]).filter((host): host is string => !!host);
    if (!used.length) continue;
    containers.add(c.name);
    used.forEach((host) => hosts.add(host));
  }
  if (!containers.size) return undefined;
  // Unlike the other checks, upstream lists these containers sorted, not in pod order.
  const uses = plural(containers.size, 'uses', 'use');
  const what = plural(hosts.size, 'probe or lifecycle host', 'probe or lifecycle hosts');
  return { reason: 'probe or lifecycle host', detail: `${containersNamed(sorted(containers))} ${uses} ${what} ${joinQuote(sorted(hosts))}` };
};

const privileged: Check = (_meta, spec) => {
  const containers = namesWhere(spec, (c) => c.securityContext?.privileged === true);
  return containers.length ? { reason: 'privileged', detail: `${containersNamed(containers)} must not set securityContext.privileged=true` } : undefined;
};

/** Only the default /proc masks, for every pod (restricted's procMount). */
const procMountDefault: Check = (_meta, spec) => {
  const types = new Set<string>();
  const containers = namesWhere(spec, (c) => {
    const type = c.securityContext?.procMount;
    if (type == null || type === 'Default') return false;
    types.add(type);
    return true;
  });
  if (!containers.length) return undefined;
  return { reason: 'procMount', detail: `${containersNamed(containers)} must not set securityContext.procMount to ${joinQuote(sorted(types))}` };
};

const procMountBaseline: Check = (meta, spec) => (inUserNamespace(spec) ? undefined : procMountDefault(meta, spec));

const seLinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const seLinuxOptions: Check = (_meta, spec) => {
  const badTypes = new Set<string>();
  let setUser = false;
  let setRole = false;
  const forbidden = (opts: SELinuxOptions | undefined): boolean => {
    if (!opts) return false;
    const badType = !seLinuxTypes.has(opts.type ?? '');
    if (badType) badTypes.add(opts.type ?? '');
    if (opts.user) setUser = true;
    if (opts.role) setRole = true;
    return badType || !!opts.user || !!opts.role;
  };
  const setters = forbidden(spec.securityContext?.seLinuxOptions) ? ['pod'] : [];
  const containers = namesWhere(spec, (c) => forbidden(c.securityContext?.seLinuxOptions));
  if (containers.length) setters.push(containersNamed(containers));
  if (!setters.length) return undefined;
  const what = [
    ...(badTypes.size ? [`${plural(badTypes.size, 'type', 'types')} ${joinQuote(sorted(badTypes))}`] : []),
    ...(setUser ? ['user may not be set'] : []),
    ...(setRole ? ['role may not be set'] : []),
  ];
  return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${what.join('; ')}` };
};

const seccompTypes = new Set(['RuntimeDefault', 'Localhost']);

/** Who sets seccompProfile.type to a forbidden value, and which containers leave it unset with no valid pod-level value. */
const seccompSetters = (spec: PodSpec): { setters: string[]; badTypes: string[]; unset: string[] } => {
  const setters: string[] = [];
  const badTypes = new Set<string>();
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !seccompTypes.has(podProfile.type)) {
    setters.push('pod');
    badTypes.add(podProfile.type ?? '');
  }
  const podValid = !!podProfile && seccompTypes.has(podProfile.type);
  const explicit: string[] = [];
  const unset: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.seccompProfile;
    if (!profile) {
      if (!podValid) unset.push(c.name);
    } else if (!seccompTypes.has(profile.type)) {
      explicit.push(c.name);
      badTypes.add(profile.type ?? '');
    }
  }
  if (explicit.length) setters.push(containersNamed(explicit));
  return { setters, badTypes: sorted(badTypes), unset };
};

const seccompForbidden = (setters: string[], badTypes: string[]): Violation =>
  ({ reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(badTypes)}` });

const seccompProfileBaseline: Check = (_meta, spec) => {
  const { setters, badTypes } = seccompSetters(spec);
  return setters.length ? seccompForbidden(setters, badTypes) : undefined;
};

const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports', // v1.27
  'net.ipv4.tcp_keepalive_time', // v1.29
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem', // v1.32
  'net.ipv4.tcp_wmem',
]);

const sysctls: Check = (_meta, spec) => {
  const forbidden = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !safeSysctls.has(name));
  return forbidden.length ? { reason: 'forbidden sysctls', detail: forbidden.join(', ') } : undefined;
};

const windowsHostProcess: Check = (_meta, spec) => {
  const setters = spec.securityContext?.windowsOptions?.hostProcess === true ? ['pod'] : [];
  const containers = namesWhere(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
  if (containers.length) setters.push(containersNamed(containers));
  return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
};

// ---- restricted ----

const allowPrivilegeEscalation: Check = (_meta, spec) => {
  if (isWindows(spec)) return undefined;
  const containers = namesWhere(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (!containers.length) return undefined;
  return { reason: 'allowPrivilegeEscalation != false', detail: `${containersNamed(containers)} must set securityContext.allowPrivilegeEscalation=false` };
};

const capabilitiesRestricted: Check = (_meta, spec) => {
  if (isWindows(spec)) return undefined;
  const added = new Set<string>();
  const keepSome = namesWhere(spec, (c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'));
  const addSome = namesWhere(spec, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    extra.forEach((cap) => added.add(cap));
    return extra.length > 0;
  });
  const details = [
    ...(keepSome.length ? [`${containersNamed(keepSome)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(addSome.length ? [`${containersNamed(addSome)} must not include ${joinQuote(sorted(added))} in securityContext.capabilities.add`] : []),
  ];
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

const allowedVolumeSources = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'] as const;
// The order upstream tests a volume's source in; the first one set names it.
const restrictedVolumeSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc',
  'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;

const restrictedVolumes: Check = (_meta, spec) => {
  const volumes: string[] = [];
  const types = new Set<string>();
  for (const v of spec.volumes ?? []) {
    if (allowedVolumeSources.some((source) => v[source] != null)) continue;
    volumes.push(v.name);
    types.add(restrictedVolumeSources.find((source) => v[source] != null) ?? 'unknown');
  }
  if (!volumes.length) return undefined;
  const n = volumes.length;
  const what = plural(types.size, 'restricted volume type', 'restricted volume types');
  return {
    reason: 'restricted volume types',
    detail: `${plural(n, 'volume', 'volumes')} ${joinQuote(volumes)} ${plural(n, 'uses', 'use')} ${what} ${joinQuote(sorted(types))}`,
  };
};

const runAsNonRoot: Check = (_meta, spec) => {
  if (inUserNamespace(spec)) return undefined;
  const podValue = spec.securityContext?.runAsNonRoot;
  const setters = podValue === false ? ['pod'] : [];
  const explicit = namesWhere(spec, (c) => c.securityContext?.runAsNonRoot === false);
  if (explicit.length) setters.push(containersNamed(explicit));
  if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  const unset = podValue === true ? [] : namesWhere(spec, (c) => c.securityContext?.runAsNonRoot == null);
  return unset.length ? { reason: 'runAsNonRoot != true', detail: `pod or ${containersNamed(unset)} must set securityContext.runAsNonRoot=true` } : undefined;
};

const runAsUser: Check = (_meta, spec) => {
  if (inUserNamespace(spec)) return undefined;
  const setters = spec.securityContext?.runAsUser === 0 ? ['pod'] : [];
  const containers = namesWhere(spec, (c) => c.securityContext?.runAsUser === 0);
  if (containers.length) setters.push(containersNamed(containers));
  return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
};

const seccompProfileRestricted: Check = (_meta, spec) => {
  if (isWindows(spec)) return undefined;
  const { setters, badTypes, unset } = seccompSetters(spec);
  if (setters.length) return seccompForbidden(setters, badTypes);
  if (!unset.length) return undefined;
  return { reason: 'seccompProfile', detail: `pod or ${containersNamed(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
};

// Upstream runs baseline's checks, then restricted's, each sorted by check ID.
const baselineChecks: Check[] = [
  appArmorProfile, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, hostProbesAndHostLifecycle, privileged, procMountBaseline,
  seLinuxOptions, seccompProfileBaseline, sysctls, windowsHostProcess,
];
// Restricted leaves out the baseline checks a stricter restricted check replaces (upstream's OverrideCheckIDs).
const overridden = new Set<Check>([capabilitiesBaseline, hostPathVolumes, procMountBaseline, seccompProfileBaseline]);
const restrictedChecks: Check[] = [
  ...baselineChecks.filter((check) => !overridden.has(check)),
  allowPrivilegeEscalation, capabilitiesRestricted, procMountDefault, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted,
];

/**
 * Every check of `level` (restricted includes baseline's) that the pod fails, in upstream's
 * order of checks; [] when it passes. `privileged` never fails.
 */
export const evaluatePod = (level: Level, meta: ObjectMeta | undefined, spec: PodSpec | undefined): Violation[] => {
  if (level === 'privileged') return [];
  const checks = level === 'baseline' ? baselineChecks : restrictedChecks;
  const m = meta ?? {};
  const s = spec ?? { containers: [] };
  return checks.map((check) => check(m, s)).filter((v): v is Violation => v !== undefined);
};

/** Upstream's aggregate message: `reason1 (detail1), reason2 (detail2)`, reasons without details alone. */
export const violationsMessage = (vs: Violation[]): string => vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
