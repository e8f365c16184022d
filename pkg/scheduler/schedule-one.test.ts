// A scheduling cycle end to end with fakes: no network, no timers.
import { Registry } from 'prom-client';
import type { Pod, PodCondition } from '../../api/core/v1';
import { FakeClock } from '../client/fake-clock';
import { silentLogger } from '../log';
import { SchedulerCache } from './cache';
import { newSchedulerMetrics } from './metrics';
import { SchedulingQueue } from './queue';
import { buildProfile, defaultProfileConfig } from './registry';
import { scheduleOne, type CycleDeps } from './schedule-one';
import { node, pod } from './testing';

interface Recorded { type: string; reason: string; message: string; object: string }

const setup = (opts: { bindError?: Error } = {}) => {
  const clock = new FakeClock(1_000_000);
  const queue = new SchedulingQueue({ clock });
  const cache = new SchedulerCache();
  const registry = new Registry();
  const bindings: { pod: string; node: string }[] = [];
  const conditions: { pod: string; condition: PodCondition }[] = [];
  const events: Recorded[] = [];
  const deps: CycleDeps = {
    profile: buildProfile(defaultProfileConfig()),
    queue, cache, clock, rand: () => 0.5, log: silentLogger(),
    bind: async (p: Pod, nodeName: string) => {
      if (opts.bindError) throw opts.bindError;
      bindings.push({ pod: p.metadata?.name ?? '', node: nodeName });
    },
    updatePodCondition: async (p: Pod, condition: PodCondition) => { conditions.push({ pod: p.metadata?.name ?? '', condition }); },
    recorder: { event: (obj, type, reason, message) => events.push({ type, reason, message, object: obj.metadata?.name ?? '' }) },
    metrics: newSchedulerMetrics(registry, () => queue.lengths()),
  };
  return { deps, queue, cache, registry, bindings, conditions, events };
};

const metricValue = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> => {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
};

describe('scheduleOne', () => {
  test('binds to the best node and counts the assumed pod at once', async () => {
    const { deps, queue, cache, registry, bindings, events } = setup();
    cache.addNode(node({ name: 'n1', cpu: '2' }));
    cache.addNode(node({ name: 'n2', cpu: '2' }));
    queue.add(pod({ name: 'a', cpu: '1500m' }));
    queue.add(pod({ name: 'b', cpu: '1500m' }));

    const first = await scheduleOne(deps);
    // The second cycle starts before the first binding finished: the assumed pod must count.
    const second = await scheduleOne(deps);
    await Promise.all([first?.pending, second?.pending]);

    expect(first?.result).toBe('scheduled');
    expect(second?.result).toBe('scheduled');
    expect(new Set(bindings.map((b) => b.node))).toEqual(new Set(['n1', 'n2']));
    expect(events.filter((e) => e.reason === 'Scheduled').map((e) => e.message).sort())
      .toEqual(bindings.map((b) => `Successfully assigned default/${b.pod} to ${b.node}`).sort());
    expect(queue.where('default/a')).toBeUndefined();
    expect(await metricValue(registry, 'scheduler_schedule_attempts_total', { result: 'scheduled' })).toBe(2);
  });

  test('a pod that fits nowhere gets FailedScheduling, a PodScheduled=False condition and waits in the pool', async () => {
    const { deps, queue, cache, registry, conditions, events } = setup();
    cache.addNode(node({ name: 'n1', cpu: '1' }));
    cache.addNode(node({ name: 'n2', cpu: '1', unschedulable: true }));
    queue.add(pod({ name: 'big', cpu: '2' }));

    const outcome = await scheduleOne(deps);
    await outcome?.pending;

    const message = '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.';
    expect(outcome).toMatchObject({ result: 'unschedulable', message });
    expect(events).toEqual([{ type: 'Warning', reason: 'FailedScheduling', message, object: 'big' }]);
    expect(conditions).toEqual([{ pod: 'big', condition: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message } }]);
    expect(queue.where('default/big')).toBe('unschedulable');
    expect(await metricValue(registry, 'scheduler_schedule_attempts_total', { result: 'unschedulable' })).toBe(1);
    expect(await metricValue(registry, 'scheduler_pending_pods', { queue: 'unschedulable' })).toBe(1);
  });

  test('a failed binding forgets the assumed pod and requeues with back-off', async () => {
    const { deps, queue, cache, conditions, events } = setup({ bindError: new Error('pods "a" not found') });
    cache.addNode(node({ name: 'n1', cpu: '1' }));
    queue.add(pod({ name: 'a', cpu: '1' }));

    const outcome = await scheduleOne(deps);
    await outcome?.pending;

    expect(cache.isAssumed('default/a')).toBe(false);
    expect(cache.snapshot()[0].requested.milliCPU).toBe(0);
    expect(queue.where('default/a')).toBe('backoff');
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'FailedScheduling', message: 'Binding rejected: pods "a" not found' });
    expect(conditions[0].condition.reason).toBe('SchedulerError');
  });

  test('no nodes: an error, retried after back-off', async () => {
    const { deps, queue, events } = setup();
    queue.add(pod({ name: 'a' }));
    await (await scheduleOne(deps))?.pending;
    expect(events[0].message).toBe('no nodes available to schedule pods');
    expect(queue.where('default/a')).toBe('backoff');
  });

  test('returns undefined once the queue is closed', async () => {
    const { deps, queue } = setup();
    queue.close();
    expect(await scheduleOne(deps)).toBeUndefined();
  });
});
