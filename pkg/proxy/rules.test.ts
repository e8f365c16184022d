import fs from 'node:fs';
import path from 'node:path';
import { servicePorts } from './model';
import { chainNames } from './names';
import { buildCleanup, buildRules, emptyState, parseSave } from './rules';
import { service, slice } from './fixtures';

const names = chainNames('BERTH');
const ports = servicePorts([
  service('web', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }),
  service('sticky', { clusterIP: '10.96.0.30', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 53, protocol: 'UDP' }] }),
  service('empty', { clusterIP: '10.96.0.40', type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] }),
], [
  slice('web', 'web-a', [{ name: 'http', port: 8080 }], [{ ip: '10.99.0.2' }, { ip: '10.99.0.3' }, { ip: '10.99.0.4' }]),
  slice('sticky', 'sticky-a', [{ port: 5353 }], [{ ip: '10.99.0.7' }]),
]);

/** What iptables-save would show once `text` is applied on top of `before` (enough for chains and jumps). */
const applied = (text: string, before = ''): string => {
  const jumps = text.split('\n').filter((l) => l.startsWith('-I ')).map((l) => `-A${l.slice(2)}`);
  const chains = text.split('\n').filter((l) => l.startsWith(':'));
  return `*filter\n${chains.filter((c) => c === ':BERTH-SERVICES - [0:0]').join('\n')}\n${jumps.filter((j) => /^-A (INPUT|FORWARD)|conntrack/.test(j)).join('\n')}\nCOMMIT\n` +
    `*nat\n${chains.join('\n')}\n${jumps.filter((j) => !j.includes('conntrack')).join('\n')}\nCOMMIT\n${before}`;
};

test('full sync: golden iptables-restore input (cluster IP, node port, random endpoint, affinity, hairpin masquerade, reject)', () => {
  const want = fs.readFileSync(path.join(__dirname, 'testdata', 'full-sync.rules'), 'utf8');
  const got = buildRules(ports, { names, clusterCIDR: '10.99.0.0/24', current: emptyState() });
  expect(got.text).toBe(want);
  expect(got.natRules).toBe(24);
  expect(got.filterRules).toBe(2);
});

test('a resync against installed rules inserts no second jump and gives the same chains and rules', () => {
  const first = buildRules(ports, { names, clusterCIDR: '10.99.0.0/24', current: emptyState() });
  const again = buildRules(ports, { names, clusterCIDR: '10.99.0.0/24', current: parseSave(applied(first.text)) });
  expect(again.text).not.toMatch(/^-I /m);
  expect(again.text).toBe(first.text.split('\n').filter((l) => !l.startsWith('-I ')).join('\n'));
});

test('chains of a removed service are flushed and deleted; other programs\' and other clusters\' chains are left alone', () => {
  const first = buildRules(ports, { names, current: emptyState() });
  const others = '*nat\n:KUBE-SERVICES - [0:0]\n:CNI-HOSTPORT-DNAT - [0:0]\n:BERTH-BR9-SERVICES - [0:0]\n:BERTH-BR9-SVC-TL6HGMALSKAD - [0:0]\nCOMMIT\n';
  const current = parseSave(applied(first.text, others));
  const next = buildRules(ports.filter((p) => p.name !== 'default/web:http'), { names, current });
  const deleted = next.text.split('\n').filter((l) => l.startsWith('-X ')).sort();
  expect(deleted).toEqual([
    `-X ${names.sep('default/web:http', 'TCP', '10.99.0.2:8080')}`,
    `-X ${names.sep('default/web:http', 'TCP', '10.99.0.3:8080')}`,
    `-X ${names.sep('default/web:http', 'TCP', '10.99.0.4:8080')}`,
    `-X ${names.svc('default/web:http', 'TCP')}`,
  ].sort());
  expect(next.text).toContain(`:${names.svc('default/web:http', 'TCP')} - [0:0]`); // flushed before -X
  expect(next.text).not.toMatch(/KUBE-|CNI-|BERTH-BR9/);
});

test('cleanup removes the jump rules and every owned chain, and nothing else', () => {
  const save = [
    '*filter', ':INPUT ACCEPT [0:0]', ':BERTH-SERVICES - [0:0]', ':KUBE-FIREWALL - [0:0]',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "berth service portals" -j BERTH-SERVICES',
    '-A INPUT -j KUBE-FIREWALL', 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':BERTH-SERVICES - [0:0]', ':BERTH-SVC-TL6HGMALSKAD - [0:0]', ':BERTH-BR9-SERVICES - [0:0]',
    '-A PREROUTING -m comment --comment "berth service portals" -j BERTH-SERVICES',
    '-A PREROUTING -m comment --comment "berth service portals" -j BERTH-BR9-SERVICES',
    '-A BERTH-SERVICES -j BERTH-SVC-TL6HGMALSKAD', 'COMMIT', '',
  ].join('\n');
  expect(buildCleanup({ names, current: parseSave(save) })).toBe([
    '*filter', ':BERTH-SERVICES - [0:0]',
    '-D INPUT -m conntrack --ctstate NEW -m comment --comment "berth service portals" -j BERTH-SERVICES',
    '-X BERTH-SERVICES', 'COMMIT',
    '*nat', ':BERTH-SERVICES - [0:0]', ':BERTH-SVC-TL6HGMALSKAD - [0:0]',
    '-D PREROUTING -m comment --comment "berth service portals" -j BERTH-SERVICES',
    '-X BERTH-SERVICES', '-X BERTH-SVC-TL6HGMALSKAD', 'COMMIT', '',
  ].join('\n'));
  expect(buildCleanup({ names, current: parseSave('*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n') })).toBe('');
});
