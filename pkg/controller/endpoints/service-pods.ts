// Pod events → the services to look at again (k8s endpointutil.GetServicesToUpdateOnPodChange):
// every service of the pod's namespace whose selector matches the pod before or after the change.
// Updates that cannot move an endpoint (only status fields nobody reads here) are skipped.
import type { ApiPod, ApiService } from '../../../api/core/v1';
import { objectFromDeleted, metaNamespaceKey, namespaceIndex, type Informer } from '../../client';
import { selectedPods } from './pods';

const endpointRelevant = (p: ApiPod) => JSON.stringify([
  p.metadata.labels ?? {}, p.metadata.deletionTimestamp ?? null, p.status?.podIP ?? null, p.status?.podIPs ?? null,
  p.status?.phase ?? null, p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? null,
  p.spec?.nodeName ?? null, p.spec?.hostname ?? null, p.spec?.subdomain ?? null,
]);

const servicesOf = (services: Pick<Informer<ApiService>, 'byIndex'>, pod: ApiPod): string[] =>
  services.byIndex(namespaceIndex, pod.metadata.namespace ?? '').filter((s) => selectedPods(s, [pod]).length > 0).map(metaNamespaceKey);

/** Registers pod handlers that add the affected services' keys to `enqueue`. */
export const enqueueServicesOnPodChange = (
  pods: Pick<Informer<ApiPod>, 'addEventHandler'>, services: Pick<Informer<ApiService>, 'byIndex'>, enqueue: (key: string) => void,
): void => {
  const add = (pod: ApiPod) => servicesOf(services, pod).forEach(enqueue);
  pods.addEventHandler({
    add, delete: (deleted) => add(objectFromDeleted(deleted)),
    update: (old, pod) => {
      if (endpointRelevant(old) === endpointRelevant(pod)) return;
      new Set([...servicesOf(services, old), ...servicesOf(services, pod)]).forEach(enqueue);
    },
  });
};
