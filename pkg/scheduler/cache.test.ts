import { SchedulerCache } from './cache';
import { node, pod } from './testing';

const cpuOn = (cache: SchedulerCache, name: string): number | undefined =>
  cache.snapshot().find((n) => n.name === name)?.requested.milliCPU;

describe('SchedulerCache', () => {
  test('assumed pods count until confirmed, and are not counted twice', () => {
    const cache = new SchedulerCache();
    cache.addNode(node({ name: 'n1' }));
    const p = pod({ name: 'a', cpu: '1' });
    cache.assumePod(p, 'n1');
    expect(cache.isAssumed('default/a')).toBe(true);
    expect(cpuOn(cache, 'n1')).toBe(1000);
    cache.addPod({ ...p, spec: { ...p.spec, containers: p.spec?.containers ?? [], nodeName: 'n1' } });
    expect(cache.isAssumed('default/a')).toBe(false);
    expect(cpuOn(cache, 'n1')).toBe(1000);
  });

  test('forget releases an assumed pod but never a confirmed one', () => {
    const cache = new SchedulerCache();
    cache.addNode(node({ name: 'n1' }));
    cache.assumePod(pod({ name: 'a', cpu: '1' }), 'n1');
    cache.forgetPod(pod({ name: 'a' }));
    expect(cpuOn(cache, 'n1')).toBe(0);
    cache.addPod(pod({ name: 'b', cpu: '1', nodeName: 'n1' }));
    cache.forgetPod(pod({ name: 'b' }));
    expect(cpuOn(cache, 'n1')).toBe(1000);
  });

  test('pods seen before their node are counted when it arrives; finished pods are not', () => {
    const cache = new SchedulerCache();
    cache.addPod(pod({ name: 'early', cpu: '1', nodeName: 'n1' }));
    const done = pod({ name: 'done', cpu: '2', nodeName: 'n1' });
    cache.addPod({ ...done, status: { phase: 'Succeeded' } });
    cache.addNode(node({ name: 'n1' }));
    expect(cpuOn(cache, 'n1')).toBe(1000);
    cache.removePod(pod({ name: 'early' }));
    expect(cpuOn(cache, 'n1')).toBe(0);
  });

  test('snapshots are copies', () => {
    const cache = new SchedulerCache();
    cache.addNode(node({ name: 'n1' }));
    const snap = cache.snapshot();
    cache.addPod(pod({ name: 'a', cpu: '1', nodeName: 'n1' }));
    expect(snap[0].requested.milliCPU).toBe(0);
    expect(snap[0].podCount).toBe(0);
  });
});
