// Roles and bindings for the RBAC authorizer, read from the watch cache (resourceVersion 0), as
// upstream's authorizer reads its informers' listers: a change applies as soon as the cache has it.
import type { ApiObject } from '../../../api/meta/v1';
import type { PolicyRule } from '../../../api/rbac/v1';
import { isNotFound } from '../../apimachinery/errors';
import { objectKey, resourcePrefix, type Store } from '../../storage';
import type { Binding, RbacSource } from './rbac';

const rulesOf = async (store: Pick<Store, 'get'>, key: string): Promise<PolicyRule[] | undefined> => {
  try {
    return ((await store.get(key, { resourceVersion: '0', readOnly: true })) as { rules?: PolicyRule[] }).rules ?? [];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

const bindings = async (store: Pick<Store, 'list'>, prefix: string): Promise<Binding[]> =>
  (await store.list(prefix, { resourceVersion: '0' })).items.map((b: ApiObject) => ({ namespace: b.metadata.namespace, ...(b as unknown as Binding) }));

export const cacheRbacSource = (store: Pick<Store, 'get' | 'list'>): RbacSource => ({
  clusterRoleBindings: () => bindings(store, resourcePrefix('clusterrolebindings')),
  roleBindings: (namespace) => bindings(store, resourcePrefix('rolebindings', namespace)),
  clusterRoleRules: (name) => rulesOf(store, objectKey('clusterroles', undefined, name)),
  roleRules: (namespace, name) => rulesOf(store, objectKey('roles', namespace, name)),
});
