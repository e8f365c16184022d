// Namespaces: phase Active on create; deletion removes the namespace at once (skeleton; the
// namespace controller with the Terminating phase comes later).
import { fieldsAt, statusOnly, type ResourceStrategy } from './strategy';

export const namespaceStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => ({ ...obj, status: { phase: 'Active' } }),
  prepareForUpdate: (obj, old) => ({ ...obj, status: old.status }),
  validate: () => [],
  validateUpdate: () => [],
  fieldLabels: (obj) => fieldsAt(obj, ['status.phase']),
  status: statusOnly(),
};
