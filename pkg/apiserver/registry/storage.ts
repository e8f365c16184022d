// storage.k8s.io/v1 (registry/storage/storageclass, ValidateStorageClass*): a class names its
// provisioner (a qualified name); reclaimPolicy defaults to Delete and volumeBindingMode to
// Immediate; provisioner, parameters, reclaimPolicy and volumeBindingMode never change.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { StorageClass } from '../../../api/storage/v1';
import { deepEqual, forbiddenField, immutableFields, invalidValue, required, simpleStrategy, unsupported } from './strategy';

const qualifiedName = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const reclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];
/** Upstream's maxProvisionerParameterSize and maxProvisionerParameterLen. */
const maxParameters = 512;
const maxParametersBytes = 256 * 1024;

const defaultStorageClass = (obj: ApiObject): ApiObject => {
  const sc = obj as StorageClass;
  return { ...obj, reclaimPolicy: sc.reclaimPolicy ?? 'Delete', volumeBindingMode: sc.volumeBindingMode ?? 'Immediate' } as ApiObject;
};

const validateStorageClass = (obj: ApiObject): StatusCause[] => {
  const sc = obj as StorageClass;
  const causes: StatusCause[] = [];
  if (!sc.provisioner) causes.push(required('provisioner'));
  else if (!qualifiedName.test(sc.provisioner) || sc.provisioner.slice(sc.provisioner.indexOf('/') + 1).length > 63) {
    causes.push(invalidValue('provisioner', sc.provisioner, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
  }
  const params = Object.entries(sc.parameters ?? {});
  if (params.length > maxParameters) causes.push({ reason: 'FieldValueTooLong', field: 'parameters', message: `Too long: may not have more than ${maxParameters} entries` });
  if (params.reduce((n, [k, v]) => n + k.length + v.length, 0) > maxParametersBytes) {
    causes.push({ reason: 'FieldValueTooLong', field: 'parameters', message: `Too long: may not be more than ${maxParametersBytes} bytes` });
  }
  if (params.some(([k]) => k === '')) causes.push(invalidValue('parameters', '', 'key may not be empty'));
  if (sc.reclaimPolicy && !reclaimPolicies.includes(sc.reclaimPolicy)) causes.push(unsupported('reclaimPolicy', sc.reclaimPolicy, reclaimPolicies));
  if (sc.volumeBindingMode && !bindingModes.includes(sc.volumeBindingMode)) causes.push(unsupported('volumeBindingMode', sc.volumeBindingMode, bindingModes));
  return causes;
};

const validateStorageClassUpdate = (obj: ApiObject, old: ApiObject): StatusCause[] => {
  const sc = obj as StorageClass;
  const was = old as StorageClass;
  const causes: StatusCause[] = [];
  if (!deepEqual(sc.parameters ?? {}, was.parameters ?? {})) causes.push(forbiddenField('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== was.provisioner) causes.push(forbiddenField('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== was.reclaimPolicy) causes.push(forbiddenField('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  return [...causes, ...immutableFields(obj, old, ['volumeBindingMode'])];
};

export const storageClassStrategy = simpleStrategy({ defaults: defaultStorageClass, validate: validateStorageClass, validateUpdate: validateStorageClassUpdate });
