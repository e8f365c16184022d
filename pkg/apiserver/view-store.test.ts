import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { createFakeStore } from '../storage';
import { viewStore } from './view-store';
import type { StorageView } from './registry';

// A toy view: the stored `a` is served as `b`.
const view: StorageView = {
  fromStorage: (o) => {
    const { a, ...rest } = o as ApiObject & { a?: unknown };
    return { ...rest, apiVersion: 'view/v1', b: a };
  },
  toStorage: (o, stored) => {
    const { b, ...rest } = o as ApiObject & { b?: unknown };
    return { ...rest, apiVersion: 'store/v1', a: b, kept: (stored as { kept?: unknown } | undefined)?.kept ?? 'new' };
  },
};

describe('viewStore', () => {
  it('converts every write in and every read out', async () => {
    const backing = createFakeStore();
    const store = viewStore(backing, view);
    const created = await store.create('/registry/x/d/o', { metadata: { name: 'o', namespace: 'd' }, b: 1 });
    expect(created).toMatchObject({ apiVersion: 'view/v1', b: 1 });
    expect(await backing.get('/registry/x/d/o')).toMatchObject({ apiVersion: 'store/v1', a: 1, kept: 'new' });
    expect(await store.get('/registry/x/d/o')).toMatchObject({ b: 1 });
    // Get options (resourceVersion 0: from the watch cache) reach the wrapped store.
    const asked: unknown[] = [];
    const spy = viewStore({ ...backing, get: (key: string, opts?: unknown) => { asked.push(opts); return backing.get(key); } } as typeof backing, view);
    await spy.get('/registry/x/d/o', { resourceVersion: '0' });
    expect(asked).toEqual([{ resourceVersion: '0' }]);
    expect((await store.list('/registry/x/')).items).toEqual([expect.objectContaining({ b: 1 })]);
    let seen: unknown;
    const updated = await store.guaranteedUpdate('/registry/x/d/o', (cur) => {
      seen = cur;
      return { ...cur, b: 2 };
    });
    expect(seen).toMatchObject({ b: 1 });
    expect(seen).not.toHaveProperty('a');
    expect(updated).toMatchObject({ b: 2 });
    // toStorage saw the stored object: what the view cannot express survives.
    expect(await backing.get('/registry/x/d/o')).toMatchObject({ a: 2, kept: 'new' });
    expect(await store.delete('/registry/x/d/o')).toMatchObject({ b: 2 });
  });

  it('converts watch events and runs the predicate on the served shape', async () => {
    const backing = createFakeStore();
    const store = viewStore(backing, view);
    const ac = new AbortController();
    const events: WatchEvent[] = [];
    const done = (async () => {
      for await (const ev of store.watch('/registry/x/', '0', ac.signal, { predicate: (o) => (o as { b?: number }).b === 2 })) {
        events.push(ev);
        if (events.length === 1) ac.abort();
      }
    })();
    await backing.create('/registry/x/d/one', { apiVersion: 'store/v1', metadata: { name: 'one', namespace: 'd' }, a: 1 });
    await backing.create('/registry/x/d/two', { apiVersion: 'store/v1', metadata: { name: 'two', namespace: 'd' }, a: 2 });
    await done;
    expect(events).toEqual([expect.objectContaining({ type: 'ADDED', object: expect.objectContaining({ apiVersion: 'view/v1', b: 2 }) })]);
  });
});
