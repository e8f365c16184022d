// Public API of pkg/storage: the Store contract, key helpers and the etcd implementation.
export type { Store, Preconditions, ListOptions, ListResult } from './interface';
export { objectKey, resourcePrefix } from './interface';
export { createEtcdStore, type EtcdStore, type EtcdStoreOptions } from './etcd';
