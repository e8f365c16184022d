import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { silentLogger } from '../log';
import { FakeClock, flushPromises } from '../client/fake-clock';
import { createCacher, servedFromCache, type Cacher } from './cacher';
import { createFakeStore, type FakeStore } from './fake';
import { objectKey, resourcePrefix, type WatchOptions } from './interface';
import { runStoreConformance, rejection } from './store-conformance';
import { lagMessage } from './cache-watcher';

runStoreConformance('cacher over the fake store', async () => {
  const backing = createFakeStore();
  return { store: createCacher({ backing, log: silentLogger(), resources: ['/registry/pods/'] }) };
});

const pod = (name: string, labels: Record<string, string> = {}, ns = 'ns'): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels } });
const key = (name: string, ns = 'ns') => objectKey('pods', ns, name);
const pods = resourcePrefix('pods');

/** Pulls events from a watch in the background; `take(total)` waits until that many arrived (or it ended). */
const watcher = (c: Cacher, prefix: string, rv: string, o?: WatchOptions) => {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  let error: unknown;
  let finished = false;
  const done = (async () => {
    try {
      for await (const e of c.watch(prefix, rv, ac.signal, o)) events.push(e);
    } catch (err) {
      error = err;
    }
    finished = true;
  })();
  const take = async (total: number) => {
    for (let turns = 0; events.length < total && !finished; turns++) {
      if (turns > 10_000) throw new Error(`only ${events.length} of ${total} events arrived`);
      await new Promise((r) => setImmediate(r));
    }
  };
  const summary = () => events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`.trim());
  return { events, take, summary, error: () => error, stop: async () => { ac.abort(); await done; } };
};

describe('cacher', () => {
  let backing: FakeStore;
  let clock: FakeClock;
  let c: Cacher;
  beforeEach(() => {
    backing = createFakeStore({ historySize: 100 });
    clock = new FakeClock(0);
    c = createCacher({ backing, log: silentLogger(), clock, ringSize: 5, watcherBufferSize: 4, bookmarkIntervalMs: 1000, resources: [pods] });
  });
  afterEach(async () => {
    await c.close();
    expect(backing.watchCount()).toBe(0);
  });

  /** Waits (without time passing) until the cache has seen `rv`. */
  const synced = async (rv: string) => { await c.list(pods, { resourceVersion: rv, resourceVersionMatch: 'NotOlderThan' }); };

  test.each([
    { o: { resourceVersion: '0' }, want: true },
    { o: { resourceVersion: '0', limit: 5 }, want: true },
    { o: { resourceVersion: '7', resourceVersionMatch: 'NotOlderThan' as const, limit: 5 }, want: true },
    { o: { resourceVersion: '7' }, want: false },
    { o: { resourceVersion: '7', resourceVersionMatch: 'Exact' as const }, want: false },
    { o: { resourceVersion: '' }, want: false },
    { o: {}, want: false },
    { o: { resourceVersion: '0', continue: 'x' }, want: false },
  ])('servedFromCache($o) is $want', ({ o, want }) => {
    expect(servedFromCache(o)).toBe(want);
  });

  test('one backing watch serves many watchers, each getting every event', async () => {
    const from = await backing.currentRevision();
    const ws = Array.from({ length: 50 }, () => watcher(c, pods, from));
    for (const n of ['a', 'b', 'c']) await c.create(key(n), pod(n));
    await Promise.all(ws.map((w) => w.take(3)));
    for (const w of ws) expect(w.summary()).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
    expect(backing.watchCount()).toBe(1);
    await Promise.all(ws.map((w) => w.stop()));
    expect(backing.watchCount()).toBe(1);
    expect(c.stats()[0]).toMatchObject({ root: pods, watchers: 0, ready: true });
  });

  test('every watcher shares the same frozen event object', async () => {
    const [w1, w2] = [watcher(c, pods, '0'), watcher(c, pods, '0')];
    await c.create(key('a'), pod('a'));
    await Promise.all([w1.take(1), w2.take(1)]);
    expect(w1.events[0]).toBe(w2.events[0]);
    expect(Object.isFrozen(w1.events[0].object)).toBe(true);
    await Promise.all([w1.stop(), w2.stop()]);
  });

  test('RV 0 lists come from the cache; a list at N waits until the cache has seen N', async () => {
    const a = await c.create(key('a'), pod('a'));
    const listed = await c.list(pods, { resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'NotOlderThan' });
    expect(listed.items.map((i) => i.metadata.name)).toEqual(['a']);
    expect(Object.isFrozen(listed.items[0])).toBe(true);
    expect(listed.resourceVersion).toBe(a.metadata.resourceVersion);
    const ns2 = await c.create(key('b', 'other'), pod('b', {}, 'other'));
    await synced(ns2.metadata.resourceVersion as string);
    expect((await c.list(resourcePrefix('pods', 'other'), { resourceVersion: '0' })).items.map((i) => i.metadata.name)).toEqual(['b']);
  });

  test('a get at RV 0 comes from the cache (frozen, NotFound when absent); other gets read the backing store', async () => {
    const a = await c.create(key('a'), pod('a'));
    await synced(a.metadata.resourceVersion as string);
    const cached = await c.get(key('a'), { resourceVersion: '0' });
    expect(cached.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(Object.isFrozen(cached)).toBe(true);
    expect((await rejection(c.get(key('zz'), { resourceVersion: '0' }))).status.code).toBe(404);
    const fresh = await c.get(key('a'));
    expect(Object.isFrozen(fresh)).toBe(false);
  });

  test('a list at a revision the cache never sees falls back to the backing store after the timeout', async () => {
    const future = String(Number(await backing.currentRevision()) + 10);
    const p = rejection(c.list(pods, { resourceVersion: future, resourceVersionMatch: 'NotOlderThan' }));
    await flushPromises();
    clock.step(250);
    expect((await p).status).toMatchObject({ code: 504, reason: 'Timeout' });
  });

  test('resumes from a revision in the ring; before the ring, the backing store replays then the cache takes over', async () => {
    const first = await c.create(key('a'), pod('a'));
    for (const n of ['b', 'c', 'd', 'e', 'f', 'g']) await c.create(key(n), pod(n));
    const g = await c.get(key('g'));
    await synced(g.metadata.resourceVersion as string);
    const recent = watcher(c, pods, String(Number(g.metadata.resourceVersion) - 2));
    await recent.take(2);
    expect(recent.summary()).toEqual(['ADDED f', 'ADDED g']);
    const old = watcher(c, pods, first.metadata.resourceVersion as string);
    await old.take(6);
    expect(old.summary()).toEqual(['ADDED b', 'ADDED c', 'ADDED d', 'ADDED e', 'ADDED f', 'ADDED g']);
    await c.delete(key('a'));
    await Promise.all([old.take(7), recent.take(3)]);
    expect(old.summary().at(-1)).toBe('DELETED a');
    expect(backing.watchCount()).toBe(1);
    await Promise.all([old.stop(), recent.stop()]);
  });

  test('after compaction a resume from before it is Expired (410) even though the ring still held it', async () => {
    const a = await c.create(key('a'), pod('a'));
    const b = await c.create(key('b'), pod('b'));
    const last = await c.create(key('c'), pod('c'));
    await synced(last.metadata.resourceVersion as string);
    await c.compact(last.metadata.resourceVersion as string);
    const from = a.metadata.resourceVersion as string;
    const w = watcher(c, pods, from);
    await w.take(1);
    expect(w.error()).toMatchObject({ status: { code: 410, reason: 'Expired', message: `too old resource version: ${from} (${last.metadata.resourceVersion})` } });
    await w.stop();
    // The revision just before the compaction is still a valid start.
    const ok = watcher(c, pods, b.metadata.resourceVersion as string);
    await ok.take(1);
    expect(ok.summary()).toEqual(['ADDED c']);
    await ok.stop();
  });

  test('a watcher that falls behind its buffer is closed with 410 after what was queued', async () => {
    const ac = new AbortController();
    const it = c.watch(pods, await backing.currentRevision(), ac.signal)[Symbol.asyncIterator]();
    const first = it.next(); // registers the watcher; nothing pulls after this one
    let last: ApiObject = pod('x');
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) last = await backing.create(key(n), pod(n));
    await synced(last.metadata.resourceVersion as string);
    const got: string[] = [(await first).value?.object.metadata.name ?? ''];
    const err = await rejection((async () => { for (;;) { const r = await it.next(); if (r.done) return; got.push(r.value.object.metadata.name ?? ''); } })());
    expect(err.status).toMatchObject({ code: 410, reason: 'Expired', message: lagMessage(4) });
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(c.stats()[0].watchers).toBe(0);
    ac.abort();
  });

  test('selector transitions: starts matching → ADDED, stops → DELETED, unrelated objects unseen', async () => {
    const predicate = (o: ApiObject) => o.metadata.labels?.app === 'web';
    const w = watcher(c, pods, await backing.currentRevision(), { predicate });
    await c.create(key('x'), pod('x', { app: 'db' }));
    await c.guaranteedUpdate(key('x'), (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { app: 'web' } } }));
    await c.guaranteedUpdate(key('x'), (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: { n: '1' } } }));
    const off = await c.guaranteedUpdate(key('x'), (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { app: 'db' } } }));
    await c.delete(key('x'));
    await w.take(3);
    expect(w.summary()).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x']);
    // The DELETED of a transition carries the last matching state at the new revision.
    expect(w.events[2].object.metadata).toMatchObject({ labels: { app: 'web' }, resourceVersion: off.metadata.resourceVersion });
    await w.stop();
  });

  test('bookmarks carry the current revision and only metadata', async () => {
    const a = await c.create(key('a'), pod('a'));
    await synced(a.metadata.resourceVersion as string);
    const w = watcher(c, pods, a.metadata.resourceVersion as string, { bookmarks: true });
    const plain = watcher(c, pods, a.metadata.resourceVersion as string);
    await flushPromises();
    clock.step(1000);
    await w.take(1);
    expect(w.events).toEqual([{ type: 'BOOKMARK', object: { metadata: { resourceVersion: a.metadata.resourceVersion } } }]);
    expect(plain.events).toEqual([]);
    await Promise.all([w.stop(), plain.stop()]);
  });

  test.each([
    { name: 'sendInitialEvents from 0', rv: '0', o: { sendInitialEvents: true }, want: ['ADDED a', 'ADDED b', 'BOOKMARK', 'ADDED c'] },
    { name: 'sendInitialEvents from "" (consistent)', rv: '', o: { sendInitialEvents: true }, want: ['ADDED a', 'ADDED b', 'BOOKMARK', 'ADDED c'] },
    { name: 'legacy RV 0: synthetic ADDED, no bookmark', rv: '0', o: {}, want: ['ADDED a', 'ADDED b', 'ADDED c'] },
    { name: 'sendInitialEvents=false from 0: changes only', rv: '0', o: { sendInitialEvents: false }, want: ['ADDED c'] },
    { name: 'with a predicate', rv: '0', o: { sendInitialEvents: true, predicate: (o: ApiObject) => o.metadata.name !== 'a' }, want: ['ADDED b', 'BOOKMARK', 'ADDED c'] },
  ])('$name', async ({ rv, o, want }) => {
    await c.create(key('a'), pod('a'));
    const b = await c.create(key('b'), pod('b'));
    await synced(b.metadata.resourceVersion as string);
    const w = watcher(c, pods, rv, o);
    await w.take(want.length - 1);
    await c.create(key('c'), pod('c'));
    await w.take(want.length);
    expect(w.summary()).toEqual(want);
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    if (bookmark) {
      expect(bookmark.object.metadata).toEqual({ resourceVersion: b.metadata.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } });
    }
    await w.stop();
  });

  test('a namespace watch sees only its namespace', async () => {
    const w = watcher(c, resourcePrefix('pods', 'ns'), await backing.currentRevision());
    await c.create(key('a', 'other'), pod('a', {}, 'other'));
    await c.create(key('b'), pod('b'));
    await w.take(1);
    expect(w.summary()).toEqual(['ADDED b']);
    await w.stop();
  });

  describe('pipe', () => {
    /** A sink that takes `room` events, then reports backed up until `room` grows again. */
    const sinkWith = (room: number) => {
      const got: string[] = [];
      return { got, room: { n: room }, push(ev: WatchEvent) { got.push(`${ev.type} ${ev.object.metadata.name ?? ''}`.trim()); return got.length < this.room.n; } };
    };

    test('events reach the sink within the dispatch, initial state first', async () => {
      await c.create(key('a'), pod('a'));
      const ac = new AbortController();
      const sink = sinkWith(100);
      const p = c.watch(pods, '0', ac.signal).pipe(sink);
      await flushPromises();
      expect(sink.got).toEqual(['ADDED a']);
      const b = await backing.create(key('b'), pod('b'));
      await synced(b.metadata.resourceVersion as string);
      expect(sink.got).toEqual(['ADDED a', 'ADDED b']);
      ac.abort();
      await expect(p.done).resolves.toBeUndefined();
      expect(c.stats()[0].watchers).toBe(0);
    });

    test('a backed-up sink gets nothing more until resume, then the queue in order', async () => {
      const ac = new AbortController();
      const sink = sinkWith(2);
      const p = c.watch(pods, await backing.currentRevision(), ac.signal).pipe(sink);
      await flushPromises();
      let last: ApiObject = pod('x');
      for (const n of ['a', 'b', 'c']) last = await backing.create(key(n), pod(n));
      await synced(last.metadata.resourceVersion as string);
      expect(sink.got).toEqual(['ADDED a', 'ADDED b']);
      sink.room.n = 100;
      p.resume();
      expect(sink.got).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
      ac.abort();
      await p.done;
    });

    test('a sink backed up past the buffer gets what was queued, then the pipe fails with 410', async () => {
      const ac = new AbortController();
      const sink = sinkWith(1);
      const p = c.watch(pods, await backing.currentRevision(), ac.signal).pipe(sink);
      await flushPromises();
      let last: ApiObject = pod('x');
      for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) last = await backing.create(key(n), pod(n));
      await synced(last.metadata.resourceVersion as string);
      expect(c.stats()[0].watchers).toBe(0);
      sink.room.n = 100;
      p.resume();
      const err = await rejection(p.done);
      expect(err.status).toMatchObject({ code: 410, reason: 'Expired', message: lagMessage(4) });
      expect(sink.got).toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d', 'ADDED e']);
      ac.abort();
    });
  });

  test('close ends open watches', async () => {
    const w = watcher(c, pods, '0');
    await flushPromises();
    await c.close();
    await w.stop();
    expect(w.error()).toBeUndefined();
  });
});
