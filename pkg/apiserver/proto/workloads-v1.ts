// apps/v1, batch/v1, policy/v1 and scheduling.k8s.io/v1 messages that `kubectl create`
// sends as protobuf; field numbers as upstream's generated.proto.
import type { MessageSpecs } from './dsl';

export const appsV1: MessageSpecs = {
  Deployment: { metadata: '1 ObjectMeta', spec: '2 DeploymentSpec', status: '3 Skip' },
  DeploymentSpec: {
    replicas: '1 int32*', selector: '2 LabelSelector*', template: '3 PodTemplateSpec', strategy: '4 DeploymentStrategy',
    minReadySeconds: '5 int32', revisionHistoryLimit: '6 int32*', paused: '7 bool', progressDeadlineSeconds: '9 int32*',
  },
  DeploymentStrategy: { type: '1 string', rollingUpdate: '2 RollingUpdateDeployment*' },
  RollingUpdateDeployment: { maxUnavailable: '1 IntOrString*', maxSurge: '2 IntOrString*' },
};

export const batchV1: MessageSpecs = {
  Job: { metadata: '1 ObjectMeta', spec: '2 JobSpec', status: '3 Skip' },
  JobSpec: {
    parallelism: '1 int32*', completions: '2 int32*', activeDeadlineSeconds: '3 int64*', podFailurePolicy: '11 PodFailurePolicy*',
    successPolicy: '16 SuccessPolicy*', backoffLimit: '7 int32*', backoffLimitPerIndex: '12 int32*', maxFailedIndexes: '13 int32*',
    selector: '4 LabelSelector*', manualSelector: '5 bool*', template: '6 PodTemplateSpec', ttlSecondsAfterFinished: '8 int32*',
    completionMode: '9 string*', suspend: '10 bool*', podReplacementPolicy: '14 string*', managedBy: '15 string*',
  },
  PodFailurePolicy: { rules: '1 PodFailurePolicyRule[]' },
  PodFailurePolicyRule: {
    action: '1 string', onExitCodes: '2 PodFailurePolicyOnExitCodesRequirement*', onPodConditions: '3 PodFailurePolicyOnPodConditionsPattern[]',
  },
  PodFailurePolicyOnExitCodesRequirement: { containerName: '1 string*', operator: '2 string', values: '3 int32[]' },
  PodFailurePolicyOnPodConditionsPattern: { type: '1 string', status: '2 string' },
  SuccessPolicy: { rules: '1 SuccessPolicyRule[]' },
  SuccessPolicyRule: { succeededIndexes: '1 string*', succeededCount: '2 int32*' },
  CronJob: { metadata: '1 ObjectMeta', spec: '2 CronJobSpec', status: '3 Skip' },
  CronJobSpec: {
    schedule: '1 string', timeZone: '8 string*', startingDeadlineSeconds: '2 int64*', concurrencyPolicy: '3 string', suspend: '4 bool*',
    jobTemplate: '5 JobTemplateSpec', successfulJobsHistoryLimit: '6 int32*', failedJobsHistoryLimit: '7 int32*',
  },
  JobTemplateSpec: { metadata: '1 ObjectMeta', spec: '2 JobSpec' },
};

export const policyV1: MessageSpecs = {
  Eviction: { metadata: '1 ObjectMeta', deleteOptions: '2 DeleteOptions*' },
  PodDisruptionBudget: { metadata: '1 ObjectMeta', spec: '2 PodDisruptionBudgetSpec', status: '3 Skip' },
  PodDisruptionBudgetSpec: {
    minAvailable: '1 IntOrString*', selector: '2 LabelSelector*', maxUnavailable: '3 IntOrString*', unhealthyPodEvictionPolicy: '4 string*',
  },
};

export const schedulingV1: MessageSpecs = {
  PriorityClass: { metadata: '1 ObjectMeta', value: '2 int32*', globalDefault: '3 bool', description: '4 string', preemptionPolicy: '5 string*' },
};
