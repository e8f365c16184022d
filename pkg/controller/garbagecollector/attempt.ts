// What the garbage collector does for one object (k8s garbagecollector.go attemptToDeleteItem,
// processDeletingDependentsItem, attemptToOrphanWorker). Every decision is taken on the live
// object and on live lookups of its owners: an owner missing from the informer caches is only
// "not seen yet" until the API server says it is gone (or has another uid).
import type { ApiObject, DeleteOptions, OwnerReference } from '../../../api/meta/v1';
import type { Logger } from '../../log';
import { resourceOfReference, type ObjectAccess } from './access';
import { describe, finalizerForeground, finalizerOrphan, isDeletingDependents, type Graph, type GraphNode, type ObjectIdentity } from './graph';

export interface AttemptDeps {
  graph: Graph;
  access: ObjectAccess;
  /** Queues a uid for attemptToDelete. */
  enqueueDelete(uid: string): void;
  /** Owner uids the API server said are gone; a uid is never reused, so this never goes stale. */
  absentOwners: AbsentOwnerCache;
  log: Logger;
}

/** A bounded set of uids known to be absent (upstream's absentOwnerCache, an LRU of 500). */
export class AbsentOwnerCache {
  private readonly uids = new Set<string>();
  constructor(private readonly max = 500) {}
  has(uid: string): boolean { return this.uids.has(uid); }
  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.max) this.uids.delete(this.uids.values().next().value as string);
  }
}

export interface ClassifiedReferences {
  /** Owners that exist and are not waiting for their dependents. */
  solid: OwnerReference[];
  /** Owners that are gone (or were replaced by an object with another uid). */
  dangling: OwnerReference[];
  /** Owners being deleted in the foreground: they wait for this object to go. */
  waiting: OwnerReference[];
}

/** Looks every owner up (isDangling + classifyReferences). */
export const classifyReferences = async (item: ObjectIdentity, refs: readonly OwnerReference[], d: AttemptDeps): Promise<ClassifiedReferences> => {
  const out: ClassifiedReferences = { solid: [], dangling: [], waiting: [] };
  for (const ref of refs) {
    if (d.absentOwners.has(ref.uid)) { out.dangling.push(ref); continue; }
    const info = resourceOfReference(ref.apiVersion, ref.kind);
    if (!info) {
      // A kind we cannot look up is never taken as absent: keep the object.
      d.log.v(2, 'owner kind not served, keeping the reference', { item: describe(item), owner: `${ref.apiVersion}/${ref.kind} ${ref.name}` });
      out.solid.push(ref);
      continue;
    }
    if (info.namespaced && !item.namespace) {
      // A cluster-scoped object cannot be owned by a namespaced one: the reference resolves to nothing.
      out.dangling.push(ref);
      continue;
    }
    const owner = await d.access.get(info, info.namespaced ? item.namespace : '', ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) {
      d.absentOwners.add(ref.uid);
      out.dangling.push(ref);
    } else if (isDeletingDependents({ deletionTimestamp: owner.metadata.deletionTimestamp ?? undefined, finalizers: owner.metadata.finalizers ?? [] })) {
      out.waiting.push(ref);
    } else {
      out.solid.push(ref);
    }
  }
  return out;
};

const mergePatchMeta = (live: ApiObject, meta: Record<string, unknown>) =>
  // The resourceVersion makes the patch conditional: a concurrent change is a 409 and a retry.
  ({ metadata: { ...meta, resourceVersion: live.metadata.resourceVersion } });

/** Removes the references to `uids` from the live object (if it is still the same object). */
const removeReferences = async (item: ObjectIdentity, live: ApiObject, uids: ReadonlySet<string>, d: AttemptDeps): Promise<void> => {
  const refs = live.metadata.ownerReferences ?? [];
  const keep = refs.filter((r) => !uids.has(r.uid));
  if (keep.length === refs.length) return;
  await d.access.patch(item.info, item.namespace, item.name, mergePatchMeta(live, { ownerReferences: keep.length > 0 ? keep : null }));
  d.log.v(2, 'removed owner references', { item: describe(item), removed: refs.length - keep.length });
};

const removeFinalizer = async (item: ObjectIdentity, live: ApiObject, finalizer: string, d: AttemptDeps): Promise<void> => {
  const finalizers = live.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return;
  const keep = finalizers.filter((f) => f !== finalizer);
  await d.access.patch(item.info, item.namespace, item.name, mergePatchMeta(live, { finalizers: keep.length > 0 ? keep : null }));
  d.log.info('removed finalizer', { item: describe(item), finalizer });
};

const deleteItem = async (item: ObjectIdentity, live: ApiObject, policy: NonNullable<DeleteOptions['propagationPolicy']>, d: AttemptDeps): Promise<void> => {
  d.log.info('deleting object', { item: describe(item), propagationPolicy: policy });
  await d.access.delete(item.info, item.namespace, item.name, {
    propagationPolicy: policy, preconditions: { uid: item.uid, resourceVersion: live.metadata.resourceVersion },
  });
};

/** An owner in foreground deletion: wait for the blocking dependents, then drop the finalizer. */
const processDeletingDependents = async (item: GraphNode, live: ApiObject, d: AttemptDeps): Promise<void> => {
  const blocking = d.graph.dependentsOf(item.uid)
    .filter((dep) => dep.owners.some((r) => r.uid === item.uid && r.blockOwnerDeletion === true));
  if (blocking.length === 0) {
    await removeFinalizer(item, live, finalizerForeground, d);
    return;
  }
  d.log.v(2, 'waiting for blocking dependents', { item: describe(item), blocking: blocking.length });
  for (const dep of blocking) if (!dep.deletionTimestamp) d.enqueueDelete(dep.uid);
};

/**
 * Nothing to do without asking the API server: every owner is in the caches with the uid
 * referenced and none is being deleted (a later delete or change of one re-queues the item).
 */
const ownersSettled = (item: GraphNode, graph: Graph): boolean => !item.deletionTimestamp && item.owners.length > 0 &&
  item.owners.every((r) => { const o = graph.get(r.uid); return o !== undefined && !o.deletionTimestamp; });

/** attemptToDeleteItem: collect the object if none of its owners is a solid one. */
export const attemptToDelete = async (uid: string, d: AttemptDeps): Promise<void> => {
  const item = d.graph.get(uid);
  if (!item || ownersSettled(item, d.graph)) return;
  const live = await d.access.get(item.info, item.namespace, item.name);
  if (!live || live.metadata.uid !== uid) return; // gone: its delete event updates the graph
  const finalizers = live.metadata.finalizers ?? [];
  if (live.metadata.deletionTimestamp && !finalizers.includes(finalizerForeground)) return; // someone is deleting it already
  if (live.metadata.deletionTimestamp) {
    await processDeletingDependents(item, live, d);
    return;
  }
  const refs = live.metadata.ownerReferences ?? [];
  if (refs.length === 0) return;
  const c = await classifyReferences(item, refs, d);
  if (c.solid.length > 0) {
    // Still owned: only drop the references to owners that are gone or waiting on us.
    const drop = new Set([...c.dangling, ...c.waiting].map((r) => r.uid));
    if (drop.size > 0) await removeReferences(item, live, drop, d);
    return;
  }
  if (c.waiting.length > 0 && d.graph.dependentsOf(uid).length > 0) {
    // Its own dependents must go first as well: delete it in the foreground too.
    await deleteItem(item, live, 'Foreground', d);
    return;
  }
  const policy = finalizers.includes(finalizerOrphan) ? 'Orphan' : finalizers.includes(finalizerForeground) ? 'Foreground' : 'Background';
  await deleteItem(item, live, policy, d);
};

/** attemptToOrphan: an owner deleted with Orphan releases its dependents, then its finalizer. */
export const attemptToOrphan = async (uid: string, d: AttemptDeps): Promise<void> => {
  const item = d.graph.get(uid);
  if (!item) return;
  const live = await d.access.get(item.info, item.namespace, item.name);
  if (!live || live.metadata.uid !== uid) return;
  if (!live.metadata.deletionTimestamp || !(live.metadata.finalizers ?? []).includes(finalizerOrphan)) return;
  const owner = new Set([uid]);
  for (const dep of d.graph.dependentsOf(uid)) {
    const depLive = await d.access.get(dep.info, dep.namespace, dep.name);
    if (depLive && depLive.metadata.uid === dep.uid) await removeReferences(dep, depLive, owner, d);
  }
  await removeFinalizer(item, live, finalizerOrphan, d);
};
