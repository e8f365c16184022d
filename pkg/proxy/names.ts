// Chain names of one proxy. Several clusters can run on this machine (tests, ./hack/up.sh), and
// iptables chains are global to the network namespace, so each cluster's proxy owns chains under
// its own prefix: BERTH for the default bridge, BERTH-<tag> for another one. Per-service chains
// are named as upstream's (KUBE-SVC-<hash>): a hash of the service port (and endpoint), so a
// name never changes while the object exists.
import { createHash } from 'node:crypto';

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding) of the first bytes of sha256(text), cut to `length` characters. */
export const hash32 = (text: string, length: number): string => {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
};

export const defaultBridge = 'berth0';
/** Per-service chain hash length: BERTH-TAGXX-SVC-<12> is 28 characters, iptables' limit. */
const hashLength = 12;

/** BERTH for the default bridge; BERTH-<bridge> for a short one; BERTH-<hash> otherwise. */
export const chainPrefix = (bridge: string): string => {
  if (bridge === defaultBridge) return 'BERTH';
  const upper = bridge.toUpperCase();
  const tag = /^[A-Z0-9]{1,5}$/.test(upper) && upper !== 'SVC' && upper !== 'SEP' ? upper : hash32(`bridge/${bridge}`, 5);
  return `BERTH-${tag}`;
};

export interface ChainNames {
  prefix: string;
  services: string;
  nodePorts: string;
  postrouting: string;
  markMasq: string;
  svc(servicePortName: string, protocol: string): string;
  sep(servicePortName: string, protocol: string, endpoint: string): string;
  /** True for every chain this proxy creates (and only those): what cleanup may delete. */
  owns(chain: string): boolean;
}

export const chainNames = (prefix: string): ChainNames => {
  const fixed = ['SERVICES', 'NODEPORTS', 'POSTROUTING', 'MARK-MASQ'];
  const owned = new RegExp(`^${prefix}-(${fixed.join('|')}|(SVC|SEP)-[A-Z2-7]{${hashLength}})$`);
  return {
    prefix,
    services: `${prefix}-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    svc: (name, protocol) => `${prefix}-SVC-${hash32(`${name}${protocol}`, hashLength)}`,
    sep: (name, protocol, endpoint) => `${prefix}-SEP-${hash32(`${name}${protocol}${endpoint}`, hashLength)}`,
    owns: (chain) => owned.test(chain),
  };
};
