// The node's heartbeat Lease (kubelet pkg/kubelet/nodelease + component-helpers lease
// controller): kube-node-lease/<node>, holderIdentity = the node, leaseDurationSeconds 40,
// renewTime moved every 10 s (a quarter of the duration). The Lease is owned by the Node, so
// deleting the Node collects it. A renewal first writes over the last Lease it wrote (one PUT);
// if that conflicts or the Lease is gone it re-reads or re-creates it, backing off from 100 ms
// to 7 s between failed attempts, as the kubelet does. The Lease, not the Node's status, is the
// liveness signal, which is why node status reports drop to every 5 minutes (./node.ts).
import type { ApiLease } from '../../api/coordination/v1';
import { findResource, type ResourceInfo } from '../../api/resources';
import { isAlreadyExists, isConflict, isNotFound } from '../apimachinery/errors';
import { microTime, type ResourceClient } from '../client';
import type { Logger } from '../log';
import { delay, type Clock } from './clock';

export const nodeLeaseNamespace = 'kube-node-lease';
export const nodeLeaseDurationSeconds = 40;
export const nodeLeaseRenewIntervalMs = 10_000;
const initialBackoffMs = 100;
const maxBackoffMs = 7_000;

export const leasesInfo = (): ResourceInfo => {
  const info = findResource('coordination.k8s.io', 'v1', 'leases');
  if (!info) throw new Error('coordination.k8s.io/v1 leases are not in api/resources.ts');
  return info;
};

export interface NodeLeaseDeps { leases: ResourceClient<ApiLease>; clock: Clock; log: Logger }

/** The Lease as the kubelet writes it, keeping what `base` holds (resourceVersion, other fields). */
export const desiredNodeLease = (nodeName: string, nodeUID: string | undefined, now: number, base?: ApiLease): ApiLease => {
  const owned = base?.metadata.ownerReferences?.some((r) => r.kind === 'Node' && r.name === nodeName);
  const ownerReferences = !owned && nodeUID
    ? [...(base?.metadata.ownerReferences ?? []), { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUID }]
    : base?.metadata.ownerReferences;
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    ...base,
    metadata: { ...base?.metadata, name: nodeName, namespace: nodeLeaseNamespace, ...(ownerReferences ? { ownerReferences } : {}) },
    spec: { ...base?.spec, holderIdentity: nodeName, leaseDurationSeconds: nodeLeaseDurationSeconds, renewTime: microTime(now) },
  };
};

/** Gets the Lease and writes a renewed copy, creating it if missing. */
const ensureLease = async (nodeName: string, nodeUID: string | undefined, d: NodeLeaseDeps): Promise<ApiLease> => {
  let cur: ApiLease;
  try {
    cur = await d.leases.get(nodeLeaseNamespace, nodeName);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const created = await d.leases.create(nodeLeaseNamespace, desiredNodeLease(nodeName, nodeUID, d.clock.now()));
    d.log.info('created node lease', { lease: `${nodeLeaseNamespace}/${nodeName}` });
    return created;
  }
  return d.leases.update(nodeLeaseNamespace, desiredNodeLease(nodeName, nodeUID, d.clock.now(), cur));
};

/** One renewal: over the last Lease written when there is one, else (or on conflict/NotFound) by re-reading. */
export const renewNodeLease = async (nodeName: string, nodeUID: string | undefined, d: NodeLeaseDeps, latest?: ApiLease): Promise<ApiLease> => {
  if (latest) {
    try {
      return await d.leases.update(nodeLeaseNamespace, desiredNodeLease(nodeName, nodeUID, d.clock.now(), latest));
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
      d.log.v(2, 'node lease changed or went away, re-reading', { error: err });
    }
  }
  try {
    return await ensureLease(nodeName, nodeUID, d);
  } catch (err) {
    if (isAlreadyExists(err) || isConflict(err)) return ensureLease(nodeName, nodeUID, d); // raced a concurrent writer once
    throw err;
  }
};

/** Renews until `signal` aborts: every 10 s, and after a failure again after 100 ms … 7 s. */
export const runNodeLeaseLoop = async (nodeName: string, d: NodeLeaseDeps, signal: AbortSignal, nodeUID: () => string | undefined): Promise<void> => {
  let latest: ApiLease | undefined;
  let backoff = initialBackoffMs;
  let failing = false;
  while (!signal.aborted) {
    try {
      latest = await renewNodeLease(nodeName, nodeUID(), d, latest);
      if (failing) d.log.info('node lease renewed again', { lease: `${nodeLeaseNamespace}/${nodeName}` });
      [failing, backoff] = [false, initialBackoffMs];
      await delay(d.clock, nodeLeaseRenewIntervalMs, signal);
    } catch (err) {
      if (signal.aborted) break;
      if (!failing) d.log.warn('failed to renew node lease, backing off', { lease: `${nodeLeaseNamespace}/${nodeName}`, error: err });
      [failing, latest] = [true, undefined];
      await delay(d.clock, backoff, signal);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }
};
