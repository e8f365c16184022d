// Jobs (SetDefaults_Job, registry/batch/job strategy.go generateSelector, ValidateJob*):
// parallelism and completions 1, backoffLimit 6, NonIndexed, not suspended; unless
// manualSelector, the selector is generated from the job's uid and the template labelled with it.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Job, JobSpec } from '../../../api/batch/v1';
import { deepEqual } from '../../apimachinery';
import { immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';
import { defaultTemplate, nonNegative, validateSelectedTemplate } from './workload';

export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
const legacyControllerUid = 'controller-uid';
const legacyJobName = 'job-name';

/** The pod template defaults plus the job-level defaults (SetDefaults_Job). */
export const defaultJobSpec = (spec: JobSpec): JobSpec => {
  const both = spec.completions === undefined && spec.parallelism === undefined;
  return {
    ...spec,
    ...(both ? { completions: 1 } : {}),
    parallelism: spec.parallelism ?? 1,
    backoffLimit: spec.backoffLimit ?? (spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6),
    completionMode: spec.completionMode ?? 'NonIndexed',
    suspend: spec.suspend ?? false,
    manualSelector: spec.manualSelector ?? false,
    podReplacementPolicy: spec.podReplacementPolicy ?? (spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed'),
    template: defaultTemplate(spec.template),
  };
};

/** generateSelector: labels the template with the job's uid and name and selects on the uid. */
const generateSelector = (obj: ApiObject): ApiObject => {
  const job = obj as Job;
  const spec = job.spec ?? ({} as JobSpec);
  if (spec.manualSelector || !obj.metadata.uid) return obj;
  const uid = obj.metadata.uid;
  const name = obj.metadata.name ?? '';
  const labels = {
    ...(spec.template?.metadata?.labels ?? {}),
    [controllerUidLabel]: uid, [jobNameLabel]: name, [legacyControllerUid]: uid, [legacyJobName]: name,
  };
  const template = { ...spec.template, metadata: { ...(spec.template?.metadata ?? {}), labels } };
  const generated = { matchLabels: { [controllerUidLabel]: uid } };
  // A user-supplied selector without manualSelector is kept so validation can refuse it.
  return { ...obj, spec: { ...spec, template, selector: spec.selector ?? generated } };
};

/** A job without labels takes its template's (SetDefaults_Job), after the generated ones are added. */
const labelFromTemplate = (obj: ApiObject): ApiObject => {
  const labels = (obj as Job).spec?.template?.metadata?.labels;
  return Object.keys(obj.metadata.labels ?? {}).length === 0 && labels ? { ...obj, metadata: { ...obj.metadata, labels } } : obj;
};

const validateJob = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as Job).spec;
  if (!spec) return [required('spec')];
  const causes = [
    ...nonNegative('spec.parallelism', spec.parallelism), ...nonNegative('spec.completions', spec.completions),
    ...nonNegative('spec.backoffLimit', spec.backoffLimit),
    ...validateSelectedTemplate(spec.selector, spec.template, 'spec', ['OnFailure', 'Never']),
  ];
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) {
    causes.push(invalidValue('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than 0'));
  }
  const mode = spec.completionMode;
  if (mode && !['NonIndexed', 'Indexed'].includes(mode)) causes.push(unsupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && spec.completions === undefined) causes.push(required('spec.completions'));
  const uid = obj.metadata.uid;
  if (!spec.manualSelector && uid && spec.selector && !deepEqual(spec.selector, { matchLabels: { [controllerUidLabel]: uid } })) {
    causes.push(invalidValue('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return causes;
};

export const jobStrategy = simpleStrategy({
  onCreate: (obj) => labelFromTemplate(generateSelector({ ...obj, spec: defaultJobSpec((obj as Job).spec ?? ({} as JobSpec)) })),
  defaults: (obj) => ({ ...obj, spec: defaultJobSpec((obj as Job).spec ?? ({} as JobSpec)) }),
  validate: validateJob,
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.selector', 'spec.completionMode', 'spec.template']),
  hasStatus: true,
  fieldLabels: ['status.successful'],
});
