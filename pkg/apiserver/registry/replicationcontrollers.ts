// ReplicationControllers (pkg/registry/core/replicationcontroller/strategy.go): served so that
// `kubectl apply --prune` finds every kind of its default allowlist; no controller acts on them.
// Replicas default to 1, an empty selector defaults to the template's labels, the template is
// defaulted like a pod and must carry the selector's labels.
import type { ReplicationController, ReplicationControllerSpec } from '../../../api/core/v1';
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import { required, simpleStrategy } from './strategy';
import { defaultTemplate, nonNegative, validateSelectedTemplate } from './workload';

const withDefaults = (obj: ApiObject): ApiObject => {
  const spec: ReplicationControllerSpec = (obj as ReplicationController).spec ?? {};
  const selector = spec.selector && Object.keys(spec.selector).length > 0 ? spec.selector : spec.template?.metadata?.labels;
  return { ...obj, spec: { ...spec, replicas: spec.replicas ?? 1, selector, template: defaultTemplate(spec.template) } };
};

const validateRc = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as ReplicationController).spec;
  if (!spec) return [required('spec')];
  return [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectedTemplate(spec.selector ? { matchLabels: spec.selector } : undefined, spec.template, 'spec', ['Always']),
  ];
};

export const replicationControllerStrategy = simpleStrategy({
  defaults: withDefaults,
  validate: validateRc,
  hasStatus: true,
  fieldLabels: ['status.replicas'],
});
