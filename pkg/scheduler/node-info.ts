// NodeInfo: a node plus the pods the scheduler believes run on it (bound and assumed), with
// their summed requests (upstream framework.NodeInfo in pkg/scheduler/framework/types.go).
import { milliValue, quantityValue } from '../apimachinery';
import { computePodRequests, emptyResource, type Resource } from './resource';

import type { ApiPod, ApiNode, Node, Pod } from '../../api/core/v1';
export type { ApiPod, ApiNode };
export const toApiPod = (p: Pod): ApiPod => ({ ...p, metadata: p.metadata ?? {} });

export interface Allocatable extends Resource { pods: number }

/** `namespace/name`, the key the queue and the cache use for a pod. */
export const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;

/** Upstream falls back to capacity when allocatable is not reported. */
export const nodeAllocatable = (node: Node): Allocatable => {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    milliCPU: list.cpu !== undefined ? milliValue(list.cpu) : 0,
    memory: list.memory !== undefined ? quantityValue(list.memory) : 0,
    pods: list.pods !== undefined ? quantityValue(list.pods) : 0,
  };
};

interface PodEntry { pod: Pod; requests: Resource; nonZero: Resource }

export class NodeInfo {
  private readonly entries = new Map<string, PodEntry>();
  /** Sum of the pods' requests (what NodeResourcesFit compares with allocatable). */
  requested: Resource = emptyResource();
  /** Same, with upstream's defaults for missing requests (what scoring uses). */
  nonZeroRequested: Resource = emptyResource();
  allocatable: Allocatable;

  constructor(private current: Node, pods: Pod[] = []) {
    this.allocatable = nodeAllocatable(current);
    for (const p of pods) this.addPod(p);
  }

  get node(): Node { return this.current; }

  /** A newer version of the node (status heartbeat, cordon, new allocatable). */
  setNode(node: Node): void {
    this.current = node;
    this.allocatable = nodeAllocatable(node);
  }

  get name(): string { return this.node.metadata?.name ?? ''; }
  get pods(): Pod[] { return [...this.entries.values()].map((e) => e.pod); }
  get podCount(): number { return this.entries.size; }

  /** Adds (or replaces) a pod and its requests. */
  addPod(pod: Pod): void {
    this.removePod(pod);
    const entry = { pod, requests: computePodRequests(pod), nonZero: computePodRequests(pod, { nonZero: true }) };
    this.entries.set(podKey(pod), entry);
    this.requested = addRes(this.requested, entry.requests, 1);
    this.nonZeroRequested = addRes(this.nonZeroRequested, entry.nonZero, 1);
  }

  removePod(pod: Pod): boolean {
    const key = podKey(pod);
    const old = this.entries.get(key);
    if (!old) return false;
    this.entries.delete(key);
    this.requested = addRes(this.requested, old.requests, -1);
    this.nonZeroRequested = addRes(this.nonZeroRequested, old.nonZero, -1);
    return true;
  }

  /** A copy for one scheduling cycle, so later cache changes do not shift it under the plugins. */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const [k, e] of this.entries) c.entries.set(k, e);
    c.requested = { ...this.requested };
    c.nonZeroRequested = { ...this.nonZeroRequested };
    return c;
  }
}

const addRes = (a: Resource, b: Resource, sign: 1 | -1): Resource =>
  ({ milliCPU: a.milliCPU + sign * b.milliCPU, memory: a.memory + sign * b.memory });
