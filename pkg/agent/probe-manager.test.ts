import type { Probe } from '../../api/core/v1';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { ProbeManager } from './probe-manager';
import type { ProbeOutcome, ProbeTarget } from './prober';
import type { ContainerStatus } from './runtime-client';
import { container, crStatus, pod } from './test-builders';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const setup = (probes: { readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe }) => {
  const clock = new FakeClock();
  const changes: string[] = [];
  const events: string[] = [];
  const runs: string[] = [];
  const answers = new Map<string, ProbeOutcome>();   // by exec command[0]
  const m = new ProbeManager({
    clock, log: silentLogger(), onChange: (uid) => changes.push(uid),
    recorder: { event: (_o, type, reason, message) => events.push(`${type} ${reason} ${message}`) },
    run: async (p: Probe, t: ProbeTarget) => {
      const which = p.exec?.command?.[0] ?? '';
      runs.push(`${which} ${t.containerId}`);
      return answers.get(which) ?? { result: 'failure', output: `${which} says no` };
    },
  });
  const p = pod({ containers: [container('app', probes)] });
  let st: ContainerStatus = { ...crStatus({ state: 'CONTAINER_RUNNING' }), startedAt: clock.now() * 1e6 };
  const sync = (s = st) => { st = s; m.syncPod(p, (n) => (n === 'app' ? st : undefined), '10.0.0.5'); };
  const step = async (ms: number) => { for (let i = 0; i < ms / 1000; i++) { clock.step(1000); await flush(); } };
  return { clock, m, changes, events, runs, answers, sync, step, id: () => st.id };
};

const probe = (cmd: string, extra: Partial<Probe> = {}): Probe => ({ exec: { command: [cmd] }, periodSeconds: 1, ...extra });

describe('ProbeManager', () => {
  test('readiness: not ready until it passes, after initialDelaySeconds; failureThreshold failures make it unready again', async () => {
    const t = setup({ readinessProbe: probe('ready', { initialDelaySeconds: 3, failureThreshold: 2 }) });
    t.sync();
    expect(t.m.ready('uid-1', 'app', t.id())).toBe(false);
    t.answers.set('ready', { result: 'success', output: '' });
    await t.step(2000);
    expect(t.runs).toEqual([]);
    await t.step(1000);
    expect(t.runs.length).toBe(1);
    expect(t.m.ready('uid-1', 'app', t.id())).toBe(true);
    expect(t.changes).toEqual(['uid-1']);
    t.answers.delete('ready');
    await t.step(1000);
    expect(t.m.ready('uid-1', 'app', t.id())).toBe(true);
    await t.step(1000);
    expect(t.m.ready('uid-1', 'app', t.id())).toBe(false);
    expect(t.changes).toEqual(['uid-1', 'uid-1']);
    expect(t.events).toContain('Warning Unhealthy Readiness probe failed: ready says no');
  });

  test('liveness: failureThreshold failures ask for a kill and hold the worker; a new container gets a fresh one', async () => {
    const t = setup({ livenessProbe: probe('live', { failureThreshold: 3 }) });
    t.sync();
    await t.step(2000);
    expect(t.m.failed('uid-1', 'app', t.id())).toBeUndefined();
    await t.step(1000);
    expect(t.m.failed('uid-1', 'app', t.id())).toBe('liveness');
    const before = t.runs.length;
    await t.step(3000);
    expect(t.runs.length).toBe(before);   // on hold
    t.sync({ ...crStatus({ state: 'CONTAINER_RUNNING', attempt: 1 }), startedAt: t.clock.now() * 1e6 });
    expect(t.m.failed('uid-1', 'app', t.id())).toBeUndefined();
    await t.step(1000);
    expect(t.runs.at(-1)).toBe('live c-app-1');
  });

  test('startup gates liveness and readiness until it passes, then stops probing', async () => {
    const t = setup({ startupProbe: probe('start'), readinessProbe: probe('ready'), livenessProbe: probe('live') });
    t.sync();
    await t.step(2000);
    expect(t.runs.every((r) => r.startsWith('start'))).toBe(true);
    expect(t.m.started('uid-1', 'app', t.id())).toBe(false);
    t.answers.set('start', { result: 'success', output: '' });
    t.answers.set('ready', { result: 'success', output: '' });
    t.answers.set('live', { result: 'success', output: '' });
    await t.step(1000);
    expect(t.m.started('uid-1', 'app', t.id())).toBe(true);
    const starts = t.runs.filter((r) => r.startsWith('start')).length;
    await t.step(2000);
    expect(t.runs.filter((r) => r.startsWith('start')).length).toBe(starts);
    expect(t.runs.some((r) => r.startsWith('ready'))).toBe(true);
    expect(t.m.ready('uid-1', 'app', t.id())).toBe(true);
  });

  test('startup failing failureThreshold times asks for a kill', async () => {
    const t = setup({ startupProbe: probe('start', { failureThreshold: 2 }) });
    t.sync();
    await t.step(2000);
    expect(t.m.failed('uid-1', 'app', t.id())).toBe('startup');
  });

  test('a pod without probes is ready and started; removePod and a stopped container end the timers', async () => {
    const t = setup({ readinessProbe: probe('ready'), livenessProbe: probe('live') });
    expect(t.m.ready('uid-1', 'other', 'x', pod())).toBe(true);
    t.sync();
    expect(t.m.size()).toBe(2);
    t.sync({ ...crStatus({ state: 'CONTAINER_EXITED' }) });
    expect(t.m.size()).toBe(0);
    expect(t.clock.pending()).toBe(0);
    t.sync({ ...crStatus({ state: 'CONTAINER_RUNNING', attempt: 1 }) });
    expect(t.clock.pending()).toBe(2);
    t.m.removePod('uid-1');
    expect(t.clock.pending()).toBe(0);
  });
});
