// The shared Store suite (kine's testserver): the in-memory fake and the etcd store must
// both pass it. Each test works under its own namespace so one store serves the whole suite.
// Test-only: not exported from index.ts.
import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { StatusError } from '../apimachinery/errors';
import type { Store } from './interface';
import { objectKey, resourcePrefix } from './interface';

export type ConformanceStore = Store & { compact(revision: string): Promise<void> };

export interface ConformanceTarget { store: ConformanceStore; cleanup?: () => Promise<void> }

let seq = 0;
const freshNamespace = () => `ns-${process.pid}-${++seq}`;

const pod = (ns: string, name: string, extra: Record<string, unknown> = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, uid: `uid-${name}` }, ...extra });

/** The StatusError `fn` rejects with (fails the test when it resolves). */
export const rejection = async (p: Promise<unknown>): Promise<StatusError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
};

/** Reads `n` events from a watch, then aborts it. */
export const takeEvents = async (store: Store, prefix: string, fromRV: string, n: number, during?: () => Promise<void>): Promise<WatchEvent[]> => {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  const reading = (async () => {
    for await (const e of store.watch(prefix, fromRV, ac.signal)) {
      events.push(e);
      if (events.length >= n) ac.abort();
    }
  })();
  if (during) await during();
  await reading;
  return events;
};

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);

export const runStoreConformance = (name: string, makeStore: () => Promise<ConformanceTarget>): void => {
  describe(`Store conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let store: ConformanceStore;
    let ns: string;
    beforeAll(async () => { target = await makeStore(); store = target.store; });
    afterAll(async () => { await store.close(); await target.cleanup?.(); });
    beforeEach(() => { ns = freshNamespace(); });
    const key = (n: string) => objectKey('pods', ns, n);

    describe('create and get', () => {
      test('a read-only get of the latest state sees every write that finished before it', async () => {
        const created = await store.create(key('ro'), pod(ns, 'ro', { spec: { v: 1 } }));
        expect((await store.get(key('ro'), { readOnly: true })).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
        const updated = await store.guaranteedUpdate(key('ro'), (cur) => ({ ...cur, spec: { v: 2 } }));
        const [a, b] = await Promise.all([store.get(key('ro'), { readOnly: true }), store.get(key('ro'), { readOnly: true })]);
        for (const got of [a, b]) {
          expect(got.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
          expect(got.spec).toEqual({ v: 2 });
        }
        await store.delete(key('ro'));
        expect((await rejection(store.get(key('ro'), { readOnly: true }))).status.code).toBe(404);
        expect((await rejection(store.get(key('never'), { readOnly: true }))).status.code).toBe(404);
      });

      test('create sets resourceVersion; get returns the same', async () => {
        const created = await store.create(key('a'), pod(ns, 'a'));
        expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(await store.get(key('a'))).toEqual(created);
        expect(Number(await store.currentRevision())).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));
      });

      test('resourceVersion given by the caller is not stored', async () => {
        const obj = pod(ns, 'a');
        obj.metadata.resourceVersion = '12345';
        const created = await store.create(key('a'), obj);
        expect(created.metadata.resourceVersion).not.toBe('12345');
      });

      test('second create is AlreadyExists (409)', async () => {
        await store.create(key('a'), pod(ns, 'a'));
        const err = await rejection(store.create(key('a'), pod(ns, 'a')));
        expect(err.status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "a" already exists' });
      });

      test.each([
        { resource: 'pods', want: 'pods "x" not found' },
        { resource: 'replicasets', want: 'replicasets.apps "x" not found' },
      ])('get of a missing $resource is NotFound (404)', async ({ resource, want }) => {
        const err = await rejection(store.get(objectKey(resource, ns, 'x')));
        expect(err.status).toMatchObject({ code: 404, reason: 'NotFound', message: want });
      });
    });

    describe('guaranteedUpdate', () => {
      test('bumps resourceVersion; a no-op keeps it', async () => {
        const created = await store.create(key('a'), pod(ns, 'a'));
        const updated = await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { nodeName: 'n1' } }));
        expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
        expect(updated.spec).toEqual({ nodeName: 'n1' });
        const same = await store.guaranteedUpdate(key('a'), (cur) => cur);
        expect(same.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
      });

      test('a stale pinned resourceVersion is Conflict (409)', async () => {
        const created = await store.create(key('a'), pod(ns, 'a'));
        await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        const err = await rejection(store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 2 } }),
          { resourceVersion: created.metadata.resourceVersion }));
        expect(err.status).toMatchObject({ code: 409, reason: 'Conflict',
          message: 'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again' });
        expect((await store.get(key('a'))).spec).toEqual({ x: 1 });
      });

      test('a uid precondition mismatch is Conflict', async () => {
        await store.create(key('a'), pod(ns, 'a'));
        const err = await rejection(store.guaranteedUpdate(key('a'), (cur) => cur, { uid: 'other' }));
        expect(err.status.code).toBe(409);
      });

      test('missing object is NotFound; an error from tryUpdate propagates', async () => {
        expect((await rejection(store.guaranteedUpdate(key('nope'), (cur) => cur))).status.code).toBe(404);
        await store.create(key('a'), pod(ns, 'a'));
        const boom = new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid', message: 'no' });
        expect(await rejection(store.guaranteedUpdate(key('a'), () => { throw boom; }))).toBe(boom);
      });

      test('concurrent updates all land (retry on a lost race)', async () => {
        await store.create(key('counter'), pod(ns, 'counter', { spec: { n: 0 } }));
        const bump = (cur: ApiObject) => ({ ...cur, spec: { n: (cur.spec as { n: number }).n + 1 } });
        await Promise.all(Array.from({ length: 10 }, () => store.guaranteedUpdate(key('counter'), bump)));
        expect((await store.get(key('counter'))).spec).toEqual({ n: 10 });
      });
    });

    describe('delete', () => {
      test('returns the last state; then NotFound', async () => {
        await store.create(key('a'), pod(ns, 'a'));
        const last = await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        expect(await store.delete(key('a'))).toEqual(last);
        expect((await rejection(store.get(key('a')))).status.code).toBe(404);
        expect((await rejection(store.delete(key('a')))).status.code).toBe(404);
      });

      test('preconditions are checked', async () => {
        const created = await store.create(key('a'), pod(ns, 'a'));
        await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        expect((await rejection(store.delete(key('a'), { resourceVersion: created.metadata.resourceVersion }))).status.code).toBe(409);
        expect((await rejection(store.delete(key('a'), { uid: 'other' }))).status.code).toBe(409);
        await expect(store.delete(key('a'), { uid: 'uid-a' })).resolves.toBeTruthy();
      });
    });

    describe('list', () => {
      test('sorted by key, under the prefix only, at a revision', async () => {
        for (const n of ['c', 'a', 'b']) await store.create(key(n), pod(ns, n));
        await store.create(objectKey('pods', `${ns}x`, 'z'), pod(`${ns}x`, 'z'));
        const first = await store.list(resourcePrefix('pods', ns));
        expect(first.items.map((i) => i.metadata.name)).toEqual(['a', 'b', 'c']);
        await store.delete(key('b'));
        await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        const now = await store.list(resourcePrefix('pods', ns));
        expect(now.items.map((i) => i.metadata.name)).toEqual(['a', 'c']);
        expect(Number(now.resourceVersion)).toBeGreaterThan(Number(first.resourceVersion));
        const then = await store.list(resourcePrefix('pods', ns), { resourceVersion: first.resourceVersion });
        expect(then).toEqual(first);
      });

      test('limit and continue page through one consistent snapshot', async () => {
        for (const n of ['a', 'b', 'c', 'd', 'e']) await store.create(key(n), pod(ns, n));
        const prefix = resourcePrefix('pods', ns);
        const p1 = await store.list(prefix, { limit: 2 });
        expect(p1.items.map((i) => i.metadata.name)).toEqual(['a', 'b']);
        expect(p1.continue).toBeTruthy();
        await store.create(key('bb'), pod(ns, 'bb'));
        const p2 = await store.list(prefix, { limit: 2, continue: p1.continue });
        expect(p2.items.map((i) => i.metadata.name)).toEqual(['c', 'd']);
        expect(p2.resourceVersion).toBe(p1.resourceVersion);
        const p3 = await store.list(prefix, { limit: 2, continue: p2.continue });
        expect(p3.items.map((i) => i.metadata.name)).toEqual(['e']);
        expect(p3.continue).toBeUndefined();
      });

      test('a garbled continue token is BadRequest', async () => {
        expect((await rejection(store.list(resourcePrefix('pods', ns), { continue: 'garbage' }))).status.code).toBe(400);
      });
    });

    describe('watch', () => {
      test('from a resourceVersion: ADDED, MODIFIED, DELETED with the previous value', async () => {
        const prefix = resourcePrefix('pods', ns);
        const from = await store.currentRevision();
        const events = await takeEvents(store, prefix, from, 3, async () => {
          await store.create(key('a'), pod(ns, 'a'));
          await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
          await store.delete(key('a'));
        });
        expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
        const [added, modified, deleted] = events;
        expect(Number(modified.object.metadata.resourceVersion)).toBeGreaterThan(Number(added.object.metadata.resourceVersion));
        expect(deleted.object.spec).toEqual({ x: 1 });
        expect(deleted.object.metadata.resourceVersion).toBe(await store.currentRevision());
      });

      test('resumes from a past resourceVersion, exclusive', async () => {
        const a = await store.create(key('a'), pod(ns, 'a'));
        await store.create(key('b'), pod(ns, 'b'));
        await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        const events = await takeEvents(store, resourcePrefix('pods', ns), a.metadata.resourceVersion as string, 2);
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'MODIFIED a']);
      });

      test.each(['0', ''])('from %p: synthetic ADDED for the current state, then changes', async (from) => {
        await store.create(key('a'), pod(ns, 'a'));
        await store.create(key('b'), pod(ns, 'b'));
        const events = await takeEvents(store, resourcePrefix('pods', ns), from, 3, async () => {
          await store.delete(key('a'));
        });
        expect(summary(events).map((s) => s.split('@')[0])).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
      });

      test('abort ends the watch', async () => {
        const ac = new AbortController();
        const it = store.watch(resourcePrefix('pods', ns), await store.currentRevision(), ac.signal)[Symbol.asyncIterator]();
        const next = it.next();
        ac.abort();
        await expect(next).resolves.toEqual({ done: true, value: undefined });
      });

      test('a compacted resourceVersion is Expired (410)', async () => {
        const a = await store.create(key('a'), pod(ns, 'a'));
        await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 1 } }));
        const last = await store.guaranteedUpdate(key('a'), (cur) => ({ ...cur, spec: { x: 2 } }));
        await store.compact(last.metadata.resourceVersion as string);
        const from = a.metadata.resourceVersion as string;
        const err = await rejection(takeEvents(store, resourcePrefix('pods', ns), from, 1));
        expect(err.status).toMatchObject({ code: 410, reason: 'Expired', message: `too old resource version: ${from} (${last.metadata.resourceVersion})` });
        expect((await rejection(store.list(resourcePrefix('pods', ns), { resourceVersion: from }))).status.code).toBe(410);
        // The compaction revision itself is still readable and watchable.
        const events = await takeEvents(store, resourcePrefix('pods', ns), String(Number(last.metadata.resourceVersion) - 1), 1);
        expect(events[0].object.spec).toEqual({ x: 2 });
      });
    });
  });
};
