// autoscaling/v1 HorizontalPodAutoscalers: a view of the stored autoscaling/v2 objects (upstream
// stores one internal HPA and converts, pkg/apis/autoscaling/v1/conversion.go). v1 knows one
// metric, a CPU utilization target: targetCPUUtilizationPercentage ↔ metrics[type=Resource,
// name=cpu, target Utilization], currentCPUUtilizationPercentage ↔ the matching currentMetrics
// entry. Upstream carries what v1 cannot express (other metrics, behavior, conditions) in
// autoscaling.alpha.kubernetes.io/* annotations; we instead keep those fields from the stored
// object on a v1 write, so a v1 client's update never drops them.
import type { ApiObject } from '../../../api/meta/v1';
import type { HorizontalPodAutoscaler as V1Hpa } from '../../../api/autoscaling/v1';
import type { HorizontalPodAutoscaler as V2Hpa, MetricSpec, MetricStatus } from '../../../api/autoscaling/v2';
import { horizontalPodAutoscalerStrategy } from './policy-scheduling';
import type { ResourceStrategy } from './strategy';

const isCpuUtilization = (m: MetricSpec): boolean =>
  m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization';
const isCpuStatus = (m: MetricStatus): boolean =>
  m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current.averageUtilization !== undefined;

/** A stored autoscaling/v2 HPA as autoscaling/v1 serves it. */
export const hpaToV1 = (obj: ApiObject): ApiObject => {
  const hpa = obj as V2Hpa;
  const { spec, status, ...rest } = hpa;
  const out: V1Hpa & ApiObject = { ...rest, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' } as V1Hpa & ApiObject;
  if (spec) {
    const cpu = spec.metrics?.find(isCpuUtilization)?.resource?.target.averageUtilization;
    out.spec = {
      scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas,
      ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      ...(cpu !== undefined ? { targetCPUUtilizationPercentage: cpu } : {}),
    };
  }
  if (status) {
    const cpu = status.currentMetrics?.find(isCpuStatus)?.resource?.current.averageUtilization;
    out.status = {
      currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas,
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime !== undefined ? { lastScaleTime: status.lastScaleTime } : {}),
      ...(cpu !== undefined ? { currentCPUUtilizationPercentage: cpu } : {}),
    };
  }
  return out;
};

/**
 * An autoscaling/v1 HPA as autoscaling/v2 stores it. `stored` (the current v2 object, on
 * updates) supplies what v1 cannot say: metrics other than the CPU target, behavior, conditions.
 */
export const hpaFromV1 = (obj: ApiObject, stored?: ApiObject): ApiObject => {
  const hpa = obj as V1Hpa;
  const prev = stored as V2Hpa | undefined;
  const { spec, status, ...rest } = hpa;
  const out: V2Hpa & ApiObject = { ...rest, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' } as V2Hpa & ApiObject;
  if (spec) {
    const others = (prev?.spec?.metrics ?? []).filter((m) => !isCpuUtilization(m));
    const cpu: MetricSpec[] = spec.targetCPUUtilizationPercentage === undefined ? [] : [{
      type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } },
    }];
    const metrics = [...cpu, ...others];
    out.spec = {
      scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas,
      ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      ...(metrics.length ? { metrics } : {}),
      ...(prev?.spec?.behavior ? { behavior: prev.spec.behavior } : {}),
    };
  }
  if (status) {
    const others = (prev?.status?.currentMetrics ?? []).filter((m) => !isCpuStatus(m));
    const cpu: MetricStatus[] = status.currentCPUUtilizationPercentage === undefined ? [] : [{
      type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } },
    }];
    const currentMetrics = [...cpu, ...others];
    out.status = {
      currentReplicas: status.currentReplicas, desiredReplicas: status.desiredReplicas,
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime !== undefined ? { lastScaleTime: status.lastScaleTime } : {}),
      ...(currentMetrics.length ? { currentMetrics } : {}),
      ...(prev?.status?.conditions ? { conditions: prev.status.conditions } : {}),
    };
  }
  return out;
};

/** Runs the v2 strategy on the v2 form of v1 objects (defaults, validation, status rules as v2). */
const viaV2 = (s: Pick<ResourceStrategy, 'prepareForCreate' | 'prepareForUpdate' | 'validate' | 'validateUpdate'>) => ({
  prepareForCreate: (obj: ApiObject) => hpaToV1(s.prepareForCreate(hpaFromV1(obj))),
  prepareForUpdate: (obj: ApiObject, old: ApiObject) => {
    const oldV2 = hpaFromV1(old);
    return hpaToV1(s.prepareForUpdate(hpaFromV1(obj, oldV2), oldV2));
  },
  validate: (obj: ApiObject) => s.validate(hpaFromV1(obj)),
  validateUpdate: (obj: ApiObject, old: ApiObject) => s.validateUpdate(hpaFromV1(obj), hpaFromV1(old)),
});

const v2 = horizontalPodAutoscalerStrategy;
export const hpaV1Strategy: ResourceStrategy = {
  ...viaV2(v2),
  fieldLabels: (obj) => v2.fieldLabels(hpaFromV1(obj)),
  ...(v2.status ? { status: viaV2(v2.status) } : {}),
};
