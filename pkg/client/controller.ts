// The controller runner (controller-runtime builder + k8s replica_set.go worker loop): informer
// events only enqueue keys — the primary object's own key, or an owned object's controller
// owner's key — and N workers reconcile one key at a time. A thrown error requeues the key with
// per-key back-off; success forgets the back-off; `{ requeueAfterMs }` asks for a timed re-check;
// terminal(err) is logged and not retried.
import type { ApiObject, OwnerReference } from '../../api/meta/v1';
import { isConflict } from '../apimachinery/errors';
import type { Logger } from '../log';
import { realClock, type Clock } from './clock';
import { metaNamespaceKey } from './cache';
import { objectFromDeleted } from './tombstone';
import { createWorkQueue, type RateLimitedWorkQueue } from './workqueue';
import type { Informer } from './types';

export type ReconcileResult = void | { requeueAfterMs: number };
export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;

/** An error retrying cannot fix (bad input): logged, then the key is dropped until its next event. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  readonly code = 'BERTH_ERR_TERMINAL';
}
export const terminal = (err: unknown): TerminalError =>
  new TerminalError(err instanceof Error ? err.message : String(err), { cause: err });

export type ReconcileOutcome = 'success' | 'requeue' | 'error';
export interface ControllerMetrics {
  reconciled(controller: string, outcome: ReconcileOutcome, seconds: number): void;
}

export interface OwnedResource {
  // Informer<T> is invariant in T through its handlers; owned informers are only read as ApiObject.
  informer: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync'>;
  ownerKind: string;
}

export interface ControllerOptions<T extends ApiObject> {
  name: string;
  informer: Pick<Informer<T>, 'addEventHandler' | 'waitForSync'>;
  owns?: OwnedResource[];
  workers?: number;
  reconcile: Reconciler;
  log: Logger;
  clock?: Clock;
  /** Defaults to a work queue with 5ms..60s back-off on `clock`. */
  queue?: RateLimitedWorkQueue;
  metrics?: ControllerMetrics;
}

export interface Controller {
  readonly name: string;
  readonly queue: RateLimitedWorkQueue;
  /** Waits for the informers to sync, runs the workers, and resolves after `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** The reference a controller puts on what it creates (metav1.NewControllerRef). */
export const newControllerRef = (owner: ApiObject, apiVersion: string, kind: string): OwnerReference => ({
  apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true,
});

/** The owner reference with controller=true, if any (metav1.GetControllerOf). */
export const controllerRef = (obj: ApiObject): OwnerReference | undefined =>
  obj.metadata.ownerReferences?.find((r) => r.controller === true);

const ownerKey = (obj: ApiObject, ownerKind: string): string | undefined => {
  const ref = controllerRef(obj);
  if (!ref || ref.kind !== ownerKind) return undefined;
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : ref.name;
};

export const defineController = <T extends ApiObject>(opts: ControllerOptions<T>): Controller => {
  const clock = opts.clock ?? realClock;
  const log = opts.log.child(opts.name);
  const queue = opts.queue ?? createWorkQueue({ clock });
  const enqueue = (key: string | undefined) => { if (key) queue.add(key); };

  opts.informer.addEventHandler({
    add: (o) => enqueue(metaNamespaceKey(o)),
    update: (_, n) => enqueue(metaNamespaceKey(n)),
    delete: (o) => enqueue(metaNamespaceKey(objectFromDeleted(o))),
  });
  for (const { informer, ownerKind } of opts.owns ?? []) {
    informer.addEventHandler({
      add: (o) => enqueue(ownerKey(o, ownerKind)),
      // A changed controller ref means both the old and the new owner must look again.
      update: (o, n) => { enqueue(ownerKey(o, ownerKind)); enqueue(ownerKey(n, ownerKind)); },
      delete: (o) => enqueue(ownerKey(objectFromDeleted(o), ownerKind)),
    });
  }

  const reconcileOne = async (key: string, signal: AbortSignal): Promise<void> => {
    const started = clock.now();
    const seconds = () => (clock.now() - started) / 1000;
    try {
      const result = await opts.reconcile(key, signal);
      queue.forget(key);
      if (result && result.requeueAfterMs > 0) queue.addAfter(key, result.requeueAfterMs);
      opts.metrics?.reconciled(opts.name, result ? 'requeue' : 'success', seconds());
      log.v(4, 'reconciled', { key, ms: clock.now() - started });
    } catch (err) {
      opts.metrics?.reconciled(opts.name, 'error', seconds());
      if (signal.aborted) return; // cancelled, not failed
      if (err instanceof TerminalError) {
        queue.forget(key);
        log.error('reconcile failed permanently', { key, error: err });
        return;
      }
      // A conflict only means the cache was behind our own last write: expected, requeue quietly.
      if (isConflict(err)) log.v(2, 'conflict, requeuing', { key, error: err });
      else log.error('reconcile failed, requeuing', { key, error: err, requeues: queue.numRequeues(key) });
      queue.addRateLimited(key);
    }
  };

  const worker = async (signal: AbortSignal): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await reconcileOne(key, signal);
      } finally {
        queue.done(key);
      }
    }
  };

  return {
    name: opts.name,
    queue,
    async run(signal) {
      signal.addEventListener('abort', () => queue.shutDown(), { once: true });
      const informers = [opts.informer, ...(opts.owns ?? []).map((o) => o.informer)];
      await Promise.all(informers.map((i) => i.waitForSync(signal)));
      if (signal.aborted) { queue.shutDown(); return; }
      const workers = opts.workers ?? 1;
      log.info('caches synced, starting workers', { workers });
      await Promise.all(Array.from({ length: workers }, () => worker(signal)));
      log.info('stopped');
    },
  };
};
