// StatefulSets (SetDefaults_StatefulSet, ValidateStatefulSet*): OrderedReady, RollingUpdate with
// partition 0, history 10, claims retained; claim templates defaulted like claims; only some
// spec fields may change after creation.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { StatefulSet, StatefulSetSpec } from '../../../api/apps/v1';
import { deepEqual, forbiddenField, required, simpleStrategy, unsupported } from './strategy';
import { defaultPersistentVolumeClaim } from './persistentvolumeclaims';
import { defaultTemplate, nonNegative, validateIntOrPercent, validateSelectedTemplate } from './workload';

const withDefaults = (obj: ApiObject): ApiObject => {
  const spec = (obj as StatefulSet).spec ?? ({} as StatefulSetSpec);
  const us = spec.updateStrategy ?? {};
  const type = us.type ?? 'RollingUpdate';
  const updateStrategy = type === 'RollingUpdate' ? { ...us, type, rollingUpdate: { partition: 0, ...(us.rollingUpdate ?? {}) } } : { ...us, type };
  return {
    ...obj,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      podManagementPolicy: spec.podManagementPolicy ?? 'OrderedReady',
      updateStrategy,
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain', ...(spec.persistentVolumeClaimRetentionPolicy ?? {}) },
      template: defaultTemplate(spec.template),
      ...(spec.volumeClaimTemplates ? { volumeClaimTemplates: spec.volumeClaimTemplates.map((c) => defaultPersistentVolumeClaim(c)) } : {}),
    },
  };
};

const validateSts = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as StatefulSet).spec;
  if (!spec) return [required('spec')];
  const causes = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectedTemplate(spec.selector, spec.template, 'spec', ['Always']),
  ];
  const pmp = spec.podManagementPolicy;
  if (pmp && !['OrderedReady', 'Parallel'].includes(pmp)) causes.push(unsupported('spec.podManagementPolicy', pmp, ['OrderedReady', 'Parallel']));
  const us = spec.updateStrategy;
  if (us?.type && !['RollingUpdate', 'OnDelete'].includes(us.type)) causes.push(unsupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  causes.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', us?.rollingUpdate?.partition),
    ...validateIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', us?.rollingUpdate?.maxUnavailable));
  return causes;
};

const updatable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const frozenView = (spec: StatefulSetSpec | undefined) =>
  Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !updatable.includes(k)));

export const statefulSetStrategy = simpleStrategy({
  defaults: withDefaults,
  validate: validateSts,
  validateUpdate: (obj, old) => (deepEqual(frozenView((obj as StatefulSet).spec), frozenView((old as StatefulSet).spec)) ? [] : [forbiddenField('spec',
    'updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden')]),
  hasStatus: true,
});
