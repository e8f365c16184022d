// The garbage collector (k8s pkg/controller/garbagecollector): one informer ("monitor") per
// resource that can own or be owned feeds the graph; graph changes queue uids for
// attemptToDelete (objects whose owners may be gone or waiting, owners in foreground deletion)
// and attemptToOrphan (owners deleted with the orphan finalizer); workers act on live state.
// Level-triggered and restartable: after a restart the monitors' initial lists re-queue every
// object with owners, and each is checked against the API server before anything is deleted.
import type { ApiObject } from '../../../api/meta/v1';
import { resources, type ResourceInfo } from '../../../api/resources';
import { isConflict } from '../../apimachinery/errors';
import { objectFromDeleted, createWorkQueue, realClock, type Clock, type ControllerMetrics, type Informer, type RateLimitedWorkQueue } from '../../client';
import type { Logger } from '../../log';
import type { ObjectAccess } from './access';
import { AbsentOwnerCache, attemptToDelete, attemptToOrphan, type AttemptDeps } from './attempt';
import { Graph, finalizerOrphan, isDeletingDependents, type GraphNode } from './graph';

export const controllerName = 'garbagecollector';

export interface Monitor {
  info: ResourceInfo;
  informer: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync'>;
}

export interface GarbageCollectorDeps {
  monitors: Monitor[];
  access: ObjectAccess;
  log: Logger;
  clock?: Clock;
  /** Workers of the attemptToDelete queue (upstream --concurrent-gc-syncs, 20); orphaning gets one. */
  workers?: number;
  metrics?: ControllerMetrics;
}

export interface GarbageCollector {
  readonly name: string;
  readonly queue: RateLimitedWorkQueue;
  readonly orphanQueue: RateLimitedWorkQueue;
  readonly graph: Graph;
  /** Waits for every monitor to sync, runs the workers, and resolves after `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** Upstream ignores events; a resource served at two versions is watched once. */
export const gcResources = (all: readonly ResourceInfo[] = resources): ResourceInfo[] => {
  const seen = new Set<string>();
  return all.filter((r) => {
    const id = `${r.group}/${r.plural}`;
    if (r.plural === 'events' || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
};

/** The graph builder's reaction to one change (processGraphChanges). */
const graphChanges = (graph: Graph, deletes: RateLimitedWorkQueue, orphans: RateLimitedWorkQueue) => {
  const enqueueIfWaiting = (uid: string) => {
    const owner = graph.get(uid);
    if (owner && isDeletingDependents(owner)) deletes.add(uid);
  };
  const ownerMissingOrDeleting = (n: GraphNode) => n.owners.some((r) => {
    const owner = graph.get(r.uid);
    return !owner || !!owner.deletionTimestamp;
  });
  const upsert = (info: ResourceInfo, obj: ApiObject) => {
    if (!obj.metadata.uid) return;
    const { old, node } = graph.upsert(info, obj);
    if (ownerMissingOrDeleting(node)) deletes.add(node.uid);
    // A reference dropped or no longer blocking may be what a foreground owner waits for.
    for (const r of old?.owners ?? []) enqueueIfWaiting(r.uid);
    if (node.deletionTimestamp && node.finalizers.includes(finalizerOrphan)) orphans.add(node.uid);
    if (isDeletingDependents(node)) {
      deletes.add(node.uid);
      for (const dep of graph.dependentsOf(node.uid)) deletes.add(dep.uid);
    }
  };
  const remove = (obj: ApiObject) => {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const old = graph.remove(uid);
    for (const dep of graph.dependentsOf(uid)) deletes.add(dep.uid);
    for (const r of old?.owners ?? obj.metadata.ownerReferences ?? []) enqueueIfWaiting(r.uid);
  };
  return { upsert, remove };
};

export const newGarbageCollector = (d: GarbageCollectorDeps): GarbageCollector => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const graph = new Graph();
  const queue = createWorkQueue({ clock });
  const orphanQueue = createWorkQueue({ clock });
  const changes = graphChanges(graph, queue, orphanQueue);
  for (const m of d.monitors) {
    m.informer.addEventHandler({
      add: (o) => changes.upsert(m.info, o),
      update: (_, n) => changes.upsert(m.info, n),
      delete: (o) => changes.remove(objectFromDeleted(o)),
    });
  }
  const deps: AttemptDeps = { graph, access: d.access, enqueueDelete: (uid) => queue.add(uid), absentOwners: new AbsentOwnerCache(), log };

  const worker = async (q: RateLimitedWorkQueue, what: string, step: (uid: string, deps: AttemptDeps) => Promise<void>, signal: AbortSignal) => {
    for (let uid = await q.get(); uid !== undefined; uid = await q.get()) {
      const started = clock.now();
      try {
        await step(uid, deps);
        q.forget(uid);
        d.metrics?.reconciled(controllerName, 'success', (clock.now() - started) / 1000);
      } catch (err) {
        d.metrics?.reconciled(controllerName, 'error', (clock.now() - started) / 1000);
        if (!signal.aborted) {
          if (isConflict(err)) log.v(2, `${what}: conflict, retrying`, { uid, error: err });
          else log.warn(`${what} failed, retrying`, { uid, error: err, requeues: q.numRequeues(uid) });
          q.addRateLimited(uid);
        }
      } finally {
        q.done(uid);
      }
    }
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    const stop = () => { queue.shutDown(); orphanQueue.shutDown(); };
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all(d.monitors.map((m) => m.informer.waitForSync(signal)));
      if (signal.aborted) return;
      log.info('graph synced, collecting', { monitors: d.monitors.length, objects: graph.size });
      const n = d.workers ?? 5;
      await Promise.all([
        ...Array.from({ length: n }, () => worker(queue, 'attemptToDelete', attemptToDelete, signal)),
        worker(orphanQueue, 'attemptToOrphan', attemptToOrphan, signal),
      ]);
    } finally {
      signal.removeEventListener('abort', stop);
      stop();
    }
  };
  return { name: controllerName, queue, orphanQueue, graph, run };
};
