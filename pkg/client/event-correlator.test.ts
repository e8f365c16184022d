import type { Event } from '../../api/core/v1';
import { EventCorrelator, combinedMessagePrefix, type CorrelationResult } from './event-correlator';
import { FakeClock } from './fake-clock';

let seq = 0;
const ev = (o: { reason?: string; message?: string; name?: string; component?: string } = {}): Event => ({
  metadata: { name: `web.${(seq++).toString(16)}`, namespace: 'prod' },
  involvedObject: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'prod', name: o.name ?? 'web', uid: `uid-${o.name ?? 'web'}` },
  type: 'Warning', reason: o.reason ?? 'FailedCreate', message: o.message ?? 'quota exceeded',
  source: { component: o.component ?? 'replicaset-controller', host: 'h1' }, count: 1,
  firstTimestamp: '2025-01-01T00:00:00Z', lastTimestamp: '2025-01-01T00:00:00Z',
});
const sent = (r: CorrelationResult) => (r.skip ? 'skip' : `${r.patch ? 'patch' : 'create'} ${r.event.metadata.name} count=${r.event.count} ${r.event.message}`);

describe('EventCorrelator', () => {
  test('identical events: the first is created, repeats patch the same Event with count++', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    const first = c.correlate(ev());
    expect(first.skip).toBe(false);
    const name = first.skip ? '' : first.event.metadata.name;
    const second = c.correlate({ ...ev(), lastTimestamp: '2025-01-01T00:01:00Z' });
    expect(second).toMatchObject({ skip: false, event: { metadata: { name }, count: 2, firstTimestamp: '2025-01-01T00:00:00Z' },
      patch: { count: 2, lastTimestamp: '2025-01-01T00:01:00Z', message: 'quota exceeded' } });
    expect(sent(c.correlate(ev()))).toBe(`patch ${name} count=3 quota exceeded`);
  });

  test('the same reason with ten different messages in ten minutes becomes one combined Event', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    const out = Array.from({ length: 12 }, (_, i) => sent(c.correlate(ev({ message: `pod ${i} failed` }))));
    expect(out.slice(0, 9).every((s) => s.startsWith('create') && !s.includes(combinedMessagePrefix))).toBe(true);
    expect(out[9]).toMatch(/^create web\.\w+ count=1 \(combined from similar events\): pod 9 failed$/);
    const combinedName = out[9].split(' ')[1];
    expect(out[10]).toBe(`patch ${combinedName} count=2 (combined from similar events): pod 10 failed`);
    expect(out[11]).toBe(`patch ${combinedName} count=3 (combined from similar events): pod 11 failed`);
  });

  test.each([
    { name: 'a different reason', other: { reason: 'FailedDelete', message: 'x' } },
    { name: 'a different object', other: { name: 'api', message: 'x' } },
    { name: 'a different source', other: { component: 'kubelet', message: 'x' } },
  ])('aggregation is per source, object, type and reason: $name is not combined', ({ other }) => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    for (let i = 0; i < 9; i++) c.correlate(ev({ message: `m${i}` }));
    expect(sent(c.correlate(ev(other)))).not.toContain(combinedMessagePrefix);
  });

  test('the aggregation window restarts after ten quiet minutes', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator({ clock });
    for (let i = 0; i < 9; i++) c.correlate(ev({ message: `m${i}` }));
    clock.step(600_001);
    expect(sent(c.correlate(ev({ message: 'm9' })))).not.toContain(combinedMessagePrefix);
  });

  test('per-object spam filter: burst 25, then one per 5 minutes; other objects unaffected', () => {
    const clock = new FakeClock();
    const c = new EventCorrelator({ clock });
    const results = Array.from({ length: 30 }, () => c.correlate(ev()));
    expect(results.filter((r) => !r.skip)).toHaveLength(25);
    expect(c.correlate(ev({ name: 'other' })).skip).toBe(false);
    clock.step(299_000);
    expect(c.correlate(ev()).skip).toBe(true);
    clock.step(1000);
    expect(c.correlate(ev()).skip).toBe(false);
    expect(c.correlate(ev()).skip).toBe(true);
  });

  test('forget(): the next repeat is created again', () => {
    const c = new EventCorrelator({ clock: new FakeClock() });
    const first = c.correlate(ev());
    if (first.skip) throw new Error('unexpected skip');
    c.forget(first.key);
    expect(sent(c.correlate(ev()))).toMatch(/^create /);
  });
});
