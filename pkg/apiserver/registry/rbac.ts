// rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings (upstream's
// pkg/apis/rbac/validation): stored, served and validated so that manifests carrying them
// apply, though nothing enforces them yet (every authenticated user may do everything).
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { PolicyRule, RoleBinding } from '../../../api/rbac/v1';
import { forbiddenField, invalidValue, required, simpleStrategy, unsupported } from './strategy';

export const rbacGroup = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule: verbs always; resource rules name API groups; namespaced rules have no URLs. */
const validateRules = (rules: PolicyRule[] | undefined, namespaced: boolean): StatusCause[] => (rules ?? []).flatMap((r, i) => {
  const at = `rules[${i}]`;
  const causes: StatusCause[] = [];
  if (!r.verbs?.length) causes.push({ ...required(`${at}.verbs`), message: 'Required value: verbs must contain at least one value' });
  const urls = r.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) causes.push(invalidValue(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
      causes.push(invalidValue(`${at}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return causes;
  }
  if (!r.apiGroups?.length) causes.push({ ...required(`${at}.apiGroups`), message: 'Required value: resource rules must supply at least one api group' });
  if (!r.resources?.length) causes.push({ ...required(`${at}.resources`), message: 'Required value: resource rules must supply at least one resource' });
  return causes;
});

const subjectKinds = ['ServiceAccount', 'User', 'Group'];

/** ValidateRoleBindingSubject and the roleRef rules of ValidateRoleBinding/ValidateClusterRoleBinding. */
const validateBinding = (obj: ApiObject, roleKinds: string[], namespaced: boolean): StatusCause[] => {
  const b = obj as RoleBinding;
  const causes: StatusCause[] = [];
  const ref = b.roleRef ?? ({} as RoleBinding['roleRef']);
  if (ref.apiGroup !== rbacGroup) causes.push(unsupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  if (!roleKinds.includes(ref.kind)) causes.push(unsupported('roleRef.kind', ref.kind ?? '', roleKinds));
  if (!ref.name) causes.push(required('roleRef.name'));
  (b.subjects ?? []).forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!s.name) causes.push(required(`${at}.name`));
    if (!subjectKinds.includes(s.kind)) {
      causes.push(unsupported(`${at}.kind`, s.kind ?? '', subjectKinds));
    } else if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) causes.push(unsupported(`${at}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) causes.push(required(`${at}.namespace`));
    } else if (s.apiGroup !== rbacGroup) {
      causes.push(unsupported(`${at}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
    }
  });
  return causes;
};

/** The role a binding grants is fixed: delete and recreate the binding to change it. */
const roleRefUnchanged = (obj: ApiObject, old: ApiObject): StatusCause[] => {
  const [now, before] = [(obj as RoleBinding).roleRef, (old as RoleBinding).roleRef];
  const same = now?.apiGroup === before?.apiGroup && now?.kind === before?.kind && now?.name === before?.name;
  return same ? [] : [invalidValue('roleRef', now, 'cannot change roleRef')];
};

export const roleStrategy = simpleStrategy({ validate: (obj) => validateRules((obj as { rules?: PolicyRule[] }).rules, true) });

export const clusterRoleStrategy = simpleStrategy({
  validate: (obj) => validateRules((obj as { rules?: PolicyRule[] }).rules, false),
});

export const roleBindingStrategy = simpleStrategy({
  validate: (obj) => validateBinding(obj, ['Role', 'ClusterRole'], true),
  validateUpdate: roleRefUnchanged,
});

export const clusterRoleBindingStrategy = simpleStrategy({
  validate: (obj) => [
    ...validateBinding(obj, ['ClusterRole'], false),
    ...((obj as RoleBinding).roleRef?.kind === 'Role' ? [forbiddenField('roleRef.kind', 'a ClusterRoleBinding can only reference a ClusterRole')] : []),
  ],
  validateUpdate: roleRefUnchanged,
});
