// Capability sets of a container from its CRI security context, as containerd computes them
// (pkg/cri/opts/spec_linux.go WithCapabilities, pkg/oci/spec_opts.go WithAddedCapabilities /
// WithDroppedCapabilities / WithAmbientCapabilities). Pure; berth-shim only applies the result.
import type { Capability } from './cri-types';
import { invalidArgument } from './errors';
import { capabilityNumbers, defaultCapabilities, type OciCapabilities } from './oci-spec';

/** `net_admin` → `CAP_NET_ADMIN` (the CRI carries kubelet's names without the prefix). */
/**
 * The lowest oom_score_adj a container can get: without CAP_SYS_RESOURCE no process may go below
 * the runtime's own score (the kernel refuses with EACCES), so requests are clamped to it, as
 * containerd's restrict_oom_score_adj does. With the capability, anything down to -1000.
 */
export const minOomScoreAdj = (runtimeCapabilities: readonly string[], ownScore: () => string): number =>
  runtimeCapabilities.includes('CAP_SYS_RESOURCE') ? -1000 : Number(ownScore().trim());

export const capName = (c: string): string => {
  const up = c.toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
};

const known = (names: string[]): string[] => {
  const unknown = names.filter((n) => !capabilityNumbers.includes(n));
  if (unknown.length > 0) throw invalidArgument(`unknown capability ${unknown.map((u) => `"${u}"`).join(', ')}`);
  return names;
};

const isAll = (c: string) => c.toUpperCase() === 'ALL';

/**
 * Start from the default set; `add: [ALL]` makes it every capability the runtime holds,
 * `drop: [ALL]` empties it, then single adds, then single drops (a capability both added and
 * dropped ends up dropped). Bounding, effective and permitted are the same set; inheritable stays
 * empty (CVE-2022-24769); ambient capabilities are also inheritable, as the kernel requires.
 */
export const containerCapabilities = (c: Capability | undefined, all: readonly string[] = capabilityNumbers): OciCapabilities => {
  let set = new Set<string>(defaultCapabilities);
  if (c?.addCapabilities?.some(isAll)) set = new Set(all);
  if (c?.dropCapabilities?.some(isAll)) set = new Set();
  for (const a of known((c?.addCapabilities ?? []).filter((x) => !isAll(x)).map(capName))) set.add(a);
  for (const d of known((c?.dropCapabilities ?? []).filter((x) => !isAll(x)).map(capName))) set.delete(d);
  const ambient = known((c?.addAmbientCapabilities ?? []).map(capName));
  for (const a of ambient) set.add(a);
  const caps = sortCaps([...set]);
  return ambient.length > 0
    ? { bounding: caps, effective: caps, permitted: caps, inheritable: sortCaps(ambient), ambient: sortCaps(ambient) }
    : { bounding: caps, effective: caps, permitted: caps };
};

/** Every capability the runtime holds (containerd WithAllCurrentCapabilities). */
export const privilegedCapabilities = (all: readonly string[] = capabilityNumbers): OciCapabilities => {
  const caps = sortCaps([...all]);
  return { bounding: caps, effective: caps, permitted: caps };
};

const sortCaps = (names: string[]): string[] =>
  [...new Set(names)].sort((a, b) => capabilityNumbers.indexOf(a) - capabilityNumbers.indexOf(b));

/** The names of a capability bit mask (`CapBnd` of /proc/self/status, as hex). */
export const capsFromMask = (hex: string): string[] => {
  const mask = BigInt(`0x${hex.trim()}`);
  return capabilityNumbers.filter((_, bit) => ((mask >> BigInt(bit)) & 1n) === 1n);
};

/** The bit mask of capability names, as a decimal string for exec.spec. */
export const capMask = (names: readonly string[] = []): string => {
  let mask = 0n;
  for (const n of names) {
    const bit = capabilityNumbers.indexOf(n);
    if (bit < 0) throw invalidArgument(`unknown capability "${n}"`);
    mask |= 1n << BigInt(bit);
  }
  return mask.toString();
};

/** The runtime's own bounding set, read from /proc/self/status (what privileged may have). */
export const currentCapabilities = (status: string): string[] => {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  return m ? capsFromMask(m[1]) : [...capabilityNumbers];
};
