// rbac.authorization.k8s.io/v1 messages `kubectl create role|clusterrole|rolebinding|clusterrolebinding`
// (1.32+) sends as protobuf; field numbers as upstream's rbac/v1/generated.proto.
import type { MessageSpecs } from './dsl';

export const rbacV1: MessageSpecs = {
  Role: { metadata: '1 ObjectMeta', rules: '2 PolicyRule[]' },
  ClusterRole: { metadata: '1 ObjectMeta', rules: '2 PolicyRule[]', aggregationRule: '3 AggregationRule*' },
  AggregationRule: { clusterRoleSelectors: '1 LabelSelector[]' },
  PolicyRule: { verbs: '1 string[]', apiGroups: '2 string[]', resources: '3 string[]', resourceNames: '4 string[]', nonResourceURLs: '5 string[]' },
  RoleBinding: { metadata: '1 ObjectMeta', subjects: '2 Subject[]', roleRef: '3 RoleRef' },
  ClusterRoleBinding: { metadata: '1 ObjectMeta', subjects: '2 Subject[]', roleRef: '3 RoleRef' },
  RoleRef: { apiGroup: '1 string', kind: '2 string', name: '3 string' },
  Subject: { kind: '1 string', apiGroup: '2 string', name: '3 string', namespace: '4 string' },
};
