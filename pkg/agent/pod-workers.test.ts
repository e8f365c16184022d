import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { PodWorkers } from './pod-workers';

const flush = () => new Promise<void>((r) => setImmediate(r));

test('serialises syncs per pod, coalesces events, resyncs on the timer, ends on undefined', async () => {
  const clock = new FakeClock();
  const log: string[] = [];
  let release: () => void = () => undefined;
  let result: number | undefined = 1000;
  const workers = new PodWorkers(async (uid) => {
    log.push(`start ${uid}`);
    await new Promise<void>((r) => { release = r; });
    log.push(`end ${uid}`);
    return result;
  }, clock, silentLogger());
  workers.enqueue('a');
  workers.enqueue('a');
  workers.enqueue('a');
  await flush();
  expect(log).toEqual(['start a']);
  release();
  await flush();
  expect(log).toEqual(['start a', 'end a', 'start a']);   // the coalesced events: one more sync
  release();
  await workers.whenIdle();
  expect(clock.pending()).toBe(1);
  result = undefined;
  clock.step(1000);
  await flush();
  expect(log.at(-1)).toBe('start a');
  release();
  await workers.whenIdle();
  expect(workers.has('a')).toBe(false);
  expect(clock.pending()).toBe(0);
});

test('a failing sync retries later; stop cancels timers', async () => {
  const clock = new FakeClock();
  let n = 0;
  const workers = new PodWorkers(async () => { n++; throw new Error('boom'); }, clock, silentLogger());
  workers.enqueue('a');
  await workers.whenIdle();
  expect(n).toBe(1);
  clock.step(5000);
  await workers.whenIdle();
  expect(n).toBe(2);
  await workers.stop();
  expect(clock.pending()).toBe(0);
});
