// Informer edges beyond list/watch/relist (informer.test.ts): bookmarks, paginated lists and
// an expired continue token, handlers that never block the watch, and label/nodeName indexes.
import type { ApiObject } from '../../api/meta/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { createLogger } from '../log';
import { createClient, type RestClient } from './rest';
import { createInformer, type InformerOptions } from './informer';
import { labelIndex, labelIndexFunc, nodeNameIndex, podNodeNameIndexFunc } from './cache';
import { FakeApiserver } from './fake-apiserver';
import { DeletedFinalStateUnknown } from './tombstone';
import { FakeClock, waitFor } from './fake-clock';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const COLL = '/api/v1/pods';
const pod = (name: string, o: { node?: string; labels?: Record<string, string> } = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: o.labels }, spec: { nodeName: o.node } });

describe('informer edges', () => {
  let server: FakeApiserver;
  let clock: FakeClock;
  let ac: AbortController;
  let lines: string[];
  let running: Promise<void> | undefined;
  let client: RestClient;
  beforeEach(async () => {
    server = new FakeApiserver();
    await server.start();
    clock = new FakeClock();
    ac = new AbortController();
    lines = [];
    running = undefined;
    client = createClient({ server: server.url }, { maxRetries: 0 });
  });
  afterEach(async () => {
    ac.abort();
    try {
      await running;
      await waitFor(() => server.watchCount() === 0, 'watches closed');
      expect(clock.pending()).toBe(0);
    } finally {
      client.close();
      await server.stop();
    }
  });

  const start = (o: Partial<InformerOptions<ApiObject>> = {}) => {
    const log = createLogger('test', { write: (l) => lines.push(l) });
    const inf = createInformer(client.resource<ApiObject>(pods), { log, clock, random: () => 0, ...o });
    const events: string[] = [];
    inf.addEventHandler({
      add: (p) => events.push(`add ${p.metadata.name}`),
      update: (p, n) => events.push(`update ${n.metadata.name} ${p.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      delete: (d) => events.push(d instanceof DeletedFinalStateUnknown
        ? `tombstone ${d.key} ${d.obj.metadata.resourceVersion}` : `delete ${d.metadata.name} ${d.metadata.resourceVersion}`),
    });
    running = inf.run(ac.signal);
    return { inf, events };
  };
  const watches = () => server.requests.filter((r) => r.query.get('watch') === 'true');
  const lists = () => server.requests.filter((r) => r.method === 'GET' && r.query.get('watch') !== 'true');

  test('BOOKMARK moves the resourceVersion, leaves the cache and handlers alone; a re-watch resumes from it', async () => {
    server.upsert(COLL, pod('a'));
    const { inf, events } = start();
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    expect(watches()[0].query.get('allowWatchBookmarks')).toBe('true');
    server.upsert('/api/v1/other', pod('elsewhere')); // revisions move on without pod events (rv 2, 3)
    server.upsert('/api/v1/other', pod('elsewhere2'));
    server.bookmark(COLL);
    await waitFor(() => inf.lastSyncResourceVersion() === '3', 'bookmark rv');
    expect(events).toEqual(['add a']);
    expect(inf.list().map((p) => p.metadata.name)).toEqual(['a']);
    expect(inf.get('default/a')?.metadata.resourceVersion).toBe('1');
    server.dropWatches();
    await waitFor(() => watches().length === 2, 're-watch');
    expect(watches()[1].query.get('resourceVersion')).toBe('3');
    expect(lists()).toHaveLength(1);
  });

  test('the list is paginated; the watch starts at the snapshot the pages share', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) server.upsert(COLL, pod(n));
    const { inf, events } = start({ pageSize: 2 });
    await inf.waitForSync(ac.signal);
    expect(lists().map((r) => [r.query.get('limit'), r.query.has('continue')])).toEqual([['2', false], ['2', true], ['2', true]]);
    expect(events).toEqual(['add a', 'add b', 'add c', 'add d', 'add e']);
    await waitFor(() => server.watchCount() === 1, 'watch');
    expect(watches()[0].query.get('resourceVersion')).toBe('5');
  });

  test('an expired continue token restarts the list without pages', async () => {
    for (const n of ['a', 'b', 'c']) server.upsert(COLL, pod(n));
    server.failNext({ method: 'GET', queryHas: 'continue', status: 410 });
    const { inf, events } = start({ pageSize: 2 });
    await inf.waitForSync(ac.signal);
    expect(lists().map((r) => r.query.get('limit'))).toEqual(['2', '2', null]);
    expect(events).toEqual(['add a', 'add b', 'add c']); // the first page is not delivered twice
    expect(lines.some((l) => l.includes('continue token expired'))).toBe(true);
  });

  test('a slow (async) handler is queued: the watch, the cache and other handlers carry on', async () => {
    const { inf, events } = start();
    const slow: string[] = [];
    let release = () => undefined as void;
    const gate = new Promise<void>((r) => { release = r; });
    inf.addEventHandler({ add: async (p) => { slow.push(`start ${p.metadata.name}`); await gate; slow.push(`end ${p.metadata.name}`); } });
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    for (const n of ['x', 'y', 'z']) server.upsert(COLL, pod(n));
    await waitFor(() => events.length === 3, 'fast handler saw all three');
    expect(inf.list()).toHaveLength(3);
    expect(slow).toEqual(['start x']);
    expect(inf.backlog()).toBe(2);
    server.upsert(COLL, pod('w'));                       // the watch is still flowing
    await waitFor(() => events.length === 4, 'fourth event');
    release();
    await waitFor(() => slow.length === 8, 'slow handler drained');
    expect(slow).toEqual(['start x', 'end x', 'start y', 'end y', 'start z', 'end z', 'start w', 'end w']);
    expect(inf.backlog()).toBe(0);
  });

  test('a rejecting async handler is logged and keeps receiving', async () => {
    const { inf } = start();
    const seen: string[] = [];
    inf.addEventHandler({ add: async (p) => { seen.push(p.metadata.name ?? ''); throw new Error(`async boom ${p.metadata.name}`); } });
    await inf.waitForSync(ac.signal);
    await waitFor(() => server.watchCount() === 1, 'watch');
    server.upsert(COLL, pod('p'));
    server.upsert(COLL, pod('q'));
    await waitFor(() => seen.length === 2 && lines.filter((l) => l.includes('async boom')).length === 2, 'both logged');
  });

  test('indexers by namespace, label and spec.nodeName; byIndex follows updates and deletes', async () => {
    server.upsert(COLL, pod('a', { node: 'n1', labels: { app: 'web', tier: 'fe' } }));
    server.upsert(COLL, pod('b', { node: 'n2', labels: { app: 'web' } }));
    server.upsert(COLL, pod('c', { labels: { app: 'db' } }));
    const { inf, events } = start({ indexers: { [labelIndex]: labelIndexFunc, [nodeNameIndex]: podNodeNameIndexFunc } });
    await inf.waitForSync(ac.signal);
    const names = (index: string, v: string) => inf.byIndex(index, v).map((p) => p.metadata.name).sort();
    expect(names('namespace', 'default')).toEqual(['a', 'b', 'c']);
    expect(names(labelIndex, 'app=web')).toEqual(['a', 'b']);
    expect(names(labelIndex, 'tier=fe')).toEqual(['a']);
    expect(names(nodeNameIndex, 'n1')).toEqual(['a']);
    expect(names(nodeNameIndex, '')).toEqual([]);           // unbound pods are not indexed
    await waitFor(() => server.watchCount() === 1, 'watch');
    server.upsert(COLL, pod('c', { node: 'n1', labels: { app: 'web' } }));
    server.remove(COLL, 'default', 'a');
    await waitFor(() => events.length === 5, 'update and delete');
    expect(names(labelIndex, 'app=web')).toEqual(['b', 'c']);
    expect(names(labelIndex, 'app=db')).toEqual([]);
    expect(names(nodeNameIndex, 'n1')).toEqual(['c']);
    expect(() => inf.byIndex('nope', 'x')).toThrow('index "nope" does not exist');
  });
});
