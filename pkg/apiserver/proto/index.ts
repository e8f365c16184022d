// The protobuf messages the apiserver decodes, and which message each apiVersion/kind is.
import { authenticationV1, authorizationV1 } from './authentication';
import { autoscalingV1, autoscalingV2 } from './autoscaling';
import { buildRegistry, kubeBuiltins, type ProtoRegistry } from './dsl';
import { certificatesV1 } from './certificates-v1';
import { coreV1 } from './core-v1';
import { metaV1, runtime } from './meta-v1';
import { networkingV1 } from './networking-v1';
import { rbacV1 } from './rbac-v1';
import { appsV1, batchV1, policyV1, schedulingV1 } from './workloads-v1';

export { buildRegistry, kubeBuiltins, parseField, specialTypes, type FieldInfo, type MessageSpecs, type ProtoRegistry } from './dsl';
export { gnosticRoot, type GnosticDocument } from './gnostic';

/** The package name of our flat registry (message names are unique across groups). */
export const kubePackage = 'berth.k8s';

let registry: ProtoRegistry | undefined;

/** Built on first use: most apiservers never see a protobuf body. */
export const kubeProtoRegistry = (): ProtoRegistry => {
  registry ??= buildRegistry(kubePackage, kubeBuiltins, metaV1, runtime, coreV1, appsV1, batchV1, policyV1, schedulingV1, networkingV1,
    autoscalingV1, autoscalingV2, authenticationV1, authorizationV1, rbacV1, certificatesV1);
  return registry;
};

/**
 * `apiVersion/kind` → message name, for every kind whose protobuf body we decode. DeleteOptions
 * (typed clients' DELETE bodies) is registered in every group-version, so it is matched by kind.
 */
export const protobufKinds: ReadonlyMap<string, string> = new Map([
  ['v1/Namespace', 'Namespace'], ['v1/ConfigMap', 'ConfigMap'], ['v1/Secret', 'Secret'], ['v1/ServiceAccount', 'ServiceAccount'],
  ['v1/Service', 'Service'], ['v1/ResourceQuota', 'ResourceQuota'],
  ['apps/v1/Deployment', 'Deployment'], ['batch/v1/Job', 'Job'], ['batch/v1/CronJob', 'CronJob'],
  ['policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'], ['scheduling.k8s.io/v1/PriorityClass', 'PriorityClass'],
  ['networking.k8s.io/v1/Ingress', 'Ingress'], ['policy/v1/Eviction', 'Eviction'],
  ['autoscaling/v1/HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV1'], ['autoscaling/v2/HorizontalPodAutoscaler', 'HorizontalPodAutoscaler'],
  ['authentication.k8s.io/v1/TokenRequest', 'TokenRequest'], ['authentication.k8s.io/v1/SelfSubjectReview', 'SelfSubjectReview'],
  ['authorization.k8s.io/v1/SelfSubjectAccessReview', 'SelfSubjectAccessReview'], ['authorization.k8s.io/v1/SelfSubjectRulesReview', 'SelfSubjectRulesReview'],
  ['authentication.k8s.io/v1/TokenReview', 'TokenReview'],
  ['rbac.authorization.k8s.io/v1/Role', 'Role'], ['rbac.authorization.k8s.io/v1/ClusterRole', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1/RoleBinding', 'RoleBinding'], ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'ClusterRoleBinding'],
  ['certificates.k8s.io/v1/CertificateSigningRequest', 'CertificateSigningRequest'],
]);

export const protobufMessageOf = (apiVersion: string, kind: string): string | undefined =>
  protobufKinds.get(`${apiVersion}/${kind}`) ?? (kind === 'DeleteOptions' ? 'DeleteOptions' : undefined);
