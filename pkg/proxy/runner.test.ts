import { FakeClock, flushPromises } from '../client/fake-clock';
import { SyncRunner } from './runner';

const setup = (fail = () => false) => {
  const clock = new FakeClock(10_000);
  const runs: number[] = [];
  const errors: unknown[] = [];
  const runner = new SyncRunner({
    minIntervalMs: 1000, maxIntervalMs: 30_000, clock,
    run: async () => { runs.push(clock.now()); if (fail()) throw new Error('restore failed'); },
    onError: (err) => errors.push(err),
  });
  return { clock, runs, errors, runner };
};

const step = async (clock: FakeClock, ms: number) => { clock.step(ms); await flushPromises(); };

test('the first request runs at once; a burst of requests within the minimum interval is one more run, 1 s later', async () => {
  const { clock, runs, runner } = setup();
  runner.start();
  runner.request();
  await step(clock, 0);
  expect(runs).toEqual([10_000]);
  for (let i = 0; i < 50; i++) { runner.request(); await step(clock, 10); }
  await step(clock, 2000);
  expect(runs).toEqual([10_000, 11_000]);
  await runner.stop();
  expect(clock.pending()).toBe(0);
});

test('with no request a full resync still runs every maxInterval', async () => {
  const { clock, runs, runner } = setup();
  runner.start();
  await step(clock, 30_000);
  await step(clock, 30_000);
  expect(runs).toEqual([40_000, 70_000]);
  await runner.stop();
});

test('a request during a run is coalesced into one run after it', async () => {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  let release = () => {};
  const runner = new SyncRunner({
    minIntervalMs: 1000, maxIntervalMs: 30_000, clock, onError: () => {},
    run: () => { runs.push(clock.now()); return runs.length === 1 ? new Promise<void>((r) => { release = r; }) : Promise.resolve(); },
  });
  runner.request();
  await step(clock, 0);
  runner.request();
  runner.request();
  await step(clock, 5000); // the first run is still going
  expect(runs).toEqual([0]);
  release();
  await step(clock, 0);
  await step(clock, 0);
  expect(runs).toEqual([0, 5000]); // at once: the last run started more than minInterval ago
  await runner.stop();
});

test('a failed run is reported and retried after the minimum interval', async () => {
  let failures = 1;
  const { clock, runs, errors, runner } = setup(() => failures-- > 0);
  runner.request();
  await step(clock, 0);
  expect(errors).toHaveLength(1);
  await step(clock, 1000);
  expect(runs).toEqual([10_000, 11_000]);
  await runner.stop();
});

test('stop cancels what is scheduled', async () => {
  const { clock, runs, runner } = setup();
  runner.start();
  runner.request();
  await runner.stop();
  await step(clock, 60_000);
  expect(runs).toEqual([]);
});
