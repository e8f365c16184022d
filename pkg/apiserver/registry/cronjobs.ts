// CronJobs (SetDefaults_CronJob, ValidateCronJob*): concurrencyPolicy Allow, not suspended,
// history limits 3 and 1; a standard cron schedule; job pods restart OnFailure or Never.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { CronJob, CronJobSpec } from '../../../api/batch/v1';
import { forbiddenField, invalidValue, required, simpleStrategy, unsupported } from './strategy';
import { defaultTemplate, nonNegative, validateTemplate } from './workload';

const descriptors = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const fieldRanges: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const names = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const validField = (f: string, [lo, hi]: [number, number]): boolean => f.split(',').every((part) => {
  const [range, step] = part.split('/');
  if (step !== undefined && !/^\d+$/.test(step)) return false;
  if (range === '*' || range === '?') return true;
  return range.split('-').every((v) => (/^\d+$/.test(v) ? Number(v) >= lo && Number(v) <= hi : names.includes(v.toLowerCase())));
});

/** robfig/cron's standard parser: five fields or a descriptor; `@every <duration>` too. */
export const validCronSchedule = (s: string): boolean => {
  const t = s.trim().replace(/^(CRON_)?TZ=\S+\s+/, '');
  if (descriptors.includes(t) || /^@every \d+(ns|us|µs|ms|s|m|h)+/.test(t)) return true;
  const fields = t.split(/\s+/);
  return fields.length === 5 && fields.every((f, i) => validField(f, fieldRanges[i]));
};

const withDefaults = (obj: ApiObject): ApiObject => {
  const spec = (obj as CronJob).spec ?? ({} as CronJobSpec);
  const jt = spec.jobTemplate ?? { spec: {} };
  return {
    ...obj,
    spec: {
      ...spec,
      concurrencyPolicy: spec.concurrencyPolicy ?? 'Allow',
      suspend: spec.suspend ?? false,
      successfulJobsHistoryLimit: spec.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: spec.failedJobsHistoryLimit ?? 1,
      jobTemplate: { ...jt, spec: { ...(jt.spec ?? {}), template: defaultTemplate(jt.spec?.template) } },
    },
  };
};

const validateCronJob = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as CronJob).spec;
  if (!spec) return [required('spec')];
  const causes: StatusCause[] = [];
  if ((obj.metadata.name ?? '').length > 52) causes.push(invalidValue('metadata.name', obj.metadata.name, 'must be no more than 52 characters'));
  if (!spec.schedule) causes.push(required('spec.schedule'));
  else if (/TZ=/.test(spec.schedule)) causes.push(invalidValue('spec.schedule', spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  else if (!validCronSchedule(spec.schedule)) causes.push(invalidValue('spec.schedule', spec.schedule, 'unparseable cron schedule'));
  const cp = spec.concurrencyPolicy;
  if (cp && !['Allow', 'Forbid', 'Replace'].includes(cp)) causes.push(unsupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  causes.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit),
    ...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit),
    ...nonNegative('spec.startingDeadlineSeconds', spec.startingDeadlineSeconds));
  const js = spec.jobTemplate?.spec;
  if (!js) return [...causes, required('spec.jobTemplate.spec')];
  if (js.manualSelector) causes.push(forbiddenField('spec.jobTemplate.spec.manualSelector', 'may not be set in a job template'));
  // Jobs get generated selectors, so only the template is checked here.
  return [...causes, ...validateTemplate(js.template, 'spec.jobTemplate.spec', ['OnFailure', 'Never'])];
};

export const cronJobStrategy = simpleStrategy({ defaults: withDefaults, validate: validateCronJob, hasStatus: true });
