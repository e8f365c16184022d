import { chainNames, chainPrefix, hash32 } from './names';

test('prefixes: BERTH for the default bridge, the bridge name when short, a hash otherwise', () => {
  expect(chainPrefix('berth0')).toBe('BERTH');
  expect(chainPrefix('br9')).toBe('BERTH-BR9');
  expect(chainPrefix('be2eabcde')).toMatch(/^BERTH-[A-Z2-7]{5}$/);
  expect(chainPrefix('svc')).not.toBe('BERTH-SVC');
});

test('per-service chains fit iptables\' 28 characters and are stable', () => {
  const n = chainNames(chainPrefix('be2eabcde'));
  const svc = n.svc('default/web:http', 'TCP');
  const sep = n.sep('default/web:http', 'TCP', '10.99.0.2:8080');
  expect(svc.length).toBeLessThanOrEqual(28);
  expect(sep.length).toBeLessThanOrEqual(28);
  expect(n.svc('default/web:http', 'TCP')).toBe(svc);
  expect(n.svc('default/web:http', 'UDP')).not.toBe(svc);
  expect(hash32('abc', 12)).toMatch(/^[A-Z2-7]{12}$/);
});

test('a proxy owns only its own chains, not another cluster\'s or anyone else\'s', () => {
  const mine = chainNames('BERTH');
  const other = chainNames('BERTH-BR9');
  expect(mine.owns('BERTH-SERVICES')).toBe(true);
  expect(mine.owns(mine.sep('a/b', 'TCP', '1.2.3.4:5'))).toBe(true);
  expect(mine.owns(other.services)).toBe(false);
  expect(mine.owns(other.svc('a/b', 'TCP'))).toBe(false);
  expect(other.owns('BERTH-SERVICES')).toBe(false);
  expect(mine.owns('KUBE-SERVICES')).toBe(false);
  expect(mine.owns('CNI-HOSTPORT-DNAT')).toBe(false);
});
