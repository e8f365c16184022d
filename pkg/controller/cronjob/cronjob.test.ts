import type { ApiCronJob, ApiJob, CronJobSpec } from '../../../api/batch/v1';
import type { EventRecorder } from '../../client';
import { silentLogger } from '../../log';
import { mostRecentScheduleTime, nextAfter, parseSchedule } from './schedule';
import { reconcileCronJob, type CronJobDeps } from './sync';

const T = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('parseSchedule and nextAfter', () => {
  const next = (spec: string, from: string) => iso(nextAfter(parseSchedule(spec), T(from)) ?? 0);
  it('steps, ranges, lists and names', () => {
    expect(next('*/15 * * * *', '2025-01-01T00:07:30Z')).toBe('2025-01-01T00:15:00Z');
    expect(next('0 9-17/4 * * *', '2025-01-01T10:00:00Z')).toBe('2025-01-01T13:00:00Z');
    expect(next('5,10 0 * * *', '2025-01-01T00:05:00Z')).toBe('2025-01-01T00:10:00Z');
    expect(next('0 0 1 feb *', '2025-01-01T00:00:00Z')).toBe('2025-02-01T00:00:00Z');
    expect(next('0 0 * * MON', '2025-01-01T00:00:00Z')).toBe('2025-01-06T00:00:00Z'); // Jan 1 2025 is a Wednesday
    expect(next('0 0 * * 7', '2025-01-01T00:00:00Z')).toBe('2025-01-05T00:00:00Z');
  });
  it('macros, and either day field when both are restricted', () => {
    expect(next('@hourly', '2025-01-01T00:00:00Z')).toBe('2025-01-01T01:00:00Z');
    expect(next('@monthly', '2025-01-15T00:00:00Z')).toBe('2025-02-01T00:00:00Z');
    expect(next('0 0 15 * MON', '2025-01-01T00:00:00Z')).toBe('2025-01-06T00:00:00Z');
    expect(next('0 0 31 2 *', '2025-01-01T00:00:00Z')).toBe('1970-01-01T00:00:00Z'); // never
  });
  it('refuses what cron refuses', () => {
    expect(() => parseSchedule('* * * *')).toThrow('expected exactly 5 fields');
    expect(() => parseSchedule('61 * * * *')).toThrow();
    expect(() => parseSchedule('*/0 * * * *')).toThrow();
    expect(() => parseSchedule('a * * * *')).toThrow();
  });
  it('mostRecentScheduleTime counts the missed minutes and returns the newest', () => {
    expect(mostRecentScheduleTime(parseSchedule('* * * * *'), T('2025-01-01T00:00:00Z'), T('2025-01-01T00:03:30Z')))
      .toEqual({ time: T('2025-01-01T00:03:00Z'), missed: 3 });
    expect(mostRecentScheduleTime(parseSchedule('0 * * * *'), T('2025-01-01T00:00:00Z'), T('2025-01-01T00:30:00Z'))).toEqual({ missed: 0 });
    const far = mostRecentScheduleTime(parseSchedule('* * * * *'), T('2020-01-01T00:00:00Z'), T('2025-01-01T00:03:30Z'));
    expect(far.time).toBe(T('2025-01-01T00:03:00Z'));
    expect(far.missed).toBeGreaterThan(100);
  });
});

const NOW = T('2025-01-01T00:05:30Z');
const cronJob = (spec: Partial<CronJobSpec> = {}, status: ApiCronJob['status'] = {}): ApiCronJob => ({
  apiVersion: 'batch/v1', kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'ns', uid: 'cj-uid', creationTimestamp: '2025-01-01T00:04:10Z', resourceVersion: '3' },
  spec: { schedule: '* * * * *', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec },
  status,
});
const ownedJob = (name: string, cond?: 'Complete' | 'Failed', start = '2025-01-01T00:01:00Z'): ApiJob => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }] },
  spec: { template: {} },
  status: { startTime: start, ...(cond ? { conditions: [{ type: cond, status: 'True' }], completionTime: '2025-01-01T00:02:00Z' } : {}) },
});

const setup = (cj: ApiCronJob, jobs: ApiJob[] = []) => {
  const created: ApiJob[] = [];
  const deleted: string[] = [];
  const statuses: ApiCronJob[] = [];
  const events: string[] = [];
  const recorder: EventRecorder = { event: (_o, _t, reason) => { events.push(reason); } };
  const d: CronJobDeps = {
    cronJobs: { get: () => cj }, jobs: { byIndex: () => jobs },
    jobClient: {
      create: async (_ns, j) => { created.push(j); return { ...j, metadata: { ...j.metadata, uid: `uid-${j.metadata.name}`, resourceVersion: '9' } }; },
      delete: async (_ns, name) => { deleted.push(name); return {}; },
    },
    cronJobClient: { updateStatus: async (_ns, o) => { statuses.push(o); return o; } },
    recorder, log: silentLogger(), clock: { now: () => NOW } as CronJobDeps['clock'],
  };
  return { d, created, deleted, statuses, events };
};

describe('reconcileCronJob', () => {
  it('creates the job of the most recent schedule, records it active, and wakes at the next minute', async () => {
    const s = setup(cronJob());
    expect(await reconcileCronJob('ns/tick', s.d)).toEqual({ requeueAfterMs: 30_100 });
    const minutes = Math.floor(T('2025-01-01T00:05:00Z') / 60_000);
    expect(s.created[0]?.metadata).toMatchObject({
      name: `tick-${minutes}`, labels: { a: 'b' },
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T00:05:00Z' },
      ownerReferences: [{ kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true }],
    });
    expect(s.statuses[0]?.status).toEqual({
      lastScheduleTime: '2025-01-01T00:05:00Z',
      active: [{ apiVersion: 'batch/v1', kind: 'Job', name: `tick-${minutes}`, namespace: 'ns', uid: `uid-tick-${minutes}`, resourceVersion: '9' }],
    });
  });

  it('does nothing before the next schedule, nor when suspended', async () => {
    const s = setup(cronJob({}, { lastScheduleTime: '2025-01-01T00:05:00Z' }));
    await reconcileCronJob('ns/tick', s.d);
    expect(s.created).toEqual([]);
    const sus = setup(cronJob({ suspend: true }));
    expect(await reconcileCronJob('ns/tick', sus.d)).toBeUndefined();
    expect(sus.created).toEqual([]);
  });

  it('Forbid skips while a job runs; Replace deletes it first', async () => {
    const forbid = setup(cronJob({ concurrencyPolicy: 'Forbid' }), [ownedJob('old')]);
    await reconcileCronJob('ns/tick', forbid.d);
    expect(forbid.created).toEqual([]);
    expect(forbid.events).toContain('JobAlreadyActive');
    const replace = setup(cronJob({ concurrencyPolicy: 'Replace' }), [ownedJob('old')]);
    await reconcileCronJob('ns/tick', replace.d);
    expect(replace.deleted).toEqual(['old']);
    expect(replace.created).toHaveLength(1);
  });

  it('misses a schedule older than startingDeadlineSeconds', async () => {
    const s = setup(cronJob({ startingDeadlineSeconds: 10 }));
    await reconcileCronJob('ns/tick', s.d);
    expect(s.created).toEqual([]);
    expect(s.events).toContain('MissSchedule');
  });

  it('moves finished jobs out of active, sets lastSuccessfulTime, and keeps only the history limits', async () => {
    const jobs = [
      ownedJob('s1', 'Complete', '2025-01-01T00:01:00Z'), ownedJob('s2', 'Complete', '2025-01-01T00:02:00Z'),
      ownedJob('f1', 'Failed', '2025-01-01T00:01:00Z'), ownedJob('f2', 'Failed', '2025-01-01T00:03:00Z'),
    ];
    const cj = cronJob({ successfulJobsHistoryLimit: 1 }, { lastScheduleTime: '2025-01-01T00:05:00Z', active: [{ kind: 'Job', name: 's2', uid: 'uid-s2' }] });
    const s = setup(cj, jobs);
    await reconcileCronJob('ns/tick', s.d);
    expect(s.deleted.sort()).toEqual(['f1', 's1']);
    expect(s.statuses[0]?.status).toEqual({ lastScheduleTime: '2025-01-01T00:05:00Z', lastSuccessfulTime: '2025-01-01T00:02:00Z' });
    expect(s.events).toContain('SawCompletedJob');
  });

  it('reports an unparseable schedule and an unknown time zone without creating anything', async () => {
    const bad = setup(cronJob({ schedule: 'nope' }));
    await reconcileCronJob('ns/tick', bad.d);
    expect(bad.events).toEqual(['UnparseableSchedule']);
    const tz = setup(cronJob({ timeZone: 'Europe/Paris' }));
    await reconcileCronJob('ns/tick', tz.d);
    expect(tz.events).toEqual(['UnknownTimeZone']);
    expect([...bad.created, ...tz.created]).toEqual([]);
  });
});
