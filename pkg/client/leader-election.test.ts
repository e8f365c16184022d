import type { ApiLease } from '../../api/coordination/v1';
import type { ApiObject } from '../../api/meta/v1';
import { createLogger } from '../log';
import { createClient, type RestClient } from './rest';
import { createLeaderElector, microTime, runLeaderElected, LeaderElectionLostError, type LeaderElectorOptions } from './leader-election';
import { FakeApiserver } from './fake-apiserver';
import { FakeClock, waitFor } from './fake-clock';

const LEASES = '/apis/coordination.k8s.io/v1/leases';
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe('leader election', () => {
  let server: FakeApiserver;
  let clock: FakeClock;
  let client: RestClient;
  let lines: string[];
  beforeEach(async () => {
    server = new FakeApiserver();
    await server.start();
    clock = new FakeClock(T0);
    client = createClient({ server: server.url }, { maxRetries: 0, clock });
    lines = [];
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  const lease = (): ApiLease | undefined => server.get(LEASES, 'kube-system', 'kcm') as ApiLease | undefined;
  const puts = () => server.requests.filter((r) => r.method === 'PUT');
  /** A candidate whose leading work records its signal and ends when that signal aborts. */
  const candidate = (identity: string, o: Partial<LeaderElectorOptions> = {}) => {
    const state = { leading: false, stopped: 0, signal: undefined as AbortSignal | undefined, workDone: false };
    const elector = createLeaderElector({
      client, namespace: 'kube-system', name: 'kcm', identity, clock, random: () => 0, ...timings,
      log: createLogger(identity, { write: (l) => lines.push(l) }),
      onStartedLeading: async (signal) => {
        state.leading = true;
        state.signal = signal;
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        state.workDone = true;
      },
      onStoppedLeading: () => { state.leading = false; state.stopped++; },
      ...o,
    });
    const ac = new AbortController();
    const run = elector.run(ac.signal);
    return { elector, state, ac, run };
  };
  /** Steps the fake clock to the next timer after waiting for I/O to settle on `cond`. */
  const stepTo = async (cond: () => boolean, what: string, ms: number) => { await waitFor(cond, what); clock.step(ms); };

  test('creates the Lease as upstream: holder, duration, MicroTimes, transitions 0', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'leading');
    expect(lease()?.spec).toEqual({
      holderIdentity: 'host_a', leaseDurationSeconds: 15, acquireTime: '2025-01-02T03:04:05.678000Z',
      renewTime: '2025-01-02T03:04:05.678000Z', leaseTransitions: 0,
    });
    expect(a.elector.isLeader()).toBe(true);
    a.ac.abort();
    expect(await a.run).toBe('cancelled');
  });

  test('the leader renews every retryPeriod with its resourceVersion, keeping acquireTime', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'leading');
    const rv = lease()?.metadata.resourceVersion;
    clock.step(2000);
    await waitFor(() => puts().length === 1, 'renewal');
    expect((puts()[0].body as ApiObject).metadata.resourceVersion).toBe(rv);
    expect(lease()?.spec).toMatchObject({ acquireTime: microTime(T0), renewTime: microTime(T0 + 2000), leaseTransitions: 0 });
    a.ac.abort();
    await a.run;
  });

  test('a held, fresh Lease is left alone; one unchanged for leaseDuration by our clock is taken over', async () => {
    server.upsert(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kcm', namespace: 'kube-system' },
      spec: { holderIdentity: 'dead', leaseDurationSeconds: 15, renewTime: microTime(T0 - 3_600_000), leaseTransitions: 4 } });
    const b = candidate('host_b');
    // The old renewTime does not matter: b first has to see the record unchanged for 15s.
    for (let waited = 0; waited < 14_000; waited += 2000) await stepTo(() => clock.pendingDelays().includes(2000), 'retry timer', 2000);
    expect(b.state.leading).toBe(false);
    expect(puts()).toHaveLength(0);
    await stepTo(() => clock.pendingDelays().includes(2000), 'retry timer', 2000);
    await waitFor(() => b.state.leading, 'took over');
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'host_b', leaseTransitions: 5, acquireTime: microTime(T0 + 16_000) });
    b.ac.abort();
    await b.run;
  });

  test('a holder that keeps renewing keeps the Lease', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'a leads');
    const b = candidate('host_b');
    for (let i = 0; i < 15; i++) {
      await waitFor(() => puts().length === i && clock.pendingDelays().filter((d) => d === 2000).length === 2, `round ${i}`);
      clock.step(2000);
    }
    await waitFor(() => puts().length === 15, 'renewals');
    expect(b.state.leading).toBe(false);
    expect(lease()?.spec?.holderIdentity).toBe('host_a');
    b.ac.abort();
    a.ac.abort();
    expect(await b.run).toBe('cancelled');
    await a.run;
    expect(b.state.stopped).toBe(0); // never led, never stopped
  });

  test('renewals failing past renewDeadline: leadership lost, work aborted, nothing released', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'leading');
    server.failNext({ method: 'PUT', status: 500, times: 100 });
    clock.step(2000); // first renewal attempt fails at T+2s; retries every 2s until T+12s
    // Each attempt: the optimistic PUT (fast path), then GET and PUT (slow path), both failing.
    for (let i = 0; i < 5; i++) await stepTo(() => puts().length === 2 * (i + 1) && clock.pendingDelays().includes(2000), `retry ${i}`, 2000);
    expect(await a.run).toBe('lost');
    expect(a.state).toMatchObject({ workDone: true, leading: false, stopped: 1 });
    expect(a.state.signal?.aborted).toBe(true);
    expect(lines.some((l) => l.includes('leadership lost'))).toBe(true);
    expect(lease()?.spec?.holderIdentity).toBe('host_a');
    server.failNext({ method: 'PUT', status: 500, times: -1 }); // clear
  });

  test('shutdown stops the work first, then clears holderIdentity; a candidate takes over at once', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'a leads');
    const b = candidate('host_b');
    await waitFor(() => clock.pendingDelays().filter((d) => d === 2000).length === 2, 'b waiting');
    a.ac.abort();
    expect(await a.run).toBe('cancelled');
    expect(a.state).toMatchObject({ workDone: true, stopped: 1 });
    expect(lease()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    clock.step(2000); // b's next try — not leaseDuration later
    await waitFor(() => b.state.leading, 'b took over');
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'host_b', leaseTransitions: 1 });
    b.ac.abort();
    await b.run;
  });

  test('releaseOnCancel=false leaves the Lease held (a crash)', async () => {
    const a = candidate('host_a', { releaseOnCancel: false });
    await waitFor(() => a.state.leading, 'leading');
    a.ac.abort();
    await a.run;
    expect(lease()?.spec?.holderIdentity).toBe('host_a');
  });

  test('work that fails ends leadership, releases, and is rethrown', async () => {
    const a = candidate('host_a', { onStartedLeading: async () => { throw new Error('controller broke'); } });
    await expect(a.run).rejects.toThrow('controller broke');
    expect(lease()?.spec?.holderIdentity).toBe('');
  });

  test('a candidate that is cancelled before winning resolves cancelled', async () => {
    server.upsert(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kcm', namespace: 'kube-system' }, spec: { holderIdentity: 'other', leaseDurationSeconds: 15 } });
    const b = candidate('host_b');
    await waitFor(() => clock.pendingDelays().includes(2000), 'retry timer');
    b.ac.abort();
    expect(await b.run).toBe('cancelled');
    expect(clock.pending()).toBe(0);
  });

  test.each([
    { name: 'renewDeadline >= leaseDuration', t: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 } },
    { name: 'retryPeriod too close to renewDeadline', t: { leaseDurationMs: 15_000, renewDeadlineMs: 2000, retryPeriodMs: 2000 } },
  ])('rejects timings: $name', ({ t }) => {
    expect(() => createLeaderElector({ client, namespace: 'a', name: 'b', log: createLogger('x'), onStartedLeading: async () => undefined, ...t }))
      .toThrow(/leaseDuration > renewDeadline/);
  });

  test('runLeaderElected: disabled runs the work directly; lost throws LeaderElectionLostError', async () => {
    const log = createLogger('x', { write: (l) => lines.push(l) });
    const ac = new AbortController();
    let ran = false;
    await runLeaderElected({ enabled: false, name: 'kcm', client, log }, ac.signal, async () => { ran = true; });
    expect(ran).toBe(true);
    expect(server.requests).toHaveLength(0);

    const elected = runLeaderElected({ name: 'kcm', client, log, clock, random: () => 0, ...timings }, ac.signal,
      (s) => new Promise<void>((r) => s.addEventListener('abort', () => r(), { once: true })));
    await waitFor(() => lease()?.spec?.holderIdentity !== undefined, 'acquired');
    expect(lease()?.spec?.holderIdentity).toMatch(/^[^_]+_[0-9a-f-]{36}$/);
    server.failNext({ method: 'PUT', status: 500, times: 100 });
    await stepTo(() => clock.pendingDelays().includes(2000), 'renew timer', 2000);
    for (let i = 0; i < 5; i++) await stepTo(() => puts().length === 2 * (i + 1) && clock.pendingDelays().includes(2000), `retry ${i}`, 2000);
    await expect(elected).rejects.toBeInstanceOf(LeaderElectionLostError);
    server.failNext({ method: 'PUT', status: 500, times: -1 });
  });
});

test('the leases reference agrees with api/resources.ts', async () => {
  const { findResource } = await import('../../api/resources');
  const { leasesRef } = await import('./leader-election');
  const info = findResource('coordination.k8s.io', 'v1', 'leases');
  expect(info && { group: info.group, version: info.version, kind: info.kind, listKind: info.listKind, plural: info.plural, namespaced: info.namespaced })
    .toEqual(leasesRef);
});
