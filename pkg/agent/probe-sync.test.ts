// The pod worker and the probe workers together: readiness in the status, liveness kills.
import type { Probe } from '../../api/core/v1';
import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { Backoff } from './backoff';
import { FakeClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { FakeRuntime } from './fake-runtime';
import { syncPod, type SyncDeps } from './pod-sync';
import type { ApiPod } from './pod-util';
import { ProbeManager } from './probe-manager';
import type { ProbeOutcome } from './prober';
import { StatusManager } from './status-manager';
import { container, pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const setup = (probes: { readinessProbe?: Probe; livenessProbe?: Probe }) => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  const p = pod({ containers: [container('app', probes)] });
  pods.seed('default', { ...p, spec: { ...p.spec, containers: p.spec?.containers ?? [], terminationGracePeriodSeconds: 2 } });
  const events: string[] = [];
  const woken: string[] = [];
  let answer: ProbeOutcome = { result: 'failure', output: 'no' };
  const recorder = { event: (_o: unknown, type: string, reason: string, message: string) => events.push(`${type} ${reason} ${message}`) };
  const probeManager = new ProbeManager({ clock, log: silentLogger(), recorder, onChange: (uid) => woken.push(uid), run: async () => answer });
  const deps: SyncDeps = {
    runtime, statusManager: new StatusManager(pods, silentLogger()), backoff: new Backoff(clock), clock, log: silentLogger(), recorder,
    nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: '/var/log/pods', memoryCapacity: 8 << 30, activePollMs: 1000, resyncMs: 10_000, probes: probeManager,
  };
  const fresh = async () => pods.get('default', 'web');
  const sync = async () => syncPod(await fresh(), deps);
  const step = async (n: number) => { for (let i = 0; i < n; i++) { clock.step(1000); await flush(); } };
  return { runtime, fresh, sync, step, events, woken, answer: (a: ProbeOutcome) => { answer = a; } };
};

const exec: Probe = { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 };

describe('probes in the pod sync', () => {
  test('readiness drives containerStatuses[].ready and the Ready/ContainersReady conditions', async () => {
    const t = setup({ readinessProbe: exec });
    await t.sync();
    const cond = async (type: string) => (await t.fresh()).status?.conditions?.find((c) => c.type === type)?.status;
    expect((await t.fresh()).status?.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect([await cond('Ready'), await cond('ContainersReady')]).toEqual(['False', 'False']);
    t.answer({ result: 'success', output: '' });
    await t.step(1);
    expect(t.woken).toEqual(['uid-1']);
    await t.sync();
    expect((await t.fresh()).status?.containerStatuses?.[0].ready).toBe(true);
    expect([await cond('Ready'), await cond('ContainersReady')]).toEqual(['True', 'True']);
  });

  test('liveness failure: Unhealthy and Killing events, the container is stopped with the grace period and restarted', async () => {
    const t = setup({ livenessProbe: exec });
    await t.sync();
    const first = t.runtime.latest('app')?.id ?? '';
    t.answer({ result: 'failure', output: "cat: can't open '/tmp/ready': No such file or directory" });
    await t.step(1);
    await t.sync();
    expect(t.runtime.calls).toContain(`stopContainer ${first} 2`);
    expect(t.events).toContain("Warning Unhealthy Liveness probe failed: cat: can't open '/tmp/ready': No such file or directory");
    expect(t.events).toContain('Normal Killing Container app failed liveness probe, will be restarted');
    expect(t.runtime.latest('app')).toMatchObject({ state: 'CONTAINER_RUNNING', metadata: { attempt: 1 } });
    expect((await t.fresh()).status?.containerStatuses?.[0].restartCount).toBe(1);
  });
});
