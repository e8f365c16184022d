// Printers of rbac.authorization.k8s.io (printers.go: printRole, printClusterRole,
// printRoleBinding, printClusterRoleBinding).
import type { RoleBinding, Subject } from '../../api/rbac/v1';
import { age, type Printer } from './printers-common';

/** NAME and CREATED AT (the creation time itself, RFC 3339, rather than an age). */
const printRole: Printer = (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''];

/** rbac.SubjectsStrings: the users, groups and service accounts (namespace/name), each joined by ", ". */
const subjectsStrings = (subjects: Subject[]): [string, string, string] => {
  const of = (kind: string) => subjects.filter((s) => s.kind === kind);
  return [
    of('User').map((s) => s.name).join(', '),
    of('Group').map((s) => s.name).join(', '),
    of('ServiceAccount').map((s) => `${s.namespace ?? ''}/${s.name}`).join(', '),
  ];
};

const printBinding: Printer = (obj, now) => {
  const b = obj as RoleBinding;
  return [obj.metadata.name ?? '', `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(obj.metadata.creationTimestamp, now), ...subjectsStrings(b.subjects ?? [])];
};

export const rbacPrinters: Record<string, Printer> = { Role: printRole, ClusterRole: printRole, RoleBinding: printBinding, ClusterRoleBinding: printBinding };
