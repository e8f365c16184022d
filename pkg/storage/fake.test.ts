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
