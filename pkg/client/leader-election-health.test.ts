// Leader-election observability (client-go HealthzAdaptor, metrics.go): the fast-path renewal
// and the slow-path counter, leader_election_master_status, and the /healthz check, on a fake clock.
import { Registry } from 'prom-client';
import type { ApiLease } from '../../api/coordination/v1';
import { createLogger } from '../log';
import { createClient, type RestClient } from './rest';
import { createLeaderElector, LeaderHealthzAdaptor, type LeaderElectionMetrics, type LeaderElectorOptions } from './leader-election';
import { newLeaderElectionMetrics } from './leader-election-metrics';
import { FakeApiserver } from './fake-apiserver';
import { FakeClock, waitFor } from './fake-clock';

const LEASES = '/apis/coordination.k8s.io/v1/leases';
const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe('leader election health and metrics', () => {
  let server: FakeApiserver;
  let clock: FakeClock;
  let client: RestClient;
  let calls: string[];
  const metrics: LeaderElectionMetrics = {
    leaderOn: (n) => calls.push(`on ${n}`), leaderOff: (n) => calls.push(`off ${n}`), slowpathExercised: (n) => calls.push(`slowpath ${n}`),
  };
  beforeEach(async () => {
    server = new FakeApiserver();
    await server.start();
    clock = new FakeClock(T0);
    client = createClient({ server: server.url }, { maxRetries: 0, clock });
    calls = [];
  });
  afterEach(async () => {
    client.close();
    await server.stop();
  });

  const lease = (): ApiLease | undefined => server.get(LEASES, 'kube-system', 'kcm') as ApiLease | undefined;
  const count = (method: string) => server.requests.filter((r) => r.method === method && r.path.includes('/leases')).length;
  const candidate = (identity: string, o: Partial<LeaderElectorOptions> = {}) => {
    const state = { leading: false };
    const elector = createLeaderElector({
      client, namespace: 'kube-system', name: 'kcm', identity, clock, random: () => 0, ...timings, metrics,
      log: createLogger(identity, { write: () => undefined }),
      onStartedLeading: async (signal) => {
        state.leading = true;
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      },
      ...o,
    });
    const ac = new AbortController();
    return { elector, state, ac, run: elector.run(ac.signal) };
  };

  test('a leader renews on the fast path (PUT, no GET); a Lease changed under it falls back to the slow path, counted', async () => {
    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'leading');
    const gets = count('GET');
    clock.step(2000);
    await waitFor(() => count('PUT') === 1, 'fast renewal');
    expect(count('GET')).toBe(gets);
    expect(calls).toEqual(['off kcm', 'on kcm']);
    // Someone edits the Lease (holder unchanged): the optimistic PUT conflicts, GET + PUT succeed.
    const current = lease() as ApiLease;
    server.upsert(LEASES, { ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    await waitFor(() => clock.pendingDelays().includes(2000), 'renew timer');
    clock.step(2000);
    await waitFor(() => count('PUT') === 3, 'conflict, then slow path');
    expect(count('GET')).toBe(gets + 1);
    expect(calls).toEqual(['off kcm', 'on kcm', 'slowpath kcm']);
    expect(lease()?.metadata.labels).toEqual({ touched: 'yes' });
    a.ac.abort();
    expect(await a.run).toBe('cancelled');
    expect(calls.at(-1)).toBe('off kcm');
  });

  test('check(): a standby is healthy; a leader is healthy until leaseDuration + tolerance pass without a renewal', async () => {
    server.upsert(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kcm', namespace: 'kube-system' },
      spec: { holderIdentity: 'other', leaseDurationSeconds: 15 } });
    const standby = candidate('host_b');
    await waitFor(() => clock.pendingDelays().includes(2000), 'standby waiting');
    expect(standby.elector.check(20_000)).toBeUndefined();
    standby.ac.abort();
    await standby.run;
    server.remove(LEASES, 'kube-system', 'kcm');

    const a = candidate('host_a');
    await waitFor(() => a.state.leading, 'leading');
    server.failNext({ method: 'PUT', status: 500, times: 100 }); // every renewal fails from now on
    for (let i = 0; i < 6; i++) { // renewal attempts at T+2 … T+10 s; the renewDeadline (T+12 s) ends them
      await waitFor(() => clock.pendingDelays().includes(2000), `renew timer ${i}`);
      clock.step(2000);
    }
    expect(await a.run).toBe('lost'); // gave up after renewDeadline; still believes it holds the Lease
    expect(a.elector.isLeader()).toBe(true);
    clock.step(T0 + 35_000 - clock.now());                 // exactly leaseDuration + 20 s since the last renewal
    expect(a.elector.check(20_000)).toBeUndefined();
    clock.step(1);
    expect(a.elector.check(20_000)).toBe('failed election to renew leadership on lease kcm');
    server.failNext({ method: 'PUT', status: 500, times: -1 });
  });

  test('LeaderHealthzAdaptor: healthy until an elector is attached, then reports its check as leaderElection failed', () => {
    const adaptor = new LeaderHealthzAdaptor(20_000);
    expect(adaptor.check()).toBeUndefined();
    const seen: number[] = [];
    adaptor.setLeaderElection({ check: (ms) => { seen.push(ms); return 'failed election to renew leadership on lease kcm'; } });
    expect(adaptor.check()).toBe('leaderElection failed: failed election to renew leadership on lease kcm');
    expect(seen).toEqual([20_000]);
  });

  test('prom-client: leader_election_master_status{name} and leader_election_slowpath_total{name}', async () => {
    const registry = new Registry();
    const m = newLeaderElectionMetrics(registry);
    m.leaderOff('kube-scheduler');
    m.leaderOn('kube-controller-manager');
    m.slowpathExercised('kube-controller-manager');
    m.slowpathExercised('kube-controller-manager');
    const text = await registry.metrics();
    expect(text).toContain('leader_election_master_status{name="kube-controller-manager"} 1');
    expect(text).toContain('leader_election_master_status{name="kube-scheduler"} 0');
    expect(text).toContain('leader_election_slowpath_total{name="kube-controller-manager"} 2');
  });
});
