// One ResourceQuota's sync (k8s pkg/controller/resourcequota/resource_quota_controller.go
// syncResourceQuota): measure what the objects of its namespace use of each resource it limits,
// and write status.hard = spec.hard and status.used when either differs from what is stored.
import type { ResourceQuota } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import type { ReconcileResult, ResourceClient } from '../../client';
import {
  addLists, desiredStatus, evaluatorsForNames, evaluatorsNeeded, resourceNames, statusDirty, usageStats, type ResourceList,
} from '../../apimachinery/quota';
import type { Logger } from '../../log';

/** Upstream's --resource-quota-sync-period default: every quota is recomputed this often. */
export const resyncPeriodMs = 5 * 60_000;

/** The objects of one resource in a namespace; undefined when the resource is not served. */
export type ListObjects = (group: string, resource: string, namespace: string) => Promise<ApiObject[] | undefined>;

export interface ReconcileDeps {
  quotas: { get(key: string): ApiObject | undefined };
  listObjects: ListObjects;
  quotaClient: Pick<ResourceClient<ApiObject>, 'updateStatus'>;
  now: () => Date;
  log: Logger;
}

/** quota.CalculateUsage: each evaluator's usage stats over the namespace, for the names it measures. */
export const measureUsage = async (quota: ResourceQuota, d: Pick<ReconcileDeps, 'listObjects' | 'now'>): Promise<ResourceList> => {
  const namespace = quota.metadata?.namespace ?? '';
  const evaluators = evaluatorsNeeded(quota, evaluatorsForNames(resourceNames(quota.spec?.hard)));
  let measured: ResourceList = {};
  for (const { evaluator, names } of evaluators) {
    const items = await d.listObjects(evaluator.group, evaluator.resource, namespace);
    if (!items) continue; // not served: its names keep whatever usage they had
    measured = addLists(measured, usageStats(quota, evaluator, names, items, d.now()));
  }
  return measured;
};

/**
 * Syncs the quota `key` (namespace/name). The write is a PUT of the status subresource carrying
 * the cached resourceVersion, so a concurrent admission charge makes it fail with Conflict and
 * the key is retried on fresh data. Every quota is looked at again after resyncPeriodMs.
 */
export const reconcileResourceQuota = async (key: string, d: ReconcileDeps): Promise<ReconcileResult> => {
  const cached = d.quotas.get(key);
  if (!cached) return;
  const quota = cached as ResourceQuota;
  const status = desiredStatus(quota, await measureUsage(quota, d));
  if (statusDirty(quota, status)) {
    await d.quotaClient.updateStatus(cached.metadata.namespace ?? '', { ...cached, status } as ApiObject);
    d.log.v(2, 'updated quota status', { key, used: status.used });
  }
  return { requeueAfterMs: resyncPeriodMs };
};
