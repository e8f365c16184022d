// Emptying and finalizing a terminating namespace (k8s pkg/controller/namespace/deletion,
// namespacedResourcesDeleter): delete every namespaced object in it (deletecollection per
// resource, Background), report what is still there (graceful pods, finalizers), and once
// nothing is left remove the `kubernetes` finalizer and DELETE the namespace for good.
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { findResource } from '../../../api/resources';
import { isNotFound } from '../../apimachinery/errors';
import { collectionPath, type Client } from '../../client';

export const finalizerKubernetes = 'kubernetes';

/** What the deleter needs from the API server (a Client in production, a fake in tests). */
export interface NamespaceAccess {
  getNamespace(name: string): Promise<ApiObject | undefined>;
  /** True when at least one object of `info` is in the namespace. */
  hasContent(info: ResourceInfo, namespace: string): Promise<boolean>;
  deleteCollection(info: ResourceInfo, namespace: string): Promise<void>;
  /** Removes `kubernetes` from spec.finalizers, conditional on the namespace's resourceVersion. */
  finalize(ns: ApiObject): Promise<ApiObject>;
  /** DELETE with a uid precondition; gone already is fine. */
  deleteNamespace(ns: ApiObject): Promise<void>;
}

const namespacesInfo = (): ResourceInfo => {
  const info = findResource('', 'v1', 'namespaces');
  if (!info) throw new Error('namespaces are not in api/resources.ts');
  return info;
};

export const specFinalizers = (ns: ApiObject): string[] => (ns as { spec?: { finalizers?: string[] } }).spec?.finalizers ?? [];

export const clientNamespaceAccess = (client: Client): NamespaceAccess => {
  const nsClient = client.resource(namespacesInfo());
  return {
    async getNamespace(name) {
      try {
        return await nsClient.get('', name);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async hasContent(info, namespace) {
      const list = await client.resource(info).list(namespace, { limit: 1 });
      return list.items.length > 0;
    },
    async deleteCollection(info, namespace) {
      await client.request('DELETE', collectionPath(info, namespace), { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    },
    async finalize(ns) {
      const rest = specFinalizers(ns).filter((f) => f !== finalizerKubernetes);
      return nsClient.patch('', ns.metadata.name ?? '', 'merge', {
        metadata: { resourceVersion: ns.metadata.resourceVersion }, spec: { finalizers: rest.length > 0 ? rest : null },
      });
    },
    async deleteNamespace(ns) {
      try {
        await nsClient.delete('', ns.metadata.name ?? '', { preconditions: { uid: ns.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
};

/**
 * One pass over every namespaced resource: delete what is there. Returns the resources that
 * still hold objects afterwards (pods in their grace period, objects with finalizers).
 */
export const deleteAllContent = async (access: NamespaceAccess, namespace: string, namespaced: readonly ResourceInfo[]): Promise<string[]> => {
  const remaining: string[] = [];
  for (const info of namespaced) {
    if (!(await access.hasContent(info, namespace))) continue;
    await access.deleteCollection(info, namespace);
    if (await access.hasContent(info, namespace)) remaining.push(info.group ? `${info.plural}.${info.group}` : info.plural);
  }
  return remaining;
};
