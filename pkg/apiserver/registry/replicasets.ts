// ReplicaSets (pkg/registry/apps/replicaset/strategy.go): replicas default to 1, the template
// is defaulted like a pod, the selector must select the template, status is its own strategy.
import type { ApiObject, LabelSelector, StatusCause } from '../../../api/meta/v1';
import type { ReplicaSet } from '../../../api/apps/v1';
import type { PodSpec } from '../../../api/core/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import { defaultPodSpec, validatePodSpec } from './pod-spec';
import { bumpGenerationOnSpecChange, fieldsAt, invalidValue, required, statusOnly, type ResourceStrategy } from './strategy';

const asRs = (obj: ApiObject): ReplicaSet => obj as ReplicaSet;

const withDefaults = (obj: ApiObject): ApiObject => {
  const rs = asRs(obj);
  const spec = rs.spec ?? { selector: {} };
  const template = spec.template ?? {};
  return {
    ...obj,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      template: { ...template, spec: defaultPodSpec(template.spec ?? ({ containers: [] } as PodSpec)) },
    },
  };
};

const selectorMatches = (sel: LabelSelector, labels: Record<string, string>): boolean =>
  selectorFromLabelSelector(sel).matches(labels);

const validateRs = (obj: ApiObject): StatusCause[] => {
  const spec = asRs(obj).spec;
  if (!spec) return [required('spec')];
  const causes: StatusCause[] = [];
  if ((spec.replicas ?? 0) < 0) causes.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  const sel = spec.selector;
  const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (empty) causes.push(required('spec.selector'));
  const labels = spec.template?.metadata?.labels ?? {};
  if (!empty && !selectorMatches(sel, labels)) {
    causes.push(invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  causes.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec'));
  return causes;
};

export const replicaSetStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    const out = withDefaults(obj);
    delete out.status;
    return out;
  },
  prepareForUpdate: (obj, old) => bumpGenerationOnSpecChange({ ...withDefaults(obj), status: old.status }, old),
  validate: validateRs,
  validateUpdate: (obj) => validateRs(obj),
  fieldLabels: (obj) => fieldsAt(obj, ['status.replicas']),
  status: statusOnly(),
};
