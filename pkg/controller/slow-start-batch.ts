// slowStartBatch (k8s pkg/controller/replicaset/replica_set.go): calls `fn` `count` times in
// batches of 1, 2, 4, … running each batch in parallel, and stops at the first batch with a
// failure. A request that is bound to fail (quota, a bad template) then fails once, not 500 times.
export interface SlowStartResult { successes: number; error?: unknown }

export const slowStartBatch = async (count: number, initialBatchSize: number, fn: () => Promise<unknown>): Promise<SlowStartResult> => {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
};
