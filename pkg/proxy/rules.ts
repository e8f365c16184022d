// The iptables-restore input of one full sync (upstream pkg/proxy/iptables proxier.go
// syncProxyRules, iptables mode): every chain the proxy owns is declared (which flushes it) and
// rewritten, chains no longer wanted are deleted, and the jump rules from the built-in chains are
// inserted when missing. Fed to `iptables-restore --noflush`, it changes nothing else, and the
// same state always gives the same text (idempotent full resync).
import type { ServicePortInfo } from './model';
import type { ChainNames } from './names';

/** The masquerade bit (upstream's --iptables-masquerade-bit 14). */
export const masqueradeMark = '0x4000';

export type Table = 'nat' | 'filter';

export interface JumpRule { table: Table; chain: string; spec: string; target: string }

/** The only rules outside our chains: one jump from each built-in chain the proxy hooks. */
export const jumpRules = (n: ChainNames): JumpRule[] => {
  const portals = '-m comment --comment "berth service portals"';
  const fresh = `-m conntrack --ctstate NEW ${portals}`;
  return [
    { table: 'nat', chain: 'PREROUTING', spec: portals, target: n.services },
    { table: 'nat', chain: 'OUTPUT', spec: portals, target: n.services },
    { table: 'nat', chain: 'POSTROUTING', spec: '-m comment --comment "berth postrouting rules"', target: n.postrouting },
    ...['INPUT', 'FORWARD', 'OUTPUT'].map((chain) => ({ table: 'filter' as const, chain, spec: fresh, target: n.services })),
  ];
};

/** What iptables-save shows of one table: its chains and its rules (the `-A …` lines). */
export interface TableState { chains: Set<string>; rules: string[] }
export type SavedState = Record<Table, TableState>;

export const emptyState = (): SavedState => ({ nat: { chains: new Set(), rules: [] }, filter: { chains: new Set(), rules: [] } });

/** Parses `iptables-save` output (every table; others are ignored). */
export const parseSave = (text: string): SavedState => {
  const state = emptyState();
  let table: TableState | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line === '*nat' ? state.nat : line === '*filter' ? state.filter : undefined;
    else if (!table) continue;
    else if (line.startsWith(':')) table.chains.add(line.slice(1).split(' ')[0]);
    else if (line.startsWith('-A ')) table.rules.push(line);
  }
  return state;
};

/** The saved `-A` line of a jump rule, if it is there. */
export const findJump = (state: SavedState, j: JumpRule): string | undefined =>
  state[j.table].rules.find((r) => r.startsWith(`-A ${j.chain} `) && r.endsWith(` -j ${j.target}`));

export interface RuleOptions {
  names: ChainNames;
  /** The pod CIDR: service traffic from elsewhere (the host, another network) is masqueraded, as upstream's --cluster-cidr. */
  clusterCIDR?: string;
  /** What is installed now: decides which chains to delete and which jumps to insert. */
  current: SavedState;
}

export interface RuleSet { text: string; natRules: number; filterRules: number }

const l4 = (protocol: string) => {
  const p = protocol.toLowerCase();
  return `-p ${p} -m ${p}`;
};
const comment = (text: string) => `-m comment --comment "${text}"`;

const natRules = (ports: ServicePortInfo[], o: RuleOptions): { chains: string[]; rules: string[] } => {
  const n = o.names;
  const chains = [n.services, n.nodePorts, n.postrouting, n.markMasq];
  const rules = [
    `-A ${n.postrouting} -m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
    `-A ${n.postrouting} -j MARK --xor-mark ${masqueradeMark}`,
    `-A ${n.postrouting} ${comment('berth service traffic requiring SNAT')} -j MASQUERADE`,
    `-A ${n.markMasq} -j MARK --or-mark ${masqueradeMark}`,
  ];
  for (const sp of ports) {
    if (sp.endpoints.length === 0) continue; // the filter table rejects it
    const svc = n.svc(sp.name, sp.protocol);
    chains.push(svc);
    const match = `-d ${sp.clusterIP}/32 ${l4(sp.protocol)} --dport ${sp.port}`;
    rules.push(`-A ${n.services} ${comment(`${sp.name} cluster IP`)} ${match} -j ${svc}`);
    const notPod = o.clusterCIDR ? ` ! -s ${o.clusterCIDR}` : '';
    rules.push(`-A ${svc} ${comment(`${sp.name} cluster IP`)} ${match}${notPod} -j ${n.markMasq}`);
    if (sp.nodePort) {
      const np = `-A ${n.nodePorts} ${comment(sp.name)} ${l4(sp.protocol)} --dport ${sp.nodePort}`;
      rules.push(`${np} -j ${n.markMasq}`, `${np} -j ${svc}`);
    }
    const seps = sp.endpoints.map((ep) => ({ ep, chain: n.sep(sp.name, sp.protocol, ep) }));
    if (sp.affinitySeconds !== undefined) {
      for (const { ep, chain } of seps) {
        rules.push(`-A ${svc} ${comment(`${sp.name} -> ${ep}`)} -m recent --name ${chain} --mask 255.255.255.255 --rcheck --seconds ${sp.affinitySeconds} --reap -j ${chain}`);
      }
    }
    seps.forEach(({ ep, chain }, i) => {
      const left = seps.length - i;
      const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
      rules.push(`-A ${svc} ${comment(`${sp.name} -> ${ep}`)}${pick} -j ${chain}`);
    });
    for (const { ep, chain } of seps) {
      chains.push(chain);
      const sticky = sp.affinitySeconds !== undefined ? ` -m recent --name ${chain} --set` : '';
      rules.push(`-A ${chain} ${comment(sp.name)} -s ${ep.split(':')[0]}/32 -j ${n.markMasq}`);
      rules.push(`-A ${chain} ${comment(sp.name)}${sticky} ${l4(sp.protocol)} -j DNAT --to-destination ${ep}`);
    }
  }
  rules.push(`-A ${n.services} ${comment('berth service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j ${n.nodePorts}`);
  return { chains, rules };
};

const filterRules = (ports: ServicePortInfo[], n: ChainNames): string[] => {
  const reject = '-j REJECT --reject-with icmp-port-unreachable';
  return ports.filter((sp) => sp.endpoints.length === 0).flatMap((sp) => [
    `-A ${n.services} ${comment(`${sp.name} has no endpoints`)} -d ${sp.clusterIP}/32 ${l4(sp.protocol)} --dport ${sp.port} ${reject}`,
    ...(sp.nodePort ? [`-A ${n.services} ${comment(`${sp.name} has no endpoints`)} -m addrtype --dst-type LOCAL ${l4(sp.protocol)} --dport ${sp.nodePort} ${reject}`] : []),
  ]);
};

/** One table's block: declare (flush) wanted chains, their rules, delete stale owned chains, add missing jumps. */
const tableBlock = (table: Table, wanted: string[], rules: string[], o: RuleOptions): string[] => {
  const keep = new Set(wanted);
  const stale = [...o.current[table].chains].filter((c) => o.names.owns(c) && !keep.has(c)).sort();
  const jumps = jumpRules(o.names).filter((j) => j.table === table && !findJump(o.current, j)).map((j) => `-I ${j.chain} ${j.spec} -j ${j.target}`);
  return [
    `*${table}`,
    ...[...wanted, ...stale].map((c) => `:${c} - [0:0]`),
    ...rules,
    ...stale.map((c) => `-X ${c}`),
    ...jumps,
    'COMMIT',
  ];
};

export const buildRules = (ports: ServicePortInfo[], o: RuleOptions): RuleSet => {
  const nat = natRules(ports, o);
  const filter = filterRules(ports, o.names);
  const text = [
    ...tableBlock('filter', [o.names.services], filter, o),
    ...tableBlock('nat', nat.chains, nat.rules, o),
  ].join('\n') + '\n';
  return { text, natRules: nat.rules.length, filterRules: filter.length };
};

/** Restore input that removes every owned chain and the jump rules to them (`berth proxy --cleanup`). */
export const buildCleanup = (o: Pick<RuleOptions, 'names' | 'current'>): string => {
  const block = (table: Table): string[] => {
    const owned = [...o.current[table].chains].filter((c) => o.names.owns(c)).sort();
    const jumps = o.current[table].rules.filter((r) => jumpRules(o.names).some((j) => j.table === table && r.startsWith(`-A ${j.chain} `) && r.endsWith(` -j ${j.target}`)));
    if (owned.length === 0 && jumps.length === 0) return [];
    return [`*${table}`, ...owned.map((c) => `:${c} - [0:0]`), ...jumps.map((r) => `-D${r.slice(2)}`), ...owned.map((c) => `-X ${c}`), 'COMMIT'];
  };
  const lines = [...block('filter'), ...block('nat')];
  return lines.length ? lines.join('\n') + '\n' : '';
};
