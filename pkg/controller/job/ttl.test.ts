import type { ApiJob } from '../../../api/batch/v1';
import type { DeleteOptions } from '../../../api/meta/v1';
import { UIDTrackingControllerExpectations, type Clock } from '../../client';
import { silentLogger } from '../../log';
import { reconcileJob, type JobDeps } from './reconcile';

const NOW = Date.parse('2025-01-01T00:10:00Z');
const finished = (ttl?: number): ApiJob => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'done', namespace: 'ns', uid: 'job-uid', resourceVersion: '4' },
  spec: { ttlSecondsAfterFinished: ttl, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  status: { succeeded: 1, terminating: 0, ready: 0, startTime: '2025-01-01T00:09:00Z', completionTime: '2025-01-01T00:09:50Z',
    conditions: [{ type: 'Complete', status: 'True' }] },
});

const deps = (job: ApiJob) => {
  const deleted: Array<{ name: string; opts?: DeleteOptions }> = [];
  const clock = { now: () => NOW } as Clock;
  const d: JobDeps = {
    jobs: { get: () => job }, pods: { byIndex: () => [] },
    podClient: { create: async (_ns, p) => p, delete: async () => ({}) },
    jobClient: { updateStatus: async (_ns, j) => j, delete: async (_ns, name, opts) => { deleted.push({ name, opts }); return {}; } },
    expectations: new UIDTrackingControllerExpectations(clock), recorder: { event: () => undefined }, log: silentLogger(), clock,
  };
  return { d, deleted };
};

describe('ttlSecondsAfterFinished', () => {
  it('deletes a finished job once its time is up, in the background with a uid precondition', async () => {
    const { d, deleted } = deps(finished(5));
    expect(await reconcileJob('ns/done', d)).toBeUndefined();
    expect(deleted).toEqual([{ name: 'done', opts: { propagationPolicy: 'Background', preconditions: { uid: 'job-uid' } } }]);
  });
  it('waits for the time left, and never deletes a job without a ttl', async () => {
    const later = deps(finished(60));
    expect(await reconcileJob('ns/done', later.d)).toEqual({ requeueAfterMs: 50_000 });
    expect(later.deleted).toEqual([]);
    const none = deps(finished());
    expect(await reconcileJob('ns/done', none.d)).toBeUndefined();
    expect(none.deleted).toEqual([]);
  });
});
