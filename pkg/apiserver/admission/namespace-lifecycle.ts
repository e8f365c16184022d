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

/** Refuses a create of `info` named `name` in `namespace` unless the namespace exists and is Active. */
export const admitCreate = async (store: Pick<Store, 'get'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, name = ''): Promise<void> => {
  let ns: ApiObject;
  try {
    ns = await store.get(objectKey('namespaces', undefined, namespace));
  } catch (err) {
    if (isNotFound(err)) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    throw err;
  }
  if (!isTerminating(ns)) return;
  const err = forbidden(`${grString(info)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  err.status.details = { name, group: info.group || undefined, kind: info.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
  throw err;
};

/** Refuses the deletion of an immortal namespace, with upstream's 403. */
export const admitNamespaceDelete = (name: string): void => {
  if (!immortalNamespaces.has(name)) return;
  const err = forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
  err.status.details = { name, kind: 'namespaces' };
  throw err;
};
