// The garbage collector's dependency graph (k8s garbagecollector/graph.go, uidToNode): every
// object the monitors see, by uid, with its owner references, plus the reverse index from an
// owner's uid to the uids of the objects that name it. Owners that are referenced but not (yet)
// seen have no node: the collector always asks the API server before acting on an absence.
import type { ApiObject, OwnerReference } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';

export const finalizerOrphan = 'orphan';
export const finalizerForeground = 'foregroundDeletion';

export interface ObjectIdentity { info: ResourceInfo; namespace: string; name: string; uid: string }

export interface GraphNode extends ObjectIdentity {
  owners: readonly OwnerReference[];
  deletionTimestamp?: string;
  finalizers: readonly string[];
}

export const nodeOf = (info: ResourceInfo, obj: ApiObject): GraphNode => ({
  info,
  namespace: obj.metadata.namespace ?? '',
  name: obj.metadata.name ?? '',
  uid: obj.metadata.uid ?? '',
  owners: obj.metadata.ownerReferences ?? [],
  deletionTimestamp: obj.metadata.deletionTimestamp ?? undefined,
  finalizers: obj.metadata.finalizers ?? [],
});

export const isDeletingDependents = (n: Pick<GraphNode, 'deletionTimestamp' | 'finalizers'>): boolean =>
  !!n.deletionTimestamp && n.finalizers.includes(finalizerForeground);

export const describe = (n: ObjectIdentity): string =>
  `${n.info.plural}${n.info.group ? `.${n.info.group}` : ''} ${n.namespace ? `${n.namespace}/` : ''}${n.name} (${n.uid})`;

export class Graph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get size(): number { return this.nodes.size; }
  get(uid: string): GraphNode | undefined { return this.nodes.get(uid); }

  /** Adds or replaces the node of `obj`; returns the node it replaced. */
  upsert(info: ResourceInfo, obj: ApiObject): { old?: GraphNode; node: GraphNode } {
    const node = nodeOf(info, obj);
    const old = this.nodes.get(node.uid);
    this.nodes.set(node.uid, node);
    for (const r of old?.owners ?? []) this.unlink(r.uid, node.uid);
    for (const r of node.owners) this.link(r.uid, node.uid);
    return { old, node };
  }

  /** Removes the node; objects that name it keep their entries in the reverse index. */
  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.nodes.delete(uid);
    for (const r of old.owners) this.unlink(r.uid, uid);
    return old;
  }

  /** The known objects whose ownerReferences name `ownerUid`. */
  dependentsOf(ownerUid: string): GraphNode[] {
    return [...(this.dependents.get(ownerUid) ?? [])].map((u) => this.nodes.get(u)).filter((n): n is GraphNode => n !== undefined);
  }

  private link(owner: string, dependent: string): void {
    let set = this.dependents.get(owner);
    if (!set) this.dependents.set(owner, (set = new Set()));
    set.add(dependent);
  }

  private unlink(owner: string, dependent: string): void {
    const set = this.dependents.get(owner);
    if (!set) return;
    set.delete(dependent);
    if (set.size === 0) this.dependents.delete(owner);
  }
}
