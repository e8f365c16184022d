// The scheduler's view of the cluster (upstream internal/cache/cache.go): nodes, the pods bound
// to them from the informer, and the pods this scheduler has *assumed* onto a node but whose
// binding the informer has not yet confirmed. Counting assumed pods is what lets the next
// cycle start at once instead of waiting for our own bindings (optimistic binding).
import type { Node, Pod } from '../../api/core/v1';
import { NodeInfo, podKey } from './node-info';

interface PodState { pod: Pod; nodeName: string; assumed: boolean; bindingFinished: boolean }

const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class SchedulerCache {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();

  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const existing = this.nodeInfos.get(name);
    if (existing) { existing.setNode(node); return; }
    // Pods may have arrived before their node (two informers, no ordering between them).
    const pods = [...this.podStates.values()].filter((s) => s.nodeName === name).map((s) => s.pod);
    this.nodeInfos.set(name, new NodeInfo(node, pods));
  }

  updateNode(_old: Node | undefined, node: Node): void { this.addNode(node); }

  /** The node's pods stay known: if the node comes back, they are still on it. */
  removeNode(node: Node): void { this.nodeInfos.delete(node.metadata?.name ?? ''); }

  /** A pod bound to a node, seen by the informer; confirms an assumed pod. */
  addPod(pod: Pod): void {
    if (isTerminal(pod)) { this.removePod(pod); return; }
    const key = podKey(pod);
    const old = this.podStates.get(key);
    if (old) this.nodeInfos.get(old.nodeName)?.removePod(old.pod);
    const nodeName = pod.spec?.nodeName ?? '';
    this.podStates.set(key, { pod, nodeName, assumed: false, bindingFinished: true });
    this.nodeInfos.get(nodeName)?.addPod(pod);
  }

  updatePod(_old: Pod | undefined, pod: Pod): void { this.addPod(pod); }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const old = this.podStates.get(key);
    if (!old) return;
    this.nodeInfos.get(old.nodeName)?.removePod(old.pod);
    this.podStates.delete(key);
  }

  /** Counts the pod on `nodeName` from now on, before the binding is even sent. */
  assumePod(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is already in the cache, so can't be assumed`);
    const assumed: Pod = { ...pod, spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName } };
    this.podStates.set(key, { pod: assumed, nodeName, assumed: true, bindingFinished: false });
    this.nodeInfos.get(nodeName)?.addPod(assumed);
  }

  finishBinding(pod: Pod): void {
    const s = this.podStates.get(podKey(pod));
    if (s?.assumed) s.bindingFinished = true;
  }

  /** The binding failed: the pod no longer counts against its node. Confirmed pods are left alone. */
  forgetPod(pod: Pod): void {
    const s = this.podStates.get(podKey(pod));
    if (!s?.assumed) return;
    this.removePod(s.pod);
  }

  isAssumed(key: string): boolean { return this.podStates.get(key)?.assumed ?? false; }

  nodeCount(): number { return this.nodeInfos.size; }

  /** Copies of every node's info for one cycle. */
  snapshot(): NodeInfo[] {
    return [...this.nodeInfos.values()].map((n) => n.clone());
  }
}
