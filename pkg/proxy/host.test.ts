import { hostNetwork } from './host';
import { chainPrefix } from './names';

test('each proxy has its own discard interface and route metrics, so clusters add and remove only their own routes', () => {
  const a = hostNetwork(chainPrefix('berth0'), '10.96.0.0/16', 'berth0');
  const b = hostNetwork(chainPrefix('br9'), '10.96.0.0/16', 'br9');
  expect(a.discard).toBe('berthsvc');
  expect(b.discard).toBe('berthsvc-br9');
  expect(b.discard.length).toBeLessThanOrEqual(15);
  expect(hostNetwork(chainPrefix('be2eabcde'), '10.96.0.0/16', 'be2eabcde').discard.length).toBeLessThanOrEqual(15);
  expect(a.metric % 2).toBe(0); // the blackhole backstop takes metric + 1
  expect(a.metric).not.toBe(b.metric);
  expect(hostNetwork(chainPrefix('br9'), '10.96.0.0/16', 'br9')).toEqual(b);
});
