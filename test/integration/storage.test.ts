// The Store conformance suite against a real etcd (started per suite on tmpfs), plus the
// etcd-only behaviours: races between two clients and 410 after the apiserver's compaction.
import { createEtcdStore, objectKey, resourcePrefix } from '../../pkg/storage';
import { runStoreConformance, rejection, takeEvents } from '../../pkg/storage/store-conformance';
import { silentLogger } from '../../pkg/log';
import { startEtcd, type RunningEtcd } from './harness';

jest.setTimeout(30_000);

runStoreConformance('etcd', async () => {
  const etcd = await startEtcd();
  return { store: createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() }), cleanup: () => etcd.stop() };
});

describe('etcd store across clients', () => {
  let etcd: RunningEtcd;
  beforeAll(async () => { etcd = await startEtcd(); });
  afterAll(async () => { await etcd.stop(); });

  test('two clients racing on one key: every update lands; a pinned stale write is a 409', async () => {
    const a = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    const b = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    try {
      const key = objectKey('replicasets', 'race', 'rs');
      const created = await a.create(key, { metadata: { name: 'rs', namespace: 'race' }, spec: { replicas: 0 } });
      const bump = (store: typeof a) => store.guaranteedUpdate(key, (cur) => ({ ...cur, spec: { replicas: (cur.spec as { replicas: number }).replicas + 1 } }));
      await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b)));
      expect((await b.get(key)).spec).toEqual({ replicas: 20 });
      const err = await rejection(b.guaranteedUpdate(key, (cur) => cur, { resourceVersion: created.metadata.resourceVersion }));
      expect(err.status).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(err.status.message).toBe('Operation cannot be fulfilled on replicasets.apps "rs": the object has been modified; please apply your changes to the latest version and try again');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a LIST at a future resourceVersion is a 504 naming the current revision (etcd\'s OUT_OF_RANGE mapped)', async () => {
    const store = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    try {
      const cur = await store.currentRevision();
      const future = String(Number(cur) + 1000);
      const err = await rejection(store.list(resourcePrefix('pods'), { resourceVersion: future, resourceVersionMatch: 'Exact' }));
      expect(err.status).toMatchObject({ code: 504, message: `Too large resource version: ${future}, current: ${cur}` });
    } finally {
      await store.close();
    }
  });

  test('a watch opened by one client sees writes of another, and 410s after compaction', async () => {
    const writer = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    const reader = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    try {
      const prefix = resourcePrefix('pods', 'w');
      const start = await writer.currentRevision();
      const events = await takeEvents(reader, prefix, start, 2, async () => {
        await writer.create(objectKey('pods', 'w', 'p'), { metadata: { name: 'p', namespace: 'w' } });
        await writer.delete(objectKey('pods', 'w', 'p'));
      });
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
      await writer.create(objectKey('pods', 'w', 'q'), { metadata: { name: 'q', namespace: 'w' } });
      const rev = await writer.currentRevision();
      await writer.compact(rev);
      await writer.compact(rev); // compacting twice is harmless
      const err = await rejection(takeEvents(reader, prefix, start, 1));
      expect(err.status).toMatchObject({ code: 410, message: `too old resource version: ${start} (${rev})` });
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
