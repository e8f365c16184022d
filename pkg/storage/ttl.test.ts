import { FakeClock } from '../client/fake-clock';
import { createFakeStore } from './fake';
import { rejection } from './store-conformance';
import { withResourceTTL } from './ttl';

describe('withResourceTTL', () => {
  test('creates and updates of a listed resource carry its ttl; other resources never expire', async () => {
    const clock = new FakeClock(0);
    const backing = createFakeStore({ clock });
    const store = withResourceTTL(backing, { events: 60 });
    await store.create('/registry/events/ns/e', { metadata: { name: 'e' } });
    await store.create('/registry/configmaps/ns/c', { metadata: { name: 'c' } });
    clock.step(30_000);
    // An update renews the ttl, as every write of an Event does upstream.
    await store.guaranteedUpdate('/registry/events/ns/e', (cur) => ({ ...cur, count: 2 }));
    clock.step(59_000);
    expect((await store.get('/registry/events/ns/e')).metadata.name).toBe('e');
    clock.step(1000);
    expect((await rejection(store.get('/registry/events/ns/e'))).status.code).toBe(404);
    clock.step(3_600_000);
    expect((await store.get('/registry/configmaps/ns/c')).metadata.name).toBe('c');
  });

  test('a ttl the caller gives wins, and members the wrapper does not touch pass through', async () => {
    const clock = new FakeClock(0);
    const backing = createFakeStore({ clock });
    const store = withResourceTTL(backing, { events: 60 });
    await store.create('/registry/events/ns/short', { metadata: { name: 'short' } }, { ttlSeconds: 5 });
    clock.step(5000);
    expect((await rejection(store.get('/registry/events/ns/short'))).status.code).toBe(404);
    expect(store.watchCount()).toBe(0);
    expect(await store.currentRevision()).toBe(await backing.currentRevision());
  });
});
