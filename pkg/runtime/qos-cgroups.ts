// The QoS-level cgroups kubelet keeps above the pod cgroups (pkg/kubelet/cm/qos_container_manager_linux.go):
// `kubepods/besteffort` gets the minimum cpu.shares (2), and `kubepods/burstable` the shares of the
// sum of its pods' CPU requests (at least 2), so that burstable pods together get what they asked
// for against guaranteed pods (which sit directly under kubepods) and best-effort ones get the rest.
// kubelet sends the pod cgroup (`/kubepods/burstable/pod<uid>`) as the sandbox's cgroup_parent, and
// its requests as the sandbox's resources; the runtime recomputes the parent whenever a pod of that
// class comes or goes. Guaranteed pods need nothing: kubepods itself is left as it is.
import path from 'node:path';
import type { CgroupDriver } from './cgroups';
import type { SandboxRecord } from './state';
import type { Syscalls } from './syscalls';

export type QosClass = 'besteffort' | 'burstable';

// upstream cm.MinShares: what a cgroup with no CPU request gets, and the floor of every cpu.shares.
const minShares = 2;

/** The QoS parent of a pod cgroup path (`…/kubepods/burstable/pod<uid>` → `…/kubepods/burstable`), if it has one. */
export const qosParent = (podCgroupPath: string): { path: string; qos: QosClass } | undefined => {
  const parent = path.posix.dirname(podCgroupPath);
  const qos = path.posix.basename(parent);
  if ((qos !== 'besteffort' && qos !== 'burstable') || path.posix.basename(path.posix.dirname(parent)) !== 'kubepods') return undefined;
  return { path: parent, qos };
};

/**
 * cpu.shares of a QoS parent from the sandboxes under it. A pod without a CPU request has the
 * minimum shares (2) and adds nothing, as upstream sums milli-CPU requests; each pod's shares are
 * rounded down on their own, so the sum can be a share or so per pod below upstream's.
 */
export const qosShares = (qos: QosClass, parentPath: string, sandboxes: SandboxRecord[]): number => {
  if (qos === 'besteffort') return minShares;
  const sum = sandboxes
    .filter((s) => qosParent(s.cgroupPath)?.path === parentPath)
    .map((s) => Number(s.config.linux?.resources?.cpuShares ?? 0))
    .filter((shares) => shares > minShares)
    .reduce((a, b) => a + b, 0);
  return Math.max(minShares, sum);
};

/** Writes the QoS parent's cpu.shares (cpu.weight on v2) for the sandboxes that exist now; nothing for other paths. */
export const updateQosParent = async (sys: Syscalls, cgroups: CgroupDriver, podCgroupPath: string, sandboxes: SandboxRecord[]): Promise<void> => {
  const parent = qosParent(podCgroupPath);
  if (!parent) return;
  const shares = qosShares(parent.qos, parent.path, sandboxes);
  for (const w of cgroups.writes({ cpu: { shares } })) await sys.writeCgroup(path.posix.join(cgroups.root, w.controller, parent.path), w.file, w.value);
};
