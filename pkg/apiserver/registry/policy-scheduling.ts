// policy/v1 PodDisruptionBudgets, scheduling.k8s.io/v1 PriorityClasses,
// discovery.k8s.io/v1 EndpointSlices and autoscaling/v2 HorizontalPodAutoscalers.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { PodDisruptionBudget } from '../../../api/policy/v1';
import type { PriorityClass } from '../../../api/scheduling/v1';
import type { EndpointSlice } from '../../../api/discovery/v1';
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec } from '../../../api/autoscaling/v2';
import { forbiddenField, immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';
import { validateIntOrPercent } from './workload';

export const podDisruptionBudgetStrategy = simpleStrategy({
  hasStatus: true,
  validate: (obj) => {
    const spec = (obj as PodDisruptionBudget).spec ?? {};
    const causes = [...validateIntOrPercent('spec.minAvailable', spec.minAvailable), ...validateIntOrPercent('spec.maxUnavailable', spec.maxUnavailable)];
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      causes.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
    }
    const policy = spec.unhealthyPodEvictionPolicy;
    if (policy && !['IfHealthyBudget', 'AlwaysAllow'].includes(policy)) causes.push(unsupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
    return causes;
  },
});

/** HighestUserDefinablePriority: larger values are for system-node-critical and the like. */
export const highestUserDefinablePriority = 1_000_000_000;

export const priorityClassStrategy = simpleStrategy({
  defaults: (obj) => ({ ...obj, preemptionPolicy: (obj as PriorityClass).preemptionPolicy ?? 'PreemptLowerPriority' }),
  validate: (obj) => {
    const pc = obj as PriorityClass;
    const causes: StatusCause[] = [];
    if (pc.value === undefined) causes.push(required('value'));
    const system = (obj.metadata.name ?? '').startsWith('system-');
    if (system && !['system-node-critical', 'system-cluster-critical'].includes(obj.metadata.name ?? '')) {
      causes.push(forbiddenField('metadata.name', 'priority class names with \'system-\' prefix are reserved'));
    } else if (!system && (pc.value ?? 0) > highestUserDefinablePriority) {
      causes.push(forbiddenField('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
    }
    const p = pc.preemptionPolicy;
    if (p && !['PreemptLowerPriority', 'Never'].includes(p)) causes.push(unsupported('preemptionPolicy', p, ['Never', 'PreemptLowerPriority']));
    return causes;
  },
  validateUpdate: (obj, old) => [
    ...immutableFields(obj, old, ['value', 'preemptionPolicy']).map((c) => ({ ...c, message: 'Forbidden: may not be changed in an update.', reason: 'FieldValueForbidden' })),
  ],
});

const addressTypes = ['IPv4', 'IPv6', 'FQDN'];

export const endpointSliceStrategy = simpleStrategy({
  validate: (obj) => {
    const es = obj as EndpointSlice;
    const causes: StatusCause[] = [];
    if (!addressTypes.includes(es.addressType)) causes.push(unsupported('addressType', es.addressType, addressTypes));
    (es.endpoints ?? []).forEach((e, i) => {
      if (e.addresses.length < 1 || e.addresses.length > 100) causes.push(invalidValue(`endpoints[${i}].addresses`, e.addresses.length, 'must contain at least 1 and at most 100 addresses'));
    });
    if ((es.endpoints?.length ?? 0) > 1000) causes.push({ reason: 'FieldValueTooMany', field: 'endpoints', message: 'Too many: must have at most 1000 items' });
    return causes;
  },
  validateUpdate: (obj, old) => immutableFields(obj, old, ['addressType']),
});

/** SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1 and, without metrics, 80% CPU. */
const defaultHpa = (obj: ApiObject): ApiObject => {
  const spec = (obj as HorizontalPodAutoscaler).spec ?? ({} as HorizontalPodAutoscalerSpec);
  const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
  return { ...obj, spec: { ...spec, minReplicas: spec.minReplicas ?? 1, metrics: spec.metrics?.length ? spec.metrics : [cpu] } };
};

export const horizontalPodAutoscalerStrategy = simpleStrategy({
  defaults: defaultHpa,
  hasStatus: true,
  validate: (obj) => {
    const spec = (obj as HorizontalPodAutoscaler).spec;
    if (!spec) return [required('spec')];
    const causes: StatusCause[] = [];
    if (!spec.scaleTargetRef?.kind) causes.push(required('spec.scaleTargetRef.kind'));
    if (!spec.scaleTargetRef?.name) causes.push(required('spec.scaleTargetRef.name'));
    if (spec.minReplicas !== undefined && spec.minReplicas < 1) causes.push(invalidValue('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
    if (spec.maxReplicas < 1) causes.push(invalidValue('spec.maxReplicas', spec.maxReplicas, 'must be greater than 0'));
    if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
      causes.push(invalidValue('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
    }
    return causes;
  },
});
