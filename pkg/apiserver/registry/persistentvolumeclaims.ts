// PersistentVolumeClaims (SetDefaults_PersistentVolumeClaim, ValidatePersistentVolumeClaim*):
// volumeMode Filesystem, phase Pending; access modes and a storage request are required; after
// creation only the storage request (expansion) and volumeAttributesClassName may change.
import type { StatusCause } from '../../../api/meta/v1';
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec } from '../../../api/core/v1';
import { deepEqual, forbiddenField, required, simpleStrategy, unsupported } from './strategy';

export const accessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/** Also used for the volumeClaimTemplates of StatefulSets. */
export const defaultPersistentVolumeClaim = <T extends Pick<PersistentVolumeClaim, 'spec' | 'status'>>(pvc: T): T => ({
  ...pvc,
  spec: { ...(pvc.spec ?? {}), volumeMode: pvc.spec?.volumeMode ?? 'Filesystem' },
  status: { ...(pvc.status ?? {}), phase: pvc.status?.phase ?? 'Pending' },
});

export const validateAccessModes = (modes: string[] | undefined, path: string): StatusCause[] => {
  if (!modes?.length) return [required(path)];
  return modes.filter((m) => !accessModes.includes(m)).map((m) => unsupported(path, m, accessModes));
};

const validateSpec = (spec: PersistentVolumeClaimSpec | undefined): StatusCause[] => {
  if (!spec) return [required('spec')];
  const causes = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.accessModes?.includes('ReadWriteOncePod') && spec.accessModes.length > 1) {
    causes.push(forbiddenField('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  }
  if (spec.resources?.requests?.storage === undefined && !spec.dataSourceRef) causes.push(required('spec.resources[storage]'));
  if (spec.volumeMode && !['Filesystem', 'Block'].includes(spec.volumeMode)) causes.push(unsupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  return causes;
};

const mutableView = (spec: PersistentVolumeClaimSpec | undefined) => ({
  ...spec, resources: { ...spec?.resources, requests: { ...spec?.resources?.requests, storage: undefined } },
  volumeAttributesClassName: undefined, volumeName: undefined,
});

export const persistentVolumeClaimStrategy = simpleStrategy({
  defaults: (obj) => ({ ...obj, spec: defaultPersistentVolumeClaim(obj as PersistentVolumeClaim).spec }),
  initialStatus: (obj) => ({ phase: 'Pending', ...((obj as PersistentVolumeClaim).status ?? {}) }),
  validate: (obj) => validateSpec((obj as PersistentVolumeClaim).spec),
  validateUpdate: (obj, old) => {
    const spec = (obj as PersistentVolumeClaim).spec;
    const oldSpec = (old as PersistentVolumeClaim).spec;
    const volumeNameChanged = oldSpec?.volumeName && spec?.volumeName !== oldSpec.volumeName;
    if (!volumeNameChanged && deepEqual(mutableView(spec), mutableView(oldSpec))) return [];
    return [forbiddenField('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
  },
});
