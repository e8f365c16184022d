// The two service ranges (kube-apiserver --service-cluster-ip-range and --service-node-port-range):
// an IPv4 CIDR whose network and broadcast addresses are never handed out, and a port interval.
// Offsets index the bitmap: IP offset 0 is the first usable address (10.96.0.1 in 10.96.0.0/16).
import { staticBand } from './bitmap';

export interface ServiceRange {
  /** Stored with the bitmap; a different stored range means the bitmap is rebuilt by repair. */
  readonly spec: string;
  readonly size: number;
  /** Low offsets random picks avoid while the rest has room. */
  readonly band: number;
  /** The offset of a value, or undefined when it is outside the range. */
  offsetOf(value: string): number | undefined;
  valueAt(offset: number): string;
}

const parseIPv4 = (ip: string): number | undefined => {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
};

const formatIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export const isIPv4 = (ip: string): boolean => parseIPv4(ip) !== undefined;

export const ipRange = (cidr: string): ServiceRange => {
  const [addr, bitsText] = cidr.split('/');
  const base = parseIPv4(addr);
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${cidr} (an IPv4 /8../30)`);
  const total = 2 ** (32 - bits);
  const network = base - (base % total);
  const size = total - 2; // no network, no broadcast address
  return {
    spec: `${formatIPv4(network)}/${bits}`, size,
    // upstream: min(max(16, size/16), 256) addresses for static allocation
    band: staticBand(size, 16, 16, 256),
    offsetOf: (ip) => {
      const n = parseIPv4(ip);
      if (n === undefined || n <= network || n >= network + total - 1) return undefined;
      return n - network - 1;
    },
    valueAt: (offset) => formatIPv4(network + 1 + offset),
  };
};

export const portRange = (spec: string): ServiceRange => {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(lo >= 1 && hi <= 65535 && lo <= hi)) throw new Error(`invalid node port range ${spec}`);
  const size = hi - lo + 1;
  return {
    spec: `${lo}-${hi}`, size,
    // upstream: min(max(16, size/32), 128) ports for static allocation
    band: staticBand(size, 32, 16, 128),
    offsetOf: (v) => {
      const n = Number(v);
      return Number.isInteger(n) && n >= lo && n <= hi ? n - lo : undefined;
    },
    valueAt: (offset) => String(lo + offset),
  };
};

export const defaultServiceCIDR = '10.96.0.0/16';
export const defaultNodePortRange = '30000-32767';
