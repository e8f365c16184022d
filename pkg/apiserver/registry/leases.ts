// Leases (pkg/registry/coordination/lease/strategy.go): no defaults, no status; holders renew
// with updates. Validation as ValidateLeaseSpec.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Lease } from '../../../api/coordination/v1';
import { invalidValue, forbiddenField, type ResourceStrategy } from './strategy';

const validateLease = (obj: ApiObject): StatusCause[] => {
  const spec = (obj as Lease).spec ?? {};
  const causes: StatusCause[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    causes.push(invalidValue('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    causes.push(invalidValue('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (spec.preferredHolder && !spec.strategy) {
    causes.push(forbiddenField('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return causes;
};

export const leaseStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj) => obj,
  validate: validateLease,
  validateUpdate: validateLease,
  fieldLabels: () => ({}),
};
