// Live reads and writes of any resource (upstream's metadata client): the collector decides on
// what the API server says now, never only on its caches.
import type { ApiObject, DeleteOptions } from '../../../api/meta/v1';
import { resources, resourceForKind, type ResourceInfo } from '../../../api/resources';
import { isNotFound } from '../../apimachinery/errors';
import type { Client } from '../../client';

export interface ObjectAccess {
  /** The object, or undefined when it does not exist. */
  get(info: ResourceInfo, namespace: string, name: string): Promise<ApiObject | undefined>;
  /** A delete of an object already gone succeeds. */
  delete(info: ResourceInfo, namespace: string, name: string, opts: DeleteOptions): Promise<void>;
  /** JSON merge patch. */
  patch(info: ResourceInfo, namespace: string, name: string, patch: unknown): Promise<void>;
}

export const clientAccess = (client: Client): ObjectAccess => ({
  async get(info, namespace, name) {
    try {
      return await client.resource(info).get(namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  },
  async delete(info, namespace, name, opts) {
    try {
      await client.resource(info).delete(namespace, name, opts);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
  async patch(info, namespace, name, patch) {
    await client.resource(info).patch(namespace, name, 'merge', patch);
  },
});

/**
 * The resource an ownerReference points at: its exact apiVersion, else the same group and kind
 * at another served version (upstream resolves through the RESTMapper by group and kind).
 */
export const resourceOfReference = (apiVersion: string, kind: string): ResourceInfo | undefined => {
  const exact = resourceForKind(apiVersion, kind);
  if (exact) return exact;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return resources.find((r) => r.group === group && r.kind === kind);
};
