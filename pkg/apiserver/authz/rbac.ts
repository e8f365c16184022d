// The RBAC authorizer (k8s plugin/pkg/auth/authorizer/rbac): a request is allowed when a rule of
// a role bound to its user allows it. ClusterRoleBindings grant their ClusterRole everywhere;
// RoleBindings grant their Role or ClusterRole in their own namespace. Members of system:masters
// are allowed everything without a look (upstream's privileged-group authorizer). Pure: the
// roles and bindings come from an RbacSource (the watch cache, see source.ts).
import type { PolicyRule, Subject } from '../../../api/rbac/v1';
import type { UserInfo } from '../authn';

/** What is asked: upstream's authorizer.Attributes. */
export interface Attributes {
  verb: string;
  /** False for a non-resource path (discovery, /healthz, /metrics…). */
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  /** '' at the cluster scope. */
  namespace: string;
  path: string;
}

export interface Binding { namespace?: string; roleRef: { kind: string; name: string }; subjects?: Subject[] }

/** The RBAC objects an authorization reads. */
export interface RbacSource {
  clusterRoleBindings(): Promise<Binding[]>;
  roleBindings(namespace: string): Promise<Binding[]>;
  clusterRoleRules(name: string): Promise<PolicyRule[] | undefined>;
  roleRules(namespace: string, name: string): Promise<PolicyRule[] | undefined>;
}

export const mastersGroup = 'system:masters';

const serviceAccountPrefix = 'system:serviceaccount:';

/** Whether `subject` names the user; a ServiceAccount without a namespace is in the binding's. */
export const appliesTo = (user: UserInfo, subject: Subject, bindingNamespace: string): boolean => {
  switch (subject.kind) {
    case 'User': return user.name === subject.name;
    case 'Group': return user.groups.includes(subject.name);
    case 'ServiceAccount': return user.name === `${serviceAccountPrefix}${subject.namespace || bindingNamespace}:${subject.name}`;
    default: return false;
  }
};

const has = (list: string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);

/** ResourceMatches: `*`, the exact `resource/subresource`, or any resource's subresource (`*` then `/subresource`). */
const resourceMatches = (rule: PolicyRule, a: Attributes): boolean => {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (a.subresource !== '' && r === `*/${a.subresource}`));
};

/** NonResourceURLMatches: exact, `*`, or a prefix ending in `*`. */
const pathMatches = (rule: PolicyRule, path: string): boolean =>
  (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));

export const ruleAllows = (rule: PolicyRule, a: Attributes): boolean => {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return pathMatches(rule, a.path);
  return has(rule.apiGroups, a.apiGroup) && resourceMatches(rule, a) &&
    ((rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(a.name));
};

/** Every rule the user holds in `namespace` ('' = only cluster-wide ones), each role read once. */
export const rulesFor = async (source: RbacSource, user: UserInfo, namespace: string): Promise<PolicyRule[]> => {
  const rules: PolicyRule[] = [];
  const read = async (b: Binding, bindingNamespace: string) => {
    if (!(b.subjects ?? []).some((s) => appliesTo(user, s, bindingNamespace))) return;
    const found = b.roleRef.kind === 'ClusterRole' ? await source.clusterRoleRules(b.roleRef.name) : await source.roleRules(bindingNamespace, b.roleRef.name);
    rules.push(...(found ?? []));
  };
  for (const b of await source.clusterRoleBindings()) await read(b, '');
  if (namespace) for (const b of await source.roleBindings(namespace)) await read(b, namespace);
  return rules;
};

export const authorize = async (source: RbacSource, user: UserInfo, a: Attributes): Promise<boolean> => {
  if (user.groups.includes(mastersGroup)) return true;
  return (await rulesFor(source, user, a.resourceRequest ? a.namespace : '')).some((r) => ruleAllows(r, a));
};

/** Upstream's forbidden message (authorization/v1 and the handler's `… is forbidden: <this>`). */
export const forbiddenReason = (user: UserInfo, a: Attributes): string => {
  if (!a.resourceRequest) return `User "${user.name}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
};
