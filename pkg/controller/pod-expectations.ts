// The pod side of a controller's expectations (upstream's addPod/updatePod/deletePod of the
// ReplicaSet, Job and DaemonSet controllers): a pod the cache shows for an owner of `ownerKind`
// settles one expected creation; a pod that starts terminating, or goes, settles its deletion.
import type { ApiPod } from '../../api/core/v1';
import { controllerRef, metaNamespaceKey, objectFromDeleted, type Informer, type UIDTrackingControllerExpectations } from '../client';

/** `namespace/name` of the pod's controller when it is of `ownerKind`. */
export const ownerKeyOf = (pod: ApiPod, ownerKind: string): string | undefined => {
  const ref = controllerRef(pod);
  return ref?.kind === ownerKind ? `${pod.metadata.namespace}/${ref.name}` : undefined;
};

export const trackPodExpectations = (pods: Pick<Informer<ApiPod>, 'addEventHandler'>, ownerKind: string, expectations: UIDTrackingControllerExpectations): void => {
  const deleted = (pod: ApiPod) => {
    const k = ownerKeyOf(pod, ownerKind);
    if (k) expectations.deletionObservedOf(k, metaNamespaceKey(pod));
  };
  pods.addEventHandler({
    add: (pod) => {
      const k = ownerKeyOf(pod, ownerKind);
      if (k && pod.metadata.deletionTimestamp) deleted(pod);
      else if (k) expectations.creationObserved(k);
    },
    update: (old, pod) => { if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) deleted(pod); },
    delete: (pod) => deleted(objectFromDeleted(pod)),
  });
};
