// The NamespaceLifecycle admission plugin: nothing is created in a namespace that does not
// exist or is being terminated, and the namespaces the system needs cannot be deleted.
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { forbidden, isNotFound, notFound } from '../../apimachinery/errors';
import { objectKey, type Store } from '../../storage';

/** Namespaces that always exist (upstream's immortalNamespaces). */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const grString = (info: Pick<ResourceInfo, 'group' | 'plural'>): string => (info.group ? `${info.plural}.${info.group}` : info.plural);

export const isTerminating = (ns: ApiObject): boolean =>
  !!ns.metadata.deletionTimestamp || (ns as { status?: { phase?: string } }).status?.phase === 'Terminating';

/** How long after a namespace DELETE its creates read the namespace from etcd (upstream's forceLiveLookupTTL). */
export const forceLiveLookupMs = 30_000;

/**
 * Namespaces deleted through this apiserver recently, with when that stops mattering: the watch
 * cache may not have seen them turn Terminating yet. Process-wide, as the plugin is in upstream.
 */
const forceLiveLookup = new Map<string, number>();

const needsLiveLookup = (namespace: string, now: number): boolean => {
  const until = forceLiveLookup.get(namespace);
  if (until === undefined) return false;
  if (until > now) return true;
  forceLiveLookup.delete(namespace);
  return false;
};

const getOrUndefined = async (get: () => Promise<ApiObject>): Promise<ApiObject | undefined> => {
  try {
    return await get();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};

/**
 * Refuses a create of `info` named `name` in `namespace` unless the namespace exists and is Active.
 * Reads the namespace from the watch cache (resourceVersion 0, upstream's lister) and falls back
 * to etcd when the cache does not have it or the namespace was deleted here moments ago.
 */
export const admitCreate = async (store: Pick<Store, 'get'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, name = ''): Promise<void> => {
  const key = objectKey('namespaces', undefined, namespace);
  let ns = await getOrUndefined(() => store.get(key, { resourceVersion: '0' }));
  if (!ns || (!isTerminating(ns) && needsLiveLookup(namespace, Date.now()))) ns = await getOrUndefined(() => store.get(key));
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (!isTerminating(ns)) return;
  const err = forbidden(`${grString(info)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  err.status.details = { name, group: info.group || undefined, kind: info.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
  throw err;
};

/** Refuses the deletion of an immortal namespace, with upstream's 403. */
export const admitNamespaceDelete = (name: string): void => {
  if (!immortalNamespaces.has(name)) {
    const now = Date.now();
    // Expired entries go here too, so names deleted once and never used again do not pile up.
    for (const [ns, until] of forceLiveLookup) if (until <= now) forceLiveLookup.delete(ns);
    forceLiveLookup.set(name, now + forceLiveLookupMs);
    return;
  }
  const err = forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
  err.status.details = { name, kind: 'namespaces' };
  throw err;
};
