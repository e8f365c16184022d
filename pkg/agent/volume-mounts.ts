// A container's CRI mounts from its volumeMounts (kubelet kubelet_pods.go makeMounts): the volume's
// host path (plus subPath / subPathExpr), read-only when asked or for API-data volumes, the mount
// propagation, and the pod's managed /etc/hosts.
import fs from 'node:fs';
import path from 'node:path';
import type { Container, Pod, VolumeMount } from '../../api/core/v1';
import { ContainerConfigError, expand } from './container-config';
import type { Mount, MountPropagation } from './runtime-client';
import type { PodVolumes } from './volumes';

const propagation = (pod: Pod, c: Container, vm: VolumeMount): MountPropagation => {
  switch (vm.mountPropagation ?? 'None') {
    case 'None': return 'PROPAGATION_PRIVATE';
    case 'HostToContainer': return 'PROPAGATION_HOST_TO_CONTAINER';
    case 'Bidirectional':
      if (!c.securityContext?.privileged) throw new ContainerConfigError(`volume mount ${vm.name}: Bidirectional mount propagation is available only to privileged containers`);
      return 'PROPAGATION_BIDIRECTIONAL';
    default: throw new ContainerConfigError(`volume mount ${vm.name}: invalid mount propagation ${String(vm.mountPropagation)} (pod ${pod.metadata?.name})`);
  }
};

/** kubelet validateSubPath: relative, no `..` element. */
const checkSubPath = (sub: string, vm: VolumeMount): void => {
  if (path.posix.isAbsolute(sub)) throw new ContainerConfigError(`volume mount ${vm.name}: subPath ${sub} must be a relative path`);
  if (sub.split('/').includes('..')) throw new ContainerConfigError(`volume mount ${vm.name}: subPath ${sub} must not contain '..'`);
};

/**
 * The host path of a subPath: made (as a directory) when missing, and refused when a symlink
 * takes it out of the volume (kubelet's safe subpath).
 */
const subPathHostPath = (volumePath: string, sub: string, vm: VolumeMount): string => {
  const p = path.join(volumePath, sub);
  if (!fs.existsSync(p)) fs.mkdirSync(p, { recursive: true, mode: 0o750 });
  const real = fs.realpathSync(p);
  const base = fs.realpathSync(volumePath);
  if (real !== base && !real.startsWith(`${base}/`)) throw new ContainerConfigError(`volume mount ${vm.name}: subPath ${sub} points outside the volume`);
  return real;
};

export interface MountContext {
  volumes: PodVolumes;
  /** The pod's managed hosts file, when it has one (pod IPs known, not hostNetwork). */
  hostsFile?: string;
  /** The container's environment, for subPathExpr. */
  env: Map<string, string>;
}

export const containerMounts = (pod: Pod, c: Container, ctx: MountContext): Mount[] => {
  const out: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const vol = ctx.volumes.get(vm.name);
    if (!vol) throw new ContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${c.name}"`);
    let hostPath = vol.hostPath;
    const sub = vm.subPathExpr ? expand(vm.subPathExpr, ctx.env) : vm.subPath ?? '';
    if (sub) {
      checkSubPath(sub, vm);
      hostPath = subPathHostPath(vol.hostPath, sub, vm);
    }
    out.push({ containerPath: vm.mountPath, hostPath, readonly: Boolean(vm.readOnly) || vol.readOnly, selinuxRelabel: false, propagation: propagation(pod, c, vm) });
  }
  const mountsHosts = (c.volumeMounts ?? []).some((vm) => path.posix.normalize(vm.mountPath) === '/etc/hosts');
  if (ctx.hostsFile && !mountsHosts) out.push({ containerPath: '/etc/hosts', hostPath: ctx.hostsFile, readonly: false, selinuxRelabel: true, propagation: 'PROPAGATION_PRIVATE' });
  return out;
};
