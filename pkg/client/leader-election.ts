// Leader election on a coordination.k8s.io/v1 Lease (client-go tools/leaderelection
// leaderelection.go + resourcelock/leaselock.go). A candidate tries every retryPeriod (with
// jitter) to take the Lease: it may when nobody holds it, or when the record it last saw has
// not changed for leaseDuration *by its own clock* (no trust in the holder's clock). Every
// write carries the read resourceVersion, so two candidates can never both win. The leader
// renews every retryPeriod; if it cannot renew within renewDeadline it stops leading
// (the component then exits, as upstream's "leaderelection lost", and is restarted). On
// shutdown the work is stopped first, then the Lease is released — holderIdentity cleared —
// so another replica takes over at once instead of after leaseDuration.
// Observability as client-go: a leader renews optimistically with the record it last wrote (the
// fast path, no GET) and counts every fall-back to GET-then-update (the slow path) in
// leader_election_slowpath_total; leader_election_master_status is 1 while leading; and
// check()/LeaderHealthzAdaptor turn a leader that has not renewed for leaseDuration + a tolerance
// into a failing /healthz, so a wedged leader is restarted rather than silently blocking others.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ApiLease, LeaseSpec } from '../../api/coordination/v1';
import type { ResourceRef } from '../../api/resources';
import { isConflict, isNotFound } from '../apimachinery/errors';
import type { Logger } from '../log';
import { realClock, sleep, type Clock } from './clock';
import { createClient } from './rest';
import type { Client, ResourceClient } from './types';

export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Upstream's defaults for kube-controller-manager and kube-scheduler. */
export const defaultLeaderElectionTimings: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** wait.JitterUntil's factor for candidates: each retry waits retryPeriod × [1, 2.2). */
const JITTER_FACTOR = 1.2;

export interface LeaderElectorOptions extends Partial<LeaderElectionTimings> {
  client: Client;
  namespace: string;
  name: string;
  /** Default `<hostname>_<uuid>`, as kube-controller-manager. */
  identity?: string;
  /** Clear holderIdentity on shutdown (default true). */
  releaseOnCancel?: boolean;
  /** Runs while leading; its signal aborts when leadership ends or the elector's signal aborts. */
  onStartedLeading: (signal: AbortSignal) => Promise<void>;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  metrics?: LeaderElectionMetrics;
}

/** The elector's metrics hooks (client-go leaderelection metrics.go); leader-election-metrics.ts binds them to prom-client. */
export interface LeaderElectionMetrics {
  leaderOn(name: string): void;
  leaderOff(name: string): void;
  slowpathExercised(name: string): void;
}

/** How leading ended: shut down by the caller, or the Lease could not be renewed in time. */
export type LeaderElectionOutcome = 'cancelled' | 'lost';

export interface LeaderElector {
  readonly identity: string;
  isLeader(): boolean;
  /** The holder last observed ('' if none). */
  getLeader(): string;
  /**
   * undefined while healthy; a reason when this process believes it leads but its Lease has gone
   * unrenewed for more than leaseDuration + maxTolerableExpiredLeaseMs (client-go Check).
   */
  check(maxTolerableExpiredLeaseMs: number): string | undefined;
  /** Campaigns, leads, and resolves once leading has ended and the Lease is released. Rethrows a failure of onStartedLeading. */
  run(signal: AbortSignal): Promise<LeaderElectionOutcome>;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export const defaultIdentity = (): string => `${os.hostname()}_${randomUUID()}`;

/** coordination.k8s.io/v1 leases (as in api/resources.ts; leader-election.test.ts checks they agree). */
export const leasesRef: ResourceRef = {
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', listKind: 'LeaseList', plural: 'leases', namespaced: true,
};

export const createLeaderElector = (opts: LeaderElectorOptions): LeaderElector => {
  const t: LeaderElectionTimings = {
    leaseDurationMs: opts.leaseDurationMs ?? defaultLeaderElectionTimings.leaseDurationMs,
    renewDeadlineMs: opts.renewDeadlineMs ?? defaultLeaderElectionTimings.renewDeadlineMs,
    retryPeriodMs: opts.retryPeriodMs ?? defaultLeaderElectionTimings.retryPeriodMs,
  };
  if (!(t.leaseDurationMs > t.renewDeadlineMs && t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) {
    throw new Error('leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod');
  }
  const clock = opts.clock ?? realClock;
  const identity = opts.identity ?? defaultIdentity();
  const lockName = `${opts.namespace}/${opts.name}`;
  const log = opts.log.child('leader-election');
  const leases: ResourceClient<ApiLease> = opts.client.resource<ApiLease>(leasesRef);
  let observed: ApiLease | undefined;   // the last Lease read or written, with its resourceVersion
  let observedSpec = '';                // its spec, to notice a change
  let observedTime = 0;                 // when the spec last changed, by our clock
  let reportedLeader = '';

  const holder = (): string => observed?.spec?.holderIdentity ?? '';
  const isLeader = (): boolean => holder() === identity;
  /** The observed record is younger than its own leaseDuration, by our clock. */
  const isLeaseValid = (now: number): boolean =>
    observedTime + (observed?.spec?.leaseDurationSeconds ?? t.leaseDurationMs / 1000) * 1000 > now;

  const observe = (lease: ApiLease, now: number) => {
    observed = lease;
    const spec = JSON.stringify(lease.spec ?? {});
    if (spec !== observedSpec) { observedSpec = spec; observedTime = now; }
    if (holder() !== reportedLeader) {
      reportedLeader = holder();
      if (reportedLeader) log.info('new leader observed', { lease: lockName, holder: reportedLeader });
      if (reportedLeader) opts.onNewLeader?.(reportedLeader);
    }
  };

  const recordFor = (now: number, prev: LeaseSpec | undefined): LeaseSpec => {
    const leading = prev?.holderIdentity === identity;
    return {
      ...prev,
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(t.leaseDurationMs / 1000),
      acquireTime: leading && prev?.acquireTime ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: leading ? prev?.leaseTransitions ?? 0 : (prev?.leaseTransitions ?? -1) + 1,
    };
  };

  /** The fast path: a leader with a valid Lease writes over the record it last saw, without a GET. */
  const tryRenewOptimistically = async (now: number, signal: AbortSignal): Promise<boolean> => {
    if (!isLeader() || !observed || !isLeaseValid(now)) return false;
    try {
      observe(await leases.update(opts.namespace, { ...observed, spec: recordFor(now, observed.spec) }, { signal }), now);
      return true;
    } catch (err) {
      if (!signal.aborted) log.v(2, 'failed to update lease optimistically, falling back to slow path', { lease: lockName, error: err });
      return false;
    }
  };

  /** One attempt (tryAcquireOrRenew): true if we hold the Lease afterwards. */
  const tryAcquireOrRenew = async (signal: AbortSignal): Promise<boolean> => {
    const now = clock.now();
    if (await tryRenewOptimistically(now, signal)) return true;
    if (signal.aborted) return false;
    let lease: ApiLease;
    try {
      lease = await leases.get(opts.namespace, opts.name, signal);
    } catch (err) {
      if (!isNotFound(err)) { if (!signal.aborted) log.warn('error retrieving lease', { lease: lockName, error: err }); return false; }
      try {
        const created = await leases.create(opts.namespace, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: opts.name, namespace: opts.namespace }, spec: recordFor(now, undefined),
        }, { signal });
        observe(created, now);
        return true;
      } catch (createErr) {
        if (!signal.aborted) log.v(2, 'error creating lease', { lease: lockName, error: createErr });
        return false;
      }
    }
    observe(lease, now);
    const spec = lease.spec ?? {};
    const durationMs = (spec.leaseDurationSeconds ?? t.leaseDurationMs / 1000) * 1000;
    if (holder() !== '' && !isLeader() && observedTime + durationMs > now) return false; // held, and fresh
    if (isLeader()) opts.metrics?.slowpathExercised(opts.name);
    try {
      observe(await leases.update(opts.namespace, { ...lease, spec: recordFor(now, spec) }, { signal }), now);
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      if (isConflict(err)) log.v(2, 'lease changed under us', { lease: lockName });
      else log.warn('error updating lease', { lease: lockName, error: err });
      return false;
    }
  };

  /** Campaigns until the Lease is ours (true) or the signal aborts (false). */
  const acquire = async (signal: AbortSignal): Promise<boolean> => {
    log.info('attempting to acquire leader lease', { lease: lockName, identity });
    while (!signal.aborted) {
      if (await tryAcquireOrRenew(signal)) {
        log.info('successfully acquired lease', { lease: lockName, identity });
        opts.metrics?.leaderOn(opts.name);
        return true;
      }
      await sleep(clock, t.retryPeriodMs * (1 + JITTER_FACTOR * (opts.random ?? Math.random)()), signal);
    }
    return false;
  };

  /** Retries every retryPeriod until renewed, for at most renewDeadline. */
  const renewWithinDeadline = async (signal: AbortSignal): Promise<boolean> => {
    const deadline = new AbortController();
    const timer = clock.setTimeout(() => deadline.abort(), t.renewDeadlineMs);
    const stop = () => deadline.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      while (!deadline.signal.aborted) {
        if (await tryAcquireOrRenew(deadline.signal)) return true;
        await sleep(clock, t.retryPeriodMs, deadline.signal);
      }
      return false;
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    }
  };

  /** Renews every retryPeriod while `signal` is live; 'lost' once a renewal misses its deadline. */
  const renewLoop = async (signal: AbortSignal): Promise<LeaderElectionOutcome> => {
    while (!signal.aborted) {
      await sleep(clock, t.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (!(await renewWithinDeadline(signal)) && !signal.aborted) {
        log.error('failed to renew lease, leadership lost', { lease: lockName, identity });
        return 'lost';
      }
    }
    return 'cancelled';
  };

  /** Clears holderIdentity with our last resourceVersion: if someone else took over, the conflict leaves theirs alone. */
  const release = async (): Promise<void> => {
    if (!isLeader() || !observed) return;
    const now = clock.now();
    const ac = new AbortController();
    const timer = clock.setTimeout(() => ac.abort(), t.renewDeadlineMs);
    try {
      const spec: LeaseSpec = { ...observed.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now) };
      observe(await leases.update(opts.namespace, { ...observed, spec }, { signal: ac.signal }), now);
      log.info('released lease', { lease: lockName, identity });
    } catch (err) {
      log.warn('failed to release lease', { lease: lockName, error: err });
    } finally {
      clock.clearTimeout(timer);
    }
  };

  const lead = async (signal: AbortSignal): Promise<LeaderElectionOutcome> => {
    const leading = new AbortController();
    const stopLeading = () => leading.abort();
    signal.addEventListener('abort', stopLeading, { once: true });
    let failure: { err: unknown } | undefined;
    const work = opts.onStartedLeading(leading.signal).then(
      () => { if (!leading.signal.aborted) log.info('leading work ended', { lease: lockName }); },
      (err: unknown) => { failure = { err }; },
    ).finally(stopLeading); // work that ends (or fails) ends leadership too
    const outcome = await renewLoop(leading.signal);
    stopLeading();
    await work;
    signal.removeEventListener('abort', stopLeading);
    if (outcome === 'cancelled' && (opts.releaseOnCancel ?? true)) await release();
    opts.metrics?.leaderOff(opts.name);
    opts.onStoppedLeading?.();
    if (failure) throw failure.err;
    return outcome;
  };

  return {
    identity,
    isLeader,
    getLeader: holder,
    check(maxTolerableExpiredLeaseMs) {
      if (!isLeader()) return undefined; // a standby is not unhealthy for not leading
      if (clock.now() - observedTime > t.leaseDurationMs + maxTolerableExpiredLeaseMs) {
        return `failed election to renew leadership on lease ${opts.name}`;
      }
      return undefined;
    },
    async run(signal) {
      opts.metrics?.leaderOff(opts.name); // a standby reports 0 rather than nothing
      if (!(await acquire(signal))) return 'cancelled';
      return lead(signal);
    },
  };
};

/**
 * The leader-election /healthz check (client-go HealthzAdaptor): created before the elector so the
 * health server can be started first; healthy until an elector is attached, then as its check().
 */
export class LeaderHealthzAdaptor {
  readonly name = 'leaderElection';
  private elector: Pick<LeaderElector, 'check'> | undefined;

  /** `timeoutMs`: how long past leaseDuration a leader may go unrenewed (kube-controller-manager and kube-scheduler: 20 s). */
  constructor(readonly timeoutMs = 20_000) {}

  setLeaderElection(elector: Pick<LeaderElector, 'check'>): void { this.elector = elector; }

  /** undefined when healthy, else `leaderElection failed: <reason>`. */
  check(): string | undefined {
    const problem = this.elector?.check(this.timeoutMs);
    return problem ? `${this.name} failed: ${problem}` : undefined;
  }
}

/** Leadership could not be kept: the component must exit (upstream klog.Fatal "leaderelection lost") and be restarted. */
export class LeaderElectionLostError extends Error {
  override readonly name = 'LeaderElectionLostError';
  readonly code = 'BERTH_ERR_LEADER_ELECTION_LOST';
}

/** A component's leader-election settings (upstream --leader-elect, --leader-elect-*). */
export interface LeaderElectionConfig extends Partial<LeaderElectionTimings> {
  /** Default true. */
  enabled?: boolean;
  /** Default kube-system. */
  namespace?: string;
  name: string;
  identity?: string;
  releaseOnCancel?: boolean;
  /** Attached to the elector, for the component's /healthz. */
  healthz?: LeaderHealthzAdaptor;
  metrics?: LeaderElectionMetrics;
}

/**
 * Runs `work` only while this process holds the Lease (or at once when election is disabled).
 * Resolves after `signal` aborts, `work` has stopped and the Lease is released; throws
 * LeaderElectionLostError if the Lease could not be renewed in time. The Lease is written
 * through a client of its own (kube-controller-manager's "leader-election" client), so the
 * controllers' QPS budget and busy sockets never delay a renewal.
 */
export const runLeaderElected = async (
  cfg: LeaderElectionConfig & { client: Client; log: Logger; clock?: Clock; random?: () => number },
  signal: AbortSignal,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<void> => {
  if (cfg.enabled === false) return work(signal);
  const namespace = cfg.namespace ?? 'kube-system';
  const config = cfg.client.config;
  const client = createClient({ ...config, userAgent: `${config.userAgent ?? 'berth'}/leader-election` }, { clock: cfg.clock });
  let outcome: LeaderElectionOutcome;
  try {
    const elector = createLeaderElector({ ...cfg, client, namespace, onStartedLeading: work });
    cfg.healthz?.setLeaderElection(elector);
    outcome = await elector.run(signal);
  } finally {
    client.close();
  }
  if (outcome === 'lost') throw new LeaderElectionLostError(`leaderelection lost: ${namespace}/${cfg.name}`);
};
