// What the workload strategies share (apps and batch strategy.go): pod templates defaulted like
// pods, selectors that must select the template, rolling-update int-or-string checks.
import type { LabelSelector, StatusCause } from '../../../api/meta/v1';
import type { PodSpec, PodTemplateSpec } from '../../../api/core/v1';
import { selectorFromLabelSelector } from '../../apimachinery';
import { defaultPodSpec, validatePodSpec } from './pod-spec';
import { invalidValue, required, unsupported } from './strategy';

/** A template with its pod spec defaulted (SetDefaults_PodSpec through the template). */
export const defaultTemplate = (t: PodTemplateSpec | undefined): PodTemplateSpec =>
  ({ ...(t ?? {}), spec: defaultPodSpec(t?.spec ?? ({ containers: [] } as PodSpec)) });

export const isEmptySelector = (sel: LabelSelector | undefined): boolean =>
  !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);

/**
 * ValidatePodTemplateSpecForX: a non-empty selector that selects the template's labels, a valid
 * pod spec and, where given, the restart policies the controller allows.
 */
export const validateSelectedTemplate = (sel: LabelSelector | undefined, t: PodTemplateSpec | undefined, path: string,
  restartPolicies?: string[]): StatusCause[] => {
  const causes: StatusCause[] = [];
  if (isEmptySelector(sel)) causes.push(required(`${path}.selector`));
  const labels = t?.metadata?.labels ?? {};
  if (!isEmptySelector(sel) && !selectorFromLabelSelector(sel).matches(labels)) {
    causes.push(invalidValue(`${path}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  return [...causes, ...validateTemplate(t, path, restartPolicies)];
};

/** The template alone: a valid pod spec whose restartPolicy the controller supports. */
export const validateTemplate = (t: PodTemplateSpec | undefined, path: string, restartPolicies?: string[]): StatusCause[] => {
  if (!t) return [required(`${path}.template`)];
  const causes = validatePodSpec(t.spec, `${path}.template.spec`);
  const rp = t.spec?.restartPolicy;
  if (restartPolicies && rp && !restartPolicies.includes(rp)) causes.push(unsupported(`${path}.template.spec.restartPolicy`, rp, restartPolicies));
  return causes;
};

export const nonNegative = (field: string, v: number | undefined): StatusCause[] =>
  (v !== undefined && v < 0 ? [invalidValue(field, v, 'must be greater than or equal to 0')] : []);

const percentRe = /^(\d+)%$/;

/** ValidatePositiveIntOrPercent (+ IsNotMoreThan100Percent): `2`, `25%`. */
export const validateIntOrPercent = (field: string, v: number | string | undefined): StatusCause[] => {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(field, v);
  const m = percentRe.exec(v);
  if (!m) return [invalidValue(field, v, 'a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')')];
  return Number(m[1]) > 100 ? [invalidValue(field, v, 'must not be greater than 100%')] : [];
};

/** True when an int-or-percent is zero (`0` or `0%`). */
export const isZero = (v: number | string | undefined): boolean => v === 0 || v === '0%';
