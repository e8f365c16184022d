// DaemonSets (SetDefaults_DaemonSet, ValidateDaemonSet): RollingUpdate with maxUnavailable 1 and
// maxSurge 0, history 10; pods restart Always; the selector is immutable.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { DaemonSet, DaemonSetSpec } from '../../../api/apps/v1';
import { immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';
import { defaultTemplate, isZero, nonNegative, validateIntOrPercent, validateSelectedTemplate } from './workload';

const withDefaults = (obj: ApiObject): ApiObject => {
  const spec = (obj as DaemonSet).spec ?? ({} as DaemonSetSpec);
  const us = spec.updateStrategy ?? {};
  const type = us.type ?? 'RollingUpdate';
  const updateStrategy = type === 'RollingUpdate'
    ? { ...us, type, rollingUpdate: { maxUnavailable: 1, maxSurge: 0, ...(us.rollingUpdate ?? {}) } } : { ...us, type };
  return { ...obj, spec: { ...spec, updateStrategy, revisionHistoryLimit: spec.revisionHistoryLimit ?? 10, template: defaultTemplate(spec.template) } };
};

const validateDs = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as DaemonSet).spec;
  if (!spec) return [required('spec')];
  const causes = [
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateSelectedTemplate(spec.selector, spec.template, 'spec', ['Always']),
  ];
  const us = spec.updateStrategy;
  if (us?.type && !['RollingUpdate', 'OnDelete'].includes(us.type)) causes.push(unsupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  const ru = us?.rollingUpdate;
  if (ru) {
    causes.push(...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable),
      ...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxSurge', ru.maxSurge));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      causes.push(invalidValue('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return causes;
};

export const daemonSetStrategy = simpleStrategy({
  defaults: withDefaults,
  validate: validateDs,
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.selector']),
  hasStatus: true,
});
