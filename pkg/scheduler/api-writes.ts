// The scheduler's two writes to the apiserver: the binding (pods/<name>/binding) and the
// PodScheduled condition (pods/<name>/status, with the resourceVersion precondition, retried
// on conflict as client-go's retry.RetryOnConflict).
import type { Pod, PodCondition } from '../../api/core/v1';
import { isConflict, isNotFound } from '../apimachinery';
import { toApiPod, type ApiPod } from './node-info';
import type { Clock, ResourceClient } from '../client';
import type { Logger } from '../log';

export const newBinder = (pods: ResourceClient<ApiPod>) => async (pod: Pod, nodeName: string): Promise<void> => {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  await pods.createSubresource(namespace, name, 'binding', {
    apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  });
};

/**
 * The pod with `condition` set (upstream podutil.UpdatePodCondition): lastTransitionTime moves
 * only when the status flips. undefined when nothing would change, so no write is needed.
 */
export const withPodCondition = <P extends Pod>(pod: P, condition: PodCondition, now: string): P | undefined => {
  const conditions = pod.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === condition.type);
  if (old && old.status === condition.status && old.reason === condition.reason && old.message === condition.message) {
    return undefined;
  }
  const next: PodCondition = {
    ...condition,
    lastProbeTime: condition.lastProbeTime ?? null,
    lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : now,
  };
  return { ...pod, status: { ...pod.status, conditions: old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next] } };
};

const maxConflictRetries = 5;

/** Kubernetes times have second precision (metav1.Time). */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const newPodConditionUpdater = (pods: ResourceClient<ApiPod>, clock: Pick<Clock, 'now'>, log: Logger) =>
  async (pod: Pod, condition: PodCondition): Promise<void> => {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    let current = toApiPod(pod);
    for (let attempt = 0; attempt < maxConflictRetries; attempt++) {
      // Bound meanwhile (by us in a later cycle, or by someone else): the condition is stale.
      if (current.spec?.nodeName) return;
      const updated = withPodCondition(current, condition, rfc3339(clock.now()));
      if (!updated) return;
      try {
        await pods.updateStatus(namespace, updated);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) { log.warn('failed to update pod condition', { pod: `${namespace}/${name}`, err }); return; }
        try {
          current = await pods.get(namespace, name);
        } catch (getErr) {
          if (!isNotFound(getErr)) log.warn('failed to get pod for condition update', { pod: `${namespace}/${name}`, err: getErr });
          return;
        }
      }
    }
    log.warn('giving up updating pod condition after conflicts', { pod: `${namespace}/${name}`, retries: maxConflictRetries });
  };
