import { slowStartBatch } from './slow-start-batch';

test.each([
  { name: 'all succeed in growing batches', count: 10, failAt: -1, want: { successes: 10, calls: 10, error: false } },
  { name: 'stops after the batch with the first failure', count: 10, failAt: 2, want: { successes: 2, calls: 3, error: true } },
  { name: 'first call fails', count: 5, failAt: 0, want: { successes: 0, calls: 1, error: true } },
  { name: 'nothing to do', count: 0, failAt: -1, want: { successes: 0, calls: 0, error: false } },
])('$name', async ({ count, failAt, want }) => {
  let calls = 0;
  const res = await slowStartBatch(count, 1, async () => {
    if (calls++ === failAt) throw new Error('quota');
  });
  expect({ successes: res.successes, calls, error: res.error !== undefined }).toEqual(want);
});
