import type { ApiJob, JobSpec } from '../../../api/batch/v1';
import type { ApiPod } from '../../../api/core/v1';
import { planJob } from './plan';
import { formatIndexes, remainingBackoffMs } from './pods';
import { podForJob } from './reconcile';

const NOW = Date.parse('2025-01-01T00:10:00Z');
const at = (sAgo: number) => new Date(NOW - sAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const job = (spec: Partial<JobSpec> = {}, status: ApiJob['status'] = { startTime: at(60) }): ApiJob => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name: 'pi', namespace: 'ns', uid: 'job-uid', resourceVersion: '5' },
  spec: {
    completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', ...spec,
    template: { metadata: { labels: { 'batch.kubernetes.io/job-name': 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
  },
  status,
});

const pod = (name: string, phase: string, o: { finishedAgo?: number; index?: number; deleting?: boolean; restarts?: number } = {}): ApiPod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: at(300),
    ...(o.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(o.index) } } : {}),
    ...(o.deleting ? { deletionTimestamp: at(1) } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: {
    phase,
    containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: o.restarts ?? 0,
      state: o.finishedAgo !== undefined ? { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: at(o.finishedAgo) } } : { running: {} } }],
  },
});
const types = (j: ReturnType<typeof planJob>) => (j.status.conditions ?? []).map((c) => `${c.type}/${c.reason ?? ''}`);

describe('planJob', () => {
  it('starts a new job: startTime and the first pods, up to parallelism and the completions left', () => {
    const plan = planJob(job({ completions: 5, parallelism: 2 }, {}), [], NOW);
    expect(plan.create).toEqual([null, null]);
    expect(plan.status.startTime).toBe(at(0));
    expect(planJob(job({ completions: 3, parallelism: 5 }), [pod('a', 'Succeeded', { finishedAgo: 5 })], NOW).create).toHaveLength(2);
  });

  it('completes once enough pods succeeded: SuccessCriteriaMet and Complete with completionTime', () => {
    const plan = planJob(job(), [pod('a', 'Succeeded', { finishedAgo: 5 })], NOW);
    expect(types(plan)).toEqual(['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
    expect(plan.status).toMatchObject({ succeeded: 1, completionTime: at(0), ready: 0, terminating: 0 });
    expect(plan.status.active).toBeUndefined();
    expect(plan.events).toEqual([{ type: 'Normal', reason: 'Completed', message: 'Job completed' }]);
  });

  it('stops the pods still running when the success criteria are met, and completes only when none is left', () => {
    const plan = planJob(job({ completions: 1, parallelism: 2 }), [pod('a', 'Succeeded', { finishedAgo: 5 }), pod('b', 'Running')], NOW);
    expect(plan.delete.map((p) => p.metadata.name)).toEqual(['b']);
    expect(types(plan)).toEqual(['SuccessCriteriaMet/CompletionsReached']);
  });

  it('a work queue job (no completions) completes when one pod succeeded and none runs', () => {
    const spec = { completions: undefined, parallelism: 2 };
    expect(planJob(job(spec), [pod('a', 'Succeeded', { finishedAgo: 1 }), pod('b', 'Running')], NOW).create).toEqual([]);
    expect(types(planJob(job(spec), [pod('a', 'Succeeded', { finishedAgo: 1 })], NOW))).toContain('Complete/CompletionsReached');
  });

  it('fails past backoffLimit: FailureTarget, then Failed once no pod runs', () => {
    const failed = [pod('a', 'Failed', { finishedAgo: 30 }), pod('b', 'Failed', { finishedAgo: 5 })];
    const plan = planJob(job({ backoffLimit: 1 }), failed, NOW);
    expect(types(plan)).toEqual(['FailureTarget/BackoffLimitExceeded', 'Failed/BackoffLimitExceeded']);
    expect(plan.status.failed).toBe(2);
    expect(plan.status.completionTime).toBeUndefined();
    expect(plan.status.conditions?.[1]?.message).toBe('Job has reached the specified backoff limit');
    expect(plan.events).toEqual([{ type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]);
  });

  it('counts container restarts as failures with restartPolicy OnFailure', () => {
    const j = job({ backoffLimit: 2 });
    if (j.spec?.template.spec) j.spec.template.spec.restartPolicy = 'OnFailure';
    expect(types(planJob(j, [pod('a', 'Running', { restarts: 3 })], NOW))).toEqual(['FailureTarget/BackoffLimitExceeded']);
  });

  it('fails past activeDeadlineSeconds and deletes the running pods; before it, asks to be woken at the deadline', () => {
    const late = planJob(job({ activeDeadlineSeconds: 30 }), [pod('a', 'Running')], NOW);
    expect(types(late)).toEqual(['FailureTarget/DeadlineExceeded']);
    expect(late.delete).toHaveLength(1);
    const early = planJob(job({ activeDeadlineSeconds: 100 }), [pod('a', 'Running')], NOW);
    expect(early.requeueAfterMs).toBe(40_000);
  });

  it('waits out the back-off after failures before the next pod', () => {
    const plan = planJob(job(), [pod('a', 'Failed', { finishedAgo: 4 })], NOW);
    expect(plan.create).toEqual([]);
    expect(plan.requeueAfterMs).toBe(6000);
    expect(planJob(job(), [pod('a', 'Failed', { finishedAgo: 11 })], NOW).create).toEqual([null]);
  });

  it('keeps counts from pods that are gone, and does nothing more for a finished job', () => {
    expect(planJob(job({ completions: 3 }, { startTime: at(60), succeeded: 2 }), [], NOW).create).toHaveLength(1);
    const done = job({}, { startTime: at(60), succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] });
    expect(planJob(done, [], NOW)).toMatchObject({ create: [], delete: [] });
  });

  it('Indexed: creates the lowest missing indexes and reports completedIndexes', () => {
    const spec = { completionMode: 'Indexed', completions: 5, parallelism: 2 };
    const plan = planJob(job(spec), [pod('a', 'Succeeded', { index: 0, finishedAgo: 1 }), pod('b', 'Running', { index: 1 })], NOW);
    expect(plan.create).toEqual([2]);
    expect(plan.status.completedIndexes).toBe('0');
    const all = [0, 1, 2, 3, 4].map((i) => pod(`p${i}`, 'Succeeded', { index: i, finishedAgo: 1 }));
    expect(types(planJob(job(spec), all, NOW))).toContain('Complete/CompletionsReached');
  });

  it('replaces a terminating pod at once, or only once it is gone with podReplacementPolicy Failed', () => {
    const terminating = [pod('a', 'Running', { deleting: true })];
    expect(planJob(job(), terminating, NOW).create).toEqual([null]);
    expect(planJob(job({ podReplacementPolicy: 'Failed' }), terminating, NOW).create).toEqual([]);
    expect(planJob(job(), terminating, NOW).status.terminating).toBe(1);
  });

  it('suspended: no pods, running ones deleted, Suspended condition', () => {
    const plan = planJob(job({ suspend: true }, {}), [pod('a', 'Running')], NOW);
    expect(plan.delete).toHaveLength(1);
    expect(types(plan)).toEqual(['Suspended/JobSuspended']);
    expect(plan.status.startTime).toBeUndefined();
  });
});

describe('remainingBackoffMs', () => {
  it('doubles from the base per failure since the last success, capped at 6 minutes', () => {
    const f = (ago: number) => pod(`f${ago}`, 'Failed', { finishedAgo: ago });
    expect(remainingBackoffMs([], NOW)).toBe(0);
    expect(remainingBackoffMs([f(30), f(20), f(1)], NOW)).toBe(39_000);
    expect(remainingBackoffMs([f(30), pod('s', 'Succeeded', { finishedAgo: 25 }), f(1)], NOW)).toBe(9000);
    expect(remainingBackoffMs(Array.from({ length: 20 }, (_, i) => f(i + 1)), NOW)).toBe(359_000);
  });
});

describe('formatIndexes and podForJob', () => {
  it('compresses index ranges', () => {
    expect(formatIndexes([4, 0, 1, 2, 6, 7])).toBe('0-2,4,6-7');
    expect(formatIndexes([])).toBe('');
  });

  it('builds pods owned by the job; Indexed pods carry their index and hostname', () => {
    const p = podForJob(job(), null);
    expect(p.metadata).toMatchObject({ generateName: 'pi-', ownerReferences: [{ kind: 'Job', name: 'pi', uid: 'job-uid', controller: true }] });
    const i = podForJob(job({ completionMode: 'Indexed', completions: 3 }), 2);
    expect(i.metadata.generateName).toBe('pi-2-');
    expect(i.metadata.annotations).toEqual({ 'batch.kubernetes.io/job-completion-index': '2' });
    expect(i.spec?.hostname).toBe('pi-2');
    expect(i.spec?.containers[0]?.env?.[0]?.name).toBe('JOB_COMPLETION_INDEX');
  });
});
