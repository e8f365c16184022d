// Leader election of the controller-manager against a real etcd and an in-process apiserver:
// two replicas, only the Lease holder reconciles; a leader that dies without releasing is
// replaced within the lease duration; a leader that shuts down hands over at once. The holder's
// /metrics says leader_election_master_status 1, a standby's 0, and both /healthz are ok.
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { waitFor } from './harness';
import { runControllerManager } from '../../pkg/controller';
import { createLogger } from '../../pkg/log';

jest.setTimeout(90_000);

// Shorter timings than upstream's 15s/10s/2s keep the suite fast; the renew deadline stays
// generous because CI machines are loaded (one in-process apiserver, two controller-managers).
const timings = { leaseDurationMs: 8000, renewDeadlineMs: 6000, retryPeriodMs: 1000 };
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager';

interface Replica { id: string; lines: string[]; stop(): Promise<void> }
interface LeaseSpec { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string }

describe('controller-manager leader election', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  const running: Replica[] = [];
  beforeAll(async () => {
    c = await startTestCluster();
    req = requester(c);
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await c?.stop();
  });

  const start = (id: string, releaseOnCancel = true): Replica => {
    const lines: string[] = [];
    const ac = new AbortController();
    const log = createLogger(`cm-${id}`, { write: (l) => { lines.push(l); if (process.env.BERTH_TEST_LOG) process.stderr.write(l + '\n'); } });
    const run = runControllerManager({
      kubeconfig: c.kubeconfig, healthPort: 0, workers: 2,
      leaderElection: { ...timings, identity: id, releaseOnCancel },
    }, log, ac.signal);
    const r: Replica = { id, lines, stop: async () => { ac.abort(); await run; running.splice(running.indexOf(r), 1); } };
    running.push(r);
    return r;
  };
  const lease = async (): Promise<LeaseSpec | undefined> => {
    const res = await req('GET', LEASE);
    return res.status === 200 ? (res.json as { spec: LeaseSpec }).spec : undefined;
  };
  /** The replica's health/metrics port, from its 'serving health and metrics' log line (healthPort 0). */
  const healthPort = async (r: Replica): Promise<number> => {
    let port = 0;
    await waitFor(() => { port = Number(/serving health and metrics.*port=(\d+)/.exec(r.lines.join('\n'))?.[1] ?? 0); return port > 0; }, { what: `${r.id} health port` });
    return port;
  };
  const masterStatus = async (r: Replica): Promise<string | undefined> => {
    const text = await (await fetch(`http://127.0.0.1:${await healthPort(r)}/metrics`)).text();
    return /^leader_election_master_status\{[^}]*name="kube-controller-manager"[^}]*\} (\d)$/m.exec(text)?.[1];
  };
  const healthz = async (r: Replica) => (await fetch(`http://127.0.0.1:${await healthPort(r)}/healthz`)).status;
  const reconciling = (r: Replica) => r.lines.some((l) => l.includes('caches synced, starting workers'));
  const podCount = async (app: string) =>
    ((await req('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`)).json as { items: unknown[] }).items.length;
  const applyRs = async (name: string, replicas: number) => {
    const body = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default' },
      spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    const res = await req('POST', '/apis/apps/v1/namespaces/default/replicasets', { body });
    expect(res.status).toBe(201);
  };

  it('only the Lease holder reconciles; a dead leader is replaced within the lease duration; a clean shutdown hands over at once', async () => {
    const a = start('cm-a', false);        // a: will "die" without releasing
    await waitFor(async () => (await lease())?.holderIdentity === 'cm-a', { what: 'cm-a leads' });
    const b = start('cm-b');
    await waitFor(() => reconciling(a), { what: 'cm-a controllers running' });
    await applyRs('one', 2);
    await waitFor(async () => (await podCount('one')) === 2, { what: '2 pods' });
    expect(reconciling(b)).toBe(false);
    expect(b.lines.some((l) => l.includes('attempting to acquire leader lease'))).toBe(true);
    expect(await lease()).toMatchObject({ holderIdentity: 'cm-a', leaseDurationSeconds: 8, leaseTransitions: 0 });
    expect(await masterStatus(a)).toBe('1');
    expect(await masterStatus(b)).toBe('0');
    expect([await healthz(a), await healthz(b)]).toEqual([200, 200]);

    // a dies: no release, b must wait for the record to stay unchanged for the lease duration.
    const killedAt = Date.now();
    await a.stop();
    expect((await lease())?.holderIdentity).toBe('cm-a');
    await waitFor(async () => (await lease())?.holderIdentity === 'cm-b', { what: 'cm-b takes over', timeoutMs: 20_000 });
    const takeover = Date.now() - killedAt;
    expect(takeover).toBeLessThan(timings.leaseDurationMs + 2.2 * timings.retryPeriodMs + 4000);
    expect(takeover).toBeGreaterThanOrEqual(timings.leaseDurationMs - timings.retryPeriodMs);
    expect((await lease())?.leaseTransitions).toBe(1);
    await waitFor(() => reconciling(b), { what: 'cm-b controllers running' });
    await applyRs('two', 1);
    await waitFor(async () => (await podCount('two')) === 1, { what: 'cm-b reconciles' });

    // b shuts down cleanly: it releases, and a standby takes over well before the lease duration.
    const c2 = start('cm-c');
    await waitFor(() => c2.lines.some((l) => l.includes('attempting to acquire leader lease')), { what: 'cm-c campaigning' });
    const stoppedAt = Date.now();
    await b.stop();
    expect((await lease())?.holderIdentity === '' || (await lease())?.holderIdentity === 'cm-c').toBe(true);
    await waitFor(async () => (await lease())?.holderIdentity === 'cm-c', { what: 'cm-c takes over', timeoutMs: 10_000 });
    const handover = Date.now() - stoppedAt;
    expect(handover).toBeLessThan(timings.leaseDurationMs);
    expect((await lease())?.leaseTransitions).toBe(2);
    await waitFor(() => reconciling(c2), { what: 'cm-c controllers running' });
    await applyRs('three', 1);
    await waitFor(async () => (await podCount('three')) === 1, { what: 'cm-c reconciles' });
    expect(await podCount('one')).toBe(2); // nobody created twice across the hand-overs
    process.stdout.write(`leader election: takeover after a crash ${takeover} ms, hand-over after release ${handover} ms\n`);
  });
});
