// The Store conformance suite against the Cacher over a real etcd: the watch cache must behave
// exactly like the etcd store it fronts (writes, consistent reads, watch, 410 after compaction).
import { createCacher, createEtcdStore } from '../../pkg/storage';
import { runStoreConformance } from '../../pkg/storage/store-conformance';
import { silentLogger } from '../../pkg/log';
import { startEtcd } from './harness';

jest.setTimeout(30_000);

runStoreConformance('cacher over etcd', async () => {
  const etcd = await startEtcd();
  const backing = createEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
  return { store: createCacher({ backing, log: silentLogger(), resources: ['/registry/pods/'] }), cleanup: () => etcd.stop() };
});
