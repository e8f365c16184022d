// autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscaler (`kubectl autoscale` sends one as
// protobuf); field numbers as upstream's generated.proto. Our registry is one flat namespace, so
// the v1 messages that share a name with v2's carry a V1 suffix.
import type { MessageSpecs } from './dsl';

export const autoscalingV1: MessageSpecs = {
  HorizontalPodAutoscalerV1: { metadata: '1 ObjectMeta', spec: '2 HorizontalPodAutoscalerSpecV1', status: '3 Skip' },
  HorizontalPodAutoscalerSpecV1: {
    scaleTargetRef: '1 CrossVersionObjectReference', minReplicas: '2 int32*', maxReplicas: '3 int32*', targetCPUUtilizationPercentage: '4 int32*',
  },
  CrossVersionObjectReference: { kind: '1 string', name: '2 string', apiVersion: '3 string' },
};

export const autoscalingV2: MessageSpecs = {
  HorizontalPodAutoscaler: { metadata: '1 ObjectMeta', spec: '2 HorizontalPodAutoscalerSpec', status: '3 Skip' },
  HorizontalPodAutoscalerSpec: {
    scaleTargetRef: '1 CrossVersionObjectReference', minReplicas: '2 int32*', maxReplicas: '3 int32*', metrics: '4 MetricSpec[]',
    behavior: '5 HorizontalPodAutoscalerBehavior*',
  },
  MetricSpec: {
    type: '1 string', object: '2 ObjectMetricSource*', pods: '3 PodsMetricSource*', resource: '4 ResourceMetricSource*',
    containerResource: '7 ContainerResourceMetricSource*', external: '5 ExternalMetricSource*',
  },
  ObjectMetricSource: { describedObject: '1 CrossVersionObjectReference', target: '2 MetricTarget', metric: '3 MetricIdentifier' },
  PodsMetricSource: { metric: '1 MetricIdentifier', target: '2 MetricTarget' },
  ResourceMetricSource: { name: '1 string', target: '2 MetricTarget' },
  ContainerResourceMetricSource: { name: '1 string', target: '2 MetricTarget', container: '3 string' },
  ExternalMetricSource: { metric: '1 MetricIdentifier', target: '2 MetricTarget' },
  MetricIdentifier: { name: '1 string', selector: '2 LabelSelector*' },
  MetricTarget: { type: '1 string', value: '2 Quantity*', averageValue: '3 Quantity*', averageUtilization: '4 int32*' },
  HorizontalPodAutoscalerBehavior: { scaleUp: '1 HPAScalingRules*', scaleDown: '2 HPAScalingRules*' },
  HPAScalingRules: { stabilizationWindowSeconds: '3 int32*', selectPolicy: '1 string*', policies: '2 HPAScalingPolicy[]', tolerance: '4 Quantity*' },
  HPAScalingPolicy: { type: '1 string', value: '2 int32*', periodSeconds: '3 int32*' },
};
