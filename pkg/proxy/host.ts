// What the proxy changes on the host besides iptables: the routes that keep the Service CIDR on
// this machine, and route_localnet on the pod bridge so a NodePort answers on 127.0.0.1.
//
// Service CIDR routes: a cluster IP is virtual; only DNAT gives it a destination. Without a
// route of its own, a packet to a cluster IP that no rule rewrote (an unknown port, a race with
// a sync) would follow the default route off the machine. Two routes per proxy:
//   - `<CIDR> dev <discard>`: a bridge with no ports discards whatever is sent to it (this
//     kernel has no dummy driver; nothing answers its ARP, so nothing is ever sent), and since the route
//     is an ordinary unicast one, the filter table's FORWARD/OUTPUT REJECT of a Service with no
//     endpoints still runs (a blackhole route would drop the packet before the filter table, so
//     a client would hang instead of getting "connection refused"), and the host itself can
//     connect to cluster IPs (its OUTPUT DNAT happens after the route lookup, which a blackhole
//     route fails with EINVAL);
//   - `blackhole <CIDR>` with a higher metric: the backstop if the discard interface goes away.
// Metrics are per proxy (from the chain prefix), so several clusters on the machine each add
// and remove their own routes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HostNetwork {
  serviceCIDR: string;
  /** The discard interface: a bridge without ports (≤ 15 characters). */
  discard: string;
  /** Metric of the discard route; the blackhole route uses metric + 1. */
  metric: number;
  bridge: string;
}

/** The discard interface and route metrics of the proxy with this chain prefix. */
export const hostNetwork = (prefix: string, serviceCIDR: string, bridge: string): HostNetwork => {
  const tag = prefix === 'BERTH' ? '' : `-${prefix.slice('BERTH-'.length).toLowerCase()}`;
  const n = createHash('sha256').update(prefix).digest().readUInt16BE(0);
  return { serviceCIDR, discard: `berthsvc${tag}`, metric: 2000 + (n % 20000) * 2, bridge };
};

const ip = async (args: string[]): Promise<void> => { await run('ip', args); };

const missing = (err: unknown): boolean => {
  const text = String((err as { stderr?: string }).stderr ?? err);
  return /Cannot find device|No such process|No such device|does not exist/.test(text);
};

export const installRoutes = async (h: HostNetwork): Promise<void> => {
  if (!fs.existsSync(`/sys/class/net/${h.discard}`)) await ip(['link', 'add', h.discard, 'type', 'bridge']);
  await ip(['link', 'set', h.discard, 'up']);
  await ip(['route', 'replace', h.serviceCIDR, 'dev', h.discard, 'metric', String(h.metric)]);
  await ip(['route', 'replace', 'blackhole', h.serviceCIDR, 'metric', String(h.metric + 1)]);
};

export const removeRoutes = async (h: HostNetwork): Promise<void> => {
  for (const args of [['route', 'del', 'blackhole', h.serviceCIDR, 'metric', String(h.metric + 1)], ['link', 'del', h.discard]]) {
    try { await ip(args); } catch (err) { if (!missing(err)) throw err; }
  }
};

/**
 * A packet to 127.0.0.1:<nodePort> is DNATed to a pod, so it leaves through the bridge with a
 * loopback source (masqueraded in POSTROUTING); the kernel drops such packets unless
 * route_localnet is set on that interface (what the portmap CNI plugin sets for hostPorts).
 * The bridge appears with the first pod, so this is applied on every sync.
 */
export const enableRouteLocalnet = (bridge: string): boolean => {
  const file = `/proc/sys/net/ipv4/conf/${bridge}/route_localnet`;
  if (!fs.existsSync(file)) return false;
  if (fs.readFileSync(file, 'utf8').trim() !== '1') fs.writeFileSync(file, '1');
  return true;
};
