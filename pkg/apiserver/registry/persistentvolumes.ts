// PersistentVolumes (SetDefaults_PersistentVolume, ValidatePersistentVolume): reclaim policy
// Retain, volumeMode Filesystem, phase Pending; capacity.storage, access modes and exactly one
// volume source are required.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { PersistentVolume, PersistentVolumeSpec } from '../../../api/core/v1';
import { forbiddenField, immutableFields, required, simpleStrategy, unsupported } from './strategy';
import { validateAccessModes } from './persistentvolumeclaims';

// Every PersistentVolumeSpec field that is not a volume source.
const nonSources = new Set(['accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy',
  'storageClassName', 'volumeAttributesClassName', 'volumeMode']);

const validateSpec = (spec: PersistentVolumeSpec | undefined): StatusCause[] => {
  if (!spec) return [required('spec')];
  const causes = validateAccessModes(spec.accessModes, 'spec.accessModes');
  if (spec.capacity?.storage === undefined) causes.push(required('spec.capacity'));
  const sources = Object.keys(spec).filter((k) => !nonSources.has(k) && (spec as Record<string, unknown>)[k] !== undefined);
  if (sources.length === 0) causes.push({ ...required('spec'), message: 'Required value: must specify a volume type' });
  if (sources.length > 1) causes.push(forbiddenField(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !['Retain', 'Delete', 'Recycle'].includes(policy)) causes.push(unsupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']));
  return causes;
};

export const persistentVolumeStrategy = simpleStrategy({
  defaults: (obj: ApiObject) => {
    const spec = (obj as PersistentVolume).spec ?? {};
    return { ...obj, spec: { ...spec, persistentVolumeReclaimPolicy: spec.persistentVolumeReclaimPolicy ?? 'Retain', volumeMode: spec.volumeMode ?? 'Filesystem' } };
  },
  initialStatus: () => ({ phase: 'Pending' }),
  validate: (obj) => validateSpec((obj as PersistentVolume).spec),
  validateUpdate: (obj, old) => immutableFields(obj, old, ['spec.volumeMode']),
});
