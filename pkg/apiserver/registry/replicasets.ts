// ReplicaSets (pkg/registry/apps/replicaset/strategy.go): replicas default to 1, the template
// is defaulted like a pod, the selector must select the template and cannot change; status is
// its own strategy.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { ReplicaSet, ReplicaSetSpec } from '../../../api/apps/v1';
import { immutableFields, required, simpleStrategy } from './strategy';
import { defaultTemplate, nonNegative, validateSelectedTemplate } from './workload';

const withDefaults = (obj: ApiObject): ApiObject => {
  const spec = (obj as ReplicaSet).spec ?? ({ selector: {} } as ReplicaSetSpec);
  return { ...obj, spec: { ...spec, replicas: spec.replicas ?? 1, template: defaultTemplate(spec.template) } };
};

const validateRs = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as ReplicaSet).spec;
  if (!spec) return [required('spec')];
  return [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectedTemplate(spec.selector, spec.template, 'spec', ['Always']),
  ];
};

export const replicaSetStrategy = simpleStrategy({
  defaults: withDefaults,
  validate: validateRs,
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.selector']),
  hasStatus: true,
  fieldLabels: ['status.replicas'],
});
