// Public API of pkg/storage: the Store contract, key helpers, the etcd implementation and the
// in-memory fake (a Store too, for other areas' unit tests). The conformance suite stays internal.
export type { Store, Preconditions, ListOptions, ListResult, WriteOptions, GetOptions } from './interface';
export { objectKey, resourcePrefix } from './interface';
export { createEtcdStore, type EtcdStore, type EtcdStoreOptions } from './etcd';
export { withResourceTTL } from './ttl';
export { createFakeStore, type FakeStore } from './fake';
export { groupResourceOfKey, nameOfKey } from './keys';
export type { WatchOptions } from './interface';
export { createCacher, type Cacher, type CacherOptions, type CacheStats, type CompactableStore } from './cacher';
export { initialEventsEndAnnotation } from './watch-options';
export { realClock as storageRealClock, type StorageClock } from './clock';
