// The DefaultStorageClass admission plugin (k8s plugin/pkg/admission/storage/storageclass/setdefault):
// a PersistentVolumeClaim created without spec.storageClassName gets the default StorageClass,
// the one annotated storageclass.kubernetes.io/is-default-class "true" (or the beta annotation);
// with several, the newest, then the first by name. An explicit "" asks for no class and stays.
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { resourcePrefix, type Store } from '../../storage';

export const isDefaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
const betaIsDefaultClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';

export const isDefaultClass = (sc: ApiObject): boolean =>
  sc.metadata.annotations?.[isDefaultClassAnnotation] === 'true' || sc.metadata.annotations?.[betaIsDefaultClassAnnotation] === 'true';

/** The default class among `classes`, or undefined (upstream's GetDefaultClass). */
export const defaultClass = (classes: ApiObject[]): ApiObject | undefined =>
  classes.filter(isDefaultClass).sort((a, b) =>
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];

/** Returns the claim with the default class filled in when it names none; any other object as it is. */
export const admitDefaultStorageClass = async (store: Pick<Store, 'list'>, info: Pick<ResourceInfo, 'group' | 'plural'>, obj: ApiObject): Promise<ApiObject> => {
  if (info.group !== '' || info.plural !== 'persistentvolumeclaims') return obj;
  const spec = (obj as { spec?: { storageClassName?: string } }).spec;
  if (!spec || spec.storageClassName !== undefined) return obj;
  const chosen = defaultClass((await store.list(resourcePrefix('storageclasses'), { resourceVersion: '0' })).items);
  if (!chosen) return obj;
  return { ...obj, spec: { ...spec, storageClassName: chosen.metadata.name } } as ApiObject;
};
