import { ControllerExpectations, UIDTrackingControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations';
import { FakeClock } from './fake-clock';

type Step = (e: UIDTrackingControllerExpectations, c: FakeClock) => void;
test.each<{ name: string; steps: Step[]; want: boolean }>([
  { name: 'no record is satisfied', steps: [], want: true },
  { name: 'pending creations', steps: [(e) => e.expectCreations('k', 2), (e) => e.creationObserved('k')], want: false },
  { name: 'all creations observed', steps: [(e) => e.expectCreations('k', 2), (e) => e.creationObserved('k'), (e) => e.creationObserved('k')], want: true },
  { name: 'failed creations lowered', steps: [(e) => e.expectCreations('k', 3), (e) => e.lower('k', 3, 0)], want: true },
  { name: 'pending deletions', steps: [(e) => e.expectDeletions('k', 1)], want: false },
  { name: 'deletion observed', steps: [(e) => e.expectDeletions('k', 1), (e) => e.deletionObserved('k')], want: true },
  { name: 'expired after the timeout', steps: [(e) => e.expectCreations('k', 5), (_, c) => c.step(EXPECTATIONS_TIMEOUT_MS + 1)], want: true },
  { name: 'not yet expired', steps: [(e) => e.expectCreations('k', 5), (_, c) => c.step(EXPECTATIONS_TIMEOUT_MS)], want: false },
  { name: 'delete drops the record', steps: [(e) => e.expectCreations('k', 5), (e) => e.delete('k')], want: true },
  { name: 'uid tracking: unknown pod does not count', steps: [(e) => e.expectDeletionsOf('k', ['ns/a']), (e) => e.deletionObservedOf('k', 'ns/b')], want: false },
  { name: 'uid tracking: known pod counts once', steps: [(e) => e.expectDeletionsOf('k', ['ns/a', 'ns/b']), (e) => e.deletionObservedOf('k', 'ns/a'), (e) => e.deletionObservedOf('k', 'ns/a')], want: false },
  { name: 'uid tracking: all seen', steps: [(e) => e.expectDeletionsOf('k', ['ns/a', 'ns/b']), (e) => e.deletionObservedOf('k', 'ns/b'), (e) => e.deletionObservedOf('k', 'ns/a')], want: true },
])('$name', ({ steps, want }) => {
  const clock = new FakeClock();
  const e = new UIDTrackingControllerExpectations(clock);
  for (const s of steps) s(e, clock);
  expect(e.satisfied('k')).toBe(want);
});

test('get reports what is still expected', () => {
  const e = new ControllerExpectations(new FakeClock());
  e.expectCreations('k', 3);
  e.creationObserved('k');
  expect(e.get('k')).toEqual({ add: 2, del: 0 });
  expect(e.get('other')).toBeUndefined();
});
