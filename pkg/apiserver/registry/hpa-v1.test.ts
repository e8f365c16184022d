import type { ApiObject } from '../../../api/meta/v1';
import { hpaFromV1, hpaToV1, hpaV1Strategy } from './hpa-v1';

const meta = { name: 'web', namespace: 'd' };
const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
const pods = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };

describe('autoscaling/v1 HorizontalPodAutoscaler conversion', () => {
  it('maps targetCPUUtilizationPercentage to a cpu Resource metric and back', () => {
    const v1: ApiObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta,
      spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } };
    const v2 = hpaFromV1(v1);
    expect(v2).toEqual({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
      spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, metrics: [cpu(60)] } });
    expect(hpaToV1(v2)).toEqual(v1);
  });

  it('maps the cpu currentMetrics entry to currentCPUUtilizationPercentage', () => {
    const v2: ApiObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
      spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [pods, cpu(50)] },
      status: { currentReplicas: 2, desiredReplicas: 3, observedGeneration: 4, lastScaleTime: '2026-01-01T00:00:00Z',
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '100m' } } }],
        conditions: [{ type: 'AbleToScale', status: 'True' }] } };
    expect(hpaToV1(v2)).toMatchObject({
      spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
      status: { currentReplicas: 2, desiredReplicas: 3, observedGeneration: 4, lastScaleTime: '2026-01-01T00:00:00Z', currentCPUUtilizationPercentage: 42 },
    });
    expect(hpaToV1(v2)).not.toHaveProperty('spec.metrics');
  });

  it('keeps what v1 cannot express (other metrics, behavior, conditions) from the stored object on a v1 write', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
    const stored: ApiObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
      spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [pods, cpu(50)], behavior },
      status: { currentReplicas: 1, desiredReplicas: 1, conditions: [{ type: 'AbleToScale', status: 'True' }] } };
    const edited = { ...hpaToV1(stored), spec: { scaleTargetRef: ref, maxReplicas: 7, targetCPUUtilizationPercentage: 70 } };
    expect(hpaFromV1(edited, stored)).toMatchObject({
      spec: { maxReplicas: 7, metrics: [cpu(70), pods], behavior },
      status: { conditions: [{ type: 'AbleToScale', status: 'True' }] },
    });
  });

  it('defaults and validates as v2 does', () => {
    const created = hpaV1Strategy.prepareForCreate({ metadata: meta, spec: { scaleTargetRef: ref, maxReplicas: 3 }, status: { currentReplicas: 9, desiredReplicas: 9 } });
    // v2's default: minReplicas 1 and, without metrics, an 80% CPU target; status is not the client's.
    expect(created).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { minReplicas: 1, targetCPUUtilizationPercentage: 80 } });
    expect(created).not.toHaveProperty('status');
    const causes = hpaV1Strategy.validate({ metadata: meta, spec: { scaleTargetRef: ref, minReplicas: 4, maxReplicas: 2 } });
    expect(causes).toEqual([expect.objectContaining({ field: 'spec.maxReplicas' })]);
  });
});
