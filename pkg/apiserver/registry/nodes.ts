// Nodes: registered by the agent; status (conditions, capacity, addresses) via nodes/status.
import { fieldsAt, statusOnly, type ResourceStrategy } from './strategy';

export const nodeStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj, old) => ({ ...obj, status: obj.status ?? old.status }),
  validate: () => [],
  validateUpdate: () => [],
  fieldLabels: (obj) => fieldsAt(obj, ['spec.unschedulable']),
  status: statusOnly(),
};
