// The ServiceAccount admission plugin (k8s plugin/pkg/admission/serviceaccount): a pod created
// without spec.serviceAccountName runs as `default` (the token volume: service-account-token.ts).
// Not done here: upstream's check that the account exists (pods created before the
// ServiceAccount controller runs would be refused).
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';

export const defaultServiceAccountName = 'default';

/** Mirror pods are the kubelet's: upstream leaves them alone. */
export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

interface PodSpecAccounts { serviceAccountName?: string; serviceAccount?: string }

/** Returns `obj` with the default service account filled in when it is a pod that names none. */
export const admitServiceAccount = (info: Pick<ResourceInfo, 'group' | 'plural'>, obj: ApiObject): ApiObject => {
  if (info.group !== '' || info.plural !== 'pods' || obj.metadata.annotations?.[mirrorPodAnnotation] !== undefined) return obj;
  const spec = (obj as { spec?: PodSpecAccounts }).spec;
  if (!spec || spec.serviceAccountName) return obj;
  // The deprecated serviceAccount field, when sent alone, names the account (v1 conversion).
  const name = spec.serviceAccount || defaultServiceAccountName;
  return { ...obj, spec: { ...spec, serviceAccountName: name, serviceAccount: name } } as ApiObject;
};
