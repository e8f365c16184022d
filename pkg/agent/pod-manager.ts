// Ties the pod informer to the pod workers: events keep a map of the pods bound here by UID and
// wake that pod's worker; the worker syncs, terminates (deletionTimestamp) or tears down (gone
// from the API) the pod; housekeeping hands orphaned runtime pods to workers too.
import type { EventHandler, Informer, ResourceClient } from '../client/types';
import { objectFromDeleted } from '../client/tombstone';
import { admitPod, rejectedStatus, type NodeAllocatable } from './admission';
import { Backoff } from './backoff';
import { delay } from './clock';
import type { AgentMetrics } from './metrics';
import { syncPod, type SyncDeps } from './pod-sync';
import { killPod, runtimePodUIDs, terminatePod, gracePeriodOf } from './pod-teardown';
import { isTerminalPhase, podDesc, type ApiPod } from './pod-util';
import { PodWorkers } from './pod-workers';
import { ProbeManager } from './probe-manager';
import { StatusManager } from './status-manager';

export const housekeepingMs = 10_000;
/** Upstream's minimum grace for pods that vanished from the API (force deletes). */
const minimumGracePeriodSeconds = 2;

export interface PodManagerDeps extends Omit<SyncDeps, 'statusManager' | 'backoff' | 'probes'> {
  pods: ResourceClient<ApiPod>;
  informer: Informer<ApiPod>;
  allocatable: NodeAllocatable;
  metrics?: AgentMetrics;
}

export class PodManager {
  private podsByUID = new Map<string, ApiPod>();
  /** Last known pod per UID, kept after it leaves the API so its teardown knows the grace period. */
  private lastKnown = new Map<string, ApiPod>();
  private admitted = new Set<string>();
  private rejected = new Set<string>();
  private statusManager: StatusManager;
  private backoff: Backoff;
  readonly workers: PodWorkers;
  readonly probes: ProbeManager;

  constructor(private d: PodManagerDeps) {
    this.statusManager = new StatusManager(d.pods, d.log);
    this.backoff = new Backoff(d.clock);
    this.workers = new PodWorkers((uid) => this.timedSync(uid), d.clock, d.log, (n) => d.metrics?.podWorkers.set(n));
    this.probes = new ProbeManager({ clock: d.clock, log: d.log.child('prober'), recorder: d.recorder, exec: d.exec, onChange: (uid) => this.workers.enqueue(uid) });
  }

  readonly handler: EventHandler<ApiPod> = {
    add: (p) => this.upsert(p),
    update: (_old, p) => this.upsert(p),
    delete: (deleted) => {
      const uid = objectFromDeleted(deleted).metadata.uid ?? '';
      this.podsByUID.delete(uid);
      this.workers.enqueue(uid);
    },
  };

  private upsert(p: ApiPod): void {
    const uid = p.metadata.uid ?? '';
    this.podsByUID.set(uid, p);
    this.lastKnown.set(uid, p);
    this.workers.enqueue(uid);
  }

  private async timedSync(uid: string): Promise<number | undefined> {
    const end = this.d.metrics?.podSyncDuration.startTimer({ operation: 'sync' });
    try {
      return await this.syncOne(uid);
    } finally {
      end?.();
    }
  }

  /** One pass for one pod UID; undefined ends its worker. */
  async syncOne(uid: string): Promise<number | undefined> {
    const pod = this.podsByUID.get(uid);
    if (!pod) {
      const last = this.lastKnown.get(uid);
      await killPod(uid, Math.max(minimumGracePeriodSeconds, last ? gracePeriodOf(last) : minimumGracePeriodSeconds), this.d);
      this.forget(uid);
      return undefined;
    }
    if (pod.metadata.deletionTimestamp) {
      this.probes.removePod(uid);
      await terminatePod(pod, this.d.pods, this.d);
      return this.d.resyncMs;   // the informer's delete event ends the worker
    }
    if (this.rejected.has(uid) || !(await this.admit(pod))) return this.d.resyncMs;
    return syncPod(pod, { ...this.d, statusManager: this.statusManager, backoff: this.backoff, probes: this.probes });
  }

  /** Admits a pod the first time it is seen unless it already started (an agent restart must not reject running pods). */
  private async admit(pod: ApiPod): Promise<boolean> {
    const uid = pod.metadata.uid ?? '';
    if (this.admitted.has(uid) || pod.status?.startTime || isTerminalPhase(pod.status?.phase)) {
      this.admitted.add(uid);
      return true;
    }
    const others = [...this.podsByUID.values()].filter((p) => this.admitted.has(p.metadata.uid ?? '') && !isTerminalPhase(p.status?.phase));
    const rejection = admitPod(pod, others, this.d.allocatable);
    if (!rejection) {
      this.admitted.add(uid);
      return true;
    }
    this.rejected.add(uid);
    this.d.log.warn('rejected pod', { pod: podDesc(pod), reason: rejection.reason });
    this.d.recorder?.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', rejection.reason, rejection.message);
    await this.statusManager.setStatus(pod, rejectedStatus(pod, rejection, this.d.clock.now()));
    return false;
  }

  private forget(uid: string): void {
    this.probes.removePod(uid);
    this.lastKnown.delete(uid);
    this.admitted.delete(uid);
    this.rejected.delete(uid);
    this.statusManager.forget(uid);
    this.backoff.resetPrefix(`${uid}/`);
    this.backoff.resetPrefix(`pull/${uid}/`);
    this.backoff.reset(`sandbox/${uid}`);
  }

  /** Hands runtime pods (and pod directories) the API no longer knows (deleted while the agent was down) to workers. */
  async housekeeping(): Promise<void> {
    if (!this.d.informer.hasSynced()) return;
    const uids = new Set([...await runtimePodUIDs(this.d.runtime), ...(this.d.volumes?.podUIDs() ?? [])]);
    for (const uid of uids) {
      if (!this.podsByUID.has(uid) && !this.workers.has(uid)) {
        this.d.log.info('tearing down orphaned pod', { uid });
        this.workers.enqueue(uid);
      }
    }
  }

  /** Runs housekeeping until `signal` aborts, then stops the workers (pods keep running). */
  async run(signal: AbortSignal): Promise<void> {
    await this.d.informer.waitForSync(signal).catch((err: unknown) => {
      if (!signal.aborted) throw err;
    });
    while (!signal.aborted) {
      await this.housekeeping().catch((err: unknown) => this.d.log.warn('housekeeping failed', { err }));
      await delay(this.d.clock, housekeepingMs, signal);
    }
    this.probes.stopAll();
    await this.workers.stop();
  }
}
