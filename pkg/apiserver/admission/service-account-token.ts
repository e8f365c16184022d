// The token half of the ServiceAccount admission plugin (k8s plugin/pkg/admission/serviceaccount):
// every container and init container of a new pod mounts a projected `kube-api-access-*`
// volume at /var/run/secrets/kubernetes.io/serviceaccount, holding a bound token for the pod's
// service account, the cluster CA (the `kube-root-ca.crt` ConfigMap) and the namespace. That is
// where in-cluster clients (client-go's InClusterConfig, kubectl in a pod) look.
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { resourcePrefix, type Store } from '../../storage';
import { mirrorPodAnnotation } from './service-account';

export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const tokenVolumePrefix = 'kube-api-access-';
/** Upstream's WarnOnlyBoundTokenExpirationSeconds: one hour plus 7 s, so stale-token use is noticeable. */
export const tokenExpirationSeconds = 3607;
export const rootCAConfigMap = 'kube-root-ca.crt';

interface Mount { name: string; mountPath: string; readOnly?: boolean }
interface Container { volumeMounts?: Mount[] }
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<{ name: string }>;
  containers?: Container[];
  initContainers?: Container[];
}

/** The projected source upstream mounts (TokenVolumeSource). */
export const tokenVolumeSource = () => ({
  defaultMode: 0o644,
  sources: [
    { serviceAccountToken: { expirationSeconds: tokenExpirationSeconds, path: 'token' } },
    { configMap: { name: rootCAConfigMap, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
  ],
});

/** names.SimpleNameGenerator's alphabet: no vowels (no words), no look-alike digits. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (random: () => number): string =>
  Array.from({ length: 5 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

/**
 * The pod's own setting wins, then the account's; mounting is the default. An account that is
 * not there (yet) does not stop the pod: the token request fails on the node until it exists.
 */
const automount = (spec: PodSpec, account: ApiObject | undefined): boolean =>
  spec.automountServiceAccountToken ?? (account as { automountServiceAccountToken?: boolean } | undefined)?.automountServiceAccountToken ?? true;

/** `obj` with the token volume mounted where no container mounts that path already. Pure. */
export const withTokenVolume = (obj: ApiObject, account: ApiObject | undefined, random: () => number = Math.random): ApiObject => {
  const spec = (obj as { spec?: PodSpec }).spec;
  if (!spec || !automount(spec, account)) return obj;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(tokenVolumePrefix));
  const name = existing?.name ?? `${tokenVolumePrefix}${randomSuffix(random)}`;
  let mounted = false;
  const mount = (containers: Container[] | undefined) => containers?.map((c) => {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === tokenMountPath)) return c;
    mounted = true;
    return { ...c, volumeMounts: [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: tokenMountPath }] };
  });
  const initContainers = mount(spec.initContainers);
  const containers = mount(spec.containers);
  if (!mounted) return obj;
  const next: PodSpec = { ...spec, containers };
  if (initContainers) next.initContainers = initContainers;
  if (!existing) next.volumes = [...(spec.volumes ?? []), { name, projected: tokenVolumeSource() } as { name: string }];
  return { ...obj, spec: next } as ApiObject;
};

/**
 * Mounts the token volume into a new pod, reading its service account from the watch cache.
 * A list of the namespace's accounts (a handful) rather than a get: a get of a missing account
 * builds a NotFound error, whose stack trace cost a tenth of a pod create.
 */
export const admitServiceAccountToken = async (store: Pick<Store, 'list'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, obj: ApiObject): Promise<ApiObject> => {
  if (info.group !== '' || info.plural !== 'pods' || obj.metadata.annotations?.[mirrorPodAnnotation] !== undefined) return obj;
  const spec = (obj as { spec?: PodSpec }).spec;
  if (!spec?.serviceAccountName || spec.automountServiceAccountToken === false) return obj;
  const accounts = await store.list(resourcePrefix('serviceaccounts', namespace), { resourceVersion: '0' });
  return withTokenVolume(obj, accounts.items.find((a) => a.metadata.name === spec.serviceAccountName));
};
