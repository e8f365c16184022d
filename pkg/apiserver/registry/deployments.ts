// Deployments (pkg/apis/apps/v1/defaults.go SetDefaults_Deployment, registry/apps/deployment
// strategy.go, validation ValidateDeployment*): replicas 1, RollingUpdate 25%/25%, history 10,
// progress deadline 600 s; the selector is immutable and must select the template.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Deployment, DeploymentSpec } from '../../../api/apps/v1';
import { forbiddenField, immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';
import { defaultTemplate, isZero, nonNegative, validateIntOrPercent, validateSelectedTemplate } from './workload';

const asDeployment = (obj: ApiObject): Deployment => obj as Deployment;

const defaultStrategy = (s: DeploymentSpec['strategy']): NonNullable<DeploymentSpec['strategy']> => {
  const type = s?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return { ...s, type };
  return { ...s, type, rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%', ...(s?.rollingUpdate ?? {}) } };
};

export const defaultDeployment = (obj: ApiObject): ApiObject => {
  const spec = asDeployment(obj).spec ?? ({} as DeploymentSpec);
  return {
    ...obj,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      strategy: defaultStrategy(spec.strategy),
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
      template: defaultTemplate(spec.template),
    },
  };
};

const validateStrategy = (s: DeploymentSpec['strategy']): StatusCause[] => {
  const path = 'spec.strategy';
  if (!s?.type) return [required(`${path}.type`)];
  if (s.type === 'Recreate') return s.rollingUpdate ? [forbiddenField(`${path}.rollingUpdate`, 'may not be specified when strategy `type` is \'Recreate\'')] : [];
  if (s.type !== 'RollingUpdate') return [unsupported(`${path}.type`, s.type, ['Recreate', 'RollingUpdate'])];
  const ru = s.rollingUpdate ?? {};
  const causes = [...validateIntOrPercent(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable),
    ...validateIntOrPercent(`${path}.rollingUpdate.maxSurge`, ru.maxSurge)];
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
    causes.push(invalidValue(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  return causes;
};

const validateDeployment = (obj: ApiObject): StatusCause[] => {
  const spec = asDeployment(obj).spec;
  if (!spec) return [required('spec')];
  const causes = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...validateSelectedTemplate(spec.selector, spec.template, 'spec', ['Always']),
    ...validateStrategy(spec.strategy),
  ];
  const deadline = spec.progressDeadlineSeconds;
  if (deadline !== undefined && deadline <= (spec.minReadySeconds ?? 0)) {
    causes.push(invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return causes;
};

export const deploymentStrategy = simpleStrategy({
  defaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.selector']),
  hasStatus: true,
});
