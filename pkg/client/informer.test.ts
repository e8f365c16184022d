import type { ApiObject } from '../../api/meta/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { createLogger } from '../log';
import { createClient } from './rest';
import { createInformer } from './informer';
import { FakeApiserver } from './fake-apiserver';
import { DeletedFinalStateUnknown } from './tombstone';
import { FakeClock, waitFor } from './fake-clock';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const COLL = '/api/v1/pods';
const pod = (name: string, node = '', ns = 'default'): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { nodeName: node } });

describe('informer', () => {
  let server: FakeApiserver;
  let clock: FakeClock;
  let ac: AbortController;
  let lines: string[];
  let running: Promise<void> | undefined;
  beforeEach(async () => {
    server = new FakeApiserver();
    await server.start();
    clock = new FakeClock();
    ac = new AbortController();
    lines = [];
    running = undefined;
  });
  afterEach(async () => {
    ac.abort();
    try {
      await running;
      await waitFor(() => server.watchCount() === 0, 'watches closed'); // leak check: no watch left open
      expect(clock.pending()).toBe(0);                                  // … and no timer
    } finally {
      await server.stop();
    }
  });

  const start = (random = () => 0) => {
    const log = createLogger('test', { write: (l) => lines.push(l) });
    const rc = createClient({ server: server.url }, { maxRetries: 0 }).resource<ApiObject>(pods);
    const inf = createInformer(rc, {
      log, clock, random,
      indexers: { nodeName: (p) => [String((p.spec as { nodeName?: string }).nodeName ?? '')] },
    });
    const events: string[] = [];
    inf.addEventHandler({
      add: (o) => events.push(`add ${o.metadata.name}`),
      update: (o, n) => events.push(`update ${n.metadata.name} ${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      delete: (d) => events.push(d instanceof DeletedFinalStateUnknown
        ? `tombstone ${d.key} ${d.obj.metadata.resourceVersion}` : `delete ${d.metadata.name} ${d.metadata.resourceVersion}`),
    });
    running = inf.run(ac.signal);
    return { inf, events };
  };
  const watches = () => server.requests.filter((r) => r.query.get('watch') === 'true');
  const lists = () => server.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true');

  test('lists, then watches into an indexed, frozen cache', async () => {
    server.upsert(COLL, pod('a', 'n1'));
    server.upsert(COLL, pod('b', 'n2', 'other'));
    const { inf, events } = start();
    await inf.waitForSync(ac.signal);
    expect(inf.hasSynced()).toBe(true);
    expect(events).toEqual(['add a', 'add b']);
    await waitFor(() => server.watchCount() === 1, 'watch');
    expect(watches()[0].query.get('resourceVersion')).toBe('2');

    server.upsert(COLL, pod('c', 'n1'));
    server.upsert(COLL, pod('a', 'n2'));
    server.remove(COLL, 'other', 'b');
    await waitFor(() => events.length === 5, 'events');
    expect(events.slice(2)).toEqual(['add c', 'update a 1->4', 'delete b 5']); // DELETED carries the final state (rv 5), not the cached one
    expect(inf.get('default/a')?.kind).toBe('Pod');
    expect(inf.byIndex('namespace', 'default').map((p) => p.metadata.name).sort()).toEqual(['a', 'c']);
    expect(inf.byIndex('nodeName', 'n2').map((p) => p.metadata.name)).toEqual(['a']);
    expect(inf.byIndex('nodeName', 'n1').map((p) => p.metadata.name)).toEqual(['c']);
    const cached = inf.get('default/a') as ApiObject;
    expect(Object.isFrozen(cached) && Object.isFrozen(cached.metadata)).toBe(true);
    expect(() => { (cached.metadata as { name?: string }).name = 'x'; }).toThrow(TypeError);
  });

  test('a dropped watch resumes from the last resourceVersion seen, without relisting', async () => {
    server.upsert(COLL, pod('a'));
    const { inf, events } = start();
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    server.upsert(COLL, pod('b'));       // rv 2
    await waitFor(() => events.length === 2, 'add b');
    server.dropWatches();
    await waitFor(() => server.watchCount() === 1, 're-watch');
    expect(watches().map((w) => w.query.get('resourceVersion'))).toEqual(['1', '2']);
    expect(lists()).toHaveLength(1);
    server.upsert(COLL, pod('c'));
    await waitFor(() => events.length === 3, 'add c');
    expect(events).toEqual(['add a', 'add b', 'add c']);
  });

  test('410 on re-watch: relists and delivers the difference; a vanished object as a tombstone with its last state', async () => {
    for (const n of ['a', 'b', 'c']) server.upsert(COLL, pod(n));
    const { inf, events } = start();
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    server.dropWatches();                                   // closed with nothing delivered → back-off
    await waitFor(() => clock.pending() === 1, 'back-off timer');
    server.upsert(COLL, pod('b', 'n9'));                    // missed while not watching
    server.remove(COLL, 'default', 'c');
    server.upsert(COLL, pod('d'));
    server.compact();                                       // and rv 3 is gone
    clock.step(clock.pendingDelays()[0]);
    await waitFor(() => events.length === 6, 'diff');
    expect(events.slice(3).sort()).toEqual(['add d', 'tombstone default/c 3', 'update b 2->4']); // c's deletion (rv 5) was never seen
    expect(inf.get('default/c')).toBeUndefined();
    expect(lists()).toHaveLength(2);
    expect(inf.list().map((p) => p.metadata.name).sort()).toEqual(['a', 'b', 'd']);
    expect(lines.some((l) => l.includes('watch expired, relisting'))).toBe(true);
    await waitFor(() => server.watchCount() === 1, 'watch after relist');
    expect(watches().pop()?.query.get('resourceVersion')).toBe('6');
  });

  test('a throwing handler is logged and stops neither the informer nor other handlers', async () => {
    const { inf, events } = start();
    inf.addEventHandler({ add: (o) => { throw new Error(`boom ${o.metadata.name}`); } });
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    server.upsert(COLL, pod('x'));
    server.upsert(COLL, pod('y'));
    await waitFor(() => events.length === 2, 'events');
    expect(events).toEqual(['add x', 'add y']);
    expect(lines.filter((l) => l.includes('event handler failed') && l.includes('boom'))).toHaveLength(2);
  });

  test.each([
    { name: 'no jitter', random: () => 0, want: [800, 1600, 3200, 6400] },
    { name: 'full jitter', random: () => 0.5, want: [1200, 2400, 4800, 9600] },
  ])('list failures back off exponentially ($name)', async ({ random, want }) => {
    server.failNext({ method: 'GET', status: 500, times: want.length });
    const { inf } = start(random);
    const delays: number[] = [];
    for (let i = 0; i < want.length; i++) {
      await waitFor(() => clock.pending() === 1, `back-off ${i}`);
      delays.push(clock.pendingDelays()[0]);
      clock.step(delays[i]);
    }
    await inf.waitForSync(ac.signal);
    expect(delays).toEqual(want);
    expect(lines.filter((l) => l.includes('list/watch failed'))).toHaveLength(want.length);
  });

  test('resync redelivers cached objects as updates', async () => {
    server.upsert(COLL, pod('a'));
    const log = createLogger('test', { write: (l) => lines.push(l) });
    const rc = createClient({ server: server.url }).resource<ApiObject>(pods);
    const inf = createInformer(rc, { log, clock, resyncMs: 1000 });
    const updates: string[] = [];
    inf.addEventHandler({ update: (o, n) => updates.push(`${o.metadata.name}=${n.metadata.name}`) });
    running = inf.run(ac.signal);
    await inf.waitForSync(ac.signal);
    clock.step(1000);
    clock.step(1000);
    expect(updates).toEqual(['a=a', 'a=a']);
  });
});
