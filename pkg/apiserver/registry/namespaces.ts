// Namespaces: phase Active on create; status kept on updates. spec.finalizers is written by
// DELETE (`kubernetes` for the namespace controller), by the namespace controller and by PUT
// namespaces/<name>/finalize (the same update path: status is kept, spec and metadata are the
// body's), which tools use to unstick a Terminating namespace. Pod Security labels are checked.
import type { StatusCause } from '../../../api/meta/v1';
import type { Namespace } from '../../../api/core/v1';
import { fieldsAt, invalidValue, statusOnly, type ResourceStrategy } from './strategy';
import { policyOf } from '../admission/pod-security/admission';

/** helper.IsStandardFinalizerName: the finalizers that need no domain prefix. */
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);
const qualifiedName = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** ValidateFinalizerName (core): a qualified name, and a standard one when it has no prefix. */
export const validateFinalizerName = (name: string, field: string): StatusCause[] => {
  const [prefix, ...rest] = name.split('/');
  const short = rest.length ? rest.join('/') : prefix;
  if (!qualifiedName.test(name) || short.length > 63 || (rest.length > 0 && prefix.length > 253)) {
    return [invalidValue(field, name, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")];
  }
  if (rest.length === 0 && !standardFinalizers.has(name)) return [invalidValue(field, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  return [];
};

// The pod-security.kubernetes.io labels must name a level and a version (upstream's PodSecurity
// admission refuses a namespace with invalid ones the same way, as Invalid).
const validate = (obj: Parameters<ResourceStrategy['validate']>[0]): StatusCause[] => [
  ...((obj as Namespace).spec?.finalizers ?? []).flatMap((f, i) => validateFinalizerName(f, `spec.finalizers[${i}]`)),
  ...policyOf(obj.metadata.labels).causes,
];

export const namespaceStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => ({ ...obj, status: { phase: 'Active' } }),
  prepareForUpdate: (obj, old) => ({ ...obj, status: old.status }),
  validate,
  validateUpdate: validate,
  fieldLabels: (obj) => fieldsAt(obj, ['status.phase']),
  status: statusOnly(),
};
