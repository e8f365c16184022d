import { FakeClock } from '../client/fake-clock';
import { createFakeStore } from './fake';
import { resourcePrefix } from './interface';
import { runStoreConformance, takeEvents, rejection } from './store-conformance';

runStoreConformance('fake', async () => ({ store: createFakeStore() }));

describe('fake store specifics', () => {
  test('a watch from before the history ring is Expired', async () => {
    const store = createFakeStore({ historySize: 2 });
    for (const n of ['a', 'b', 'c', 'd']) await store.create(`/registry/pods/ns/${n}`, { metadata: { name: n } });
    const err = await rejection(takeEvents(store, resourcePrefix('pods'), '2', 1));
    expect(err.status.code).toBe(410);
    const events = await takeEvents(store, resourcePrefix('pods'), '3', 2);
    expect(events.map((e) => e.object.metadata.name)).toEqual(['c', 'd']);
    expect(store.watchCount()).toBe(0);
  });
});

describe('fake store TTLs', () => {
  const key = '/registry/events/ns/e';
  const event = { metadata: { name: 'e', namespace: 'ns' } };

  test('an object written with a ttl is deleted when it is up, and a watcher sees DELETED', async () => {
    const clock = new FakeClock(0);
    const store = createFakeStore({ clock });
    const created = await store.create(key, event, { ttlSeconds: 2 });
    const deleted = takeEvents(store, resourcePrefix('events'), created.metadata.resourceVersion as string, 1);
    await store.create('/registry/configmaps/ns/c', { metadata: { name: 'c' } });
    clock.step(1999);
    expect((await store.get(key)).metadata.name).toBe('e');
    clock.step(1);
    expect((await rejection(store.get(key))).status.code).toBe(404);
    expect((await deleted).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['DELETED e']);
    expect((await store.get('/registry/configmaps/ns/c')).metadata.name).toBe('c');
    expect(clock.pending()).toBe(0);
  });

  test('each write renews the ttl; a write without one keeps the object', async () => {
    const clock = new FakeClock(0);
    const store = createFakeStore({ clock });
    await store.create(key, event, { ttlSeconds: 2 });
    clock.step(1500);
    await store.guaranteedUpdate(key, (cur) => ({ ...cur, count: 2 }), undefined, { ttlSeconds: 2 });
    clock.step(1500);
    expect((await store.get(key)).metadata.name).toBe('e');
    clock.step(500);
    expect((await rejection(store.get(key))).status.code).toBe(404);

    await store.create(key, event, { ttlSeconds: 2 });
    await store.guaranteedUpdate(key, (cur) => ({ ...cur, count: 3 }));
    clock.step(10_000);
    expect((await store.get(key)).metadata.name).toBe('e');
  });

  test('a deleted object leaves no timer behind', async () => {
    const clock = new FakeClock(0);
    const store = createFakeStore({ clock });
    await store.create(key, event, { ttlSeconds: 2 });
    await store.delete(key);
    expect(clock.pending()).toBe(0);
  });
});
