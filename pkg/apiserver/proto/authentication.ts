// authentication.k8s.io/v1 TokenRequest (`kubectl create token`, protobuf from 1.32) and
// SelfSubjectReview (`kubectl auth whoami`), authorization.k8s.io/v1 SelfSubjectAccessReview
// (`kubectl auth can-i`); field numbers as upstream's generated.proto. The selector attributes
// of ResourceAttributes (8, 9) are accepted and dropped: we do not evaluate them.
import type { MessageSpecs } from './dsl';

export const authenticationV1: MessageSpecs = {
  TokenRequest: { metadata: '1 ObjectMeta', spec: '2 TokenRequestSpec', status: '3 Skip' },
  TokenRequestSpec: { audiences: '1 string[]', expirationSeconds: '4 int64*', boundObjectRef: '3 BoundObjectReference*' },
  BoundObjectReference: { kind: '1 string', apiVersion: '2 string', name: '3 string', uid: '4 string' },
  SelfSubjectReview: { metadata: '1 ObjectMeta', status: '2 Skip' },
  TokenReview: { metadata: '1 ObjectMeta', spec: '2 TokenReviewSpec', status: '3 Skip' },
  TokenReviewSpec: { token: '1 string', audiences: '2 string[]' },
};

export const authorizationV1: MessageSpecs = {
  SelfSubjectAccessReview: { metadata: '1 ObjectMeta', spec: '2 SelfSubjectAccessReviewSpec', status: '3 Skip' },
  SelfSubjectAccessReviewSpec: { resourceAttributes: '1 ResourceAttributes*', nonResourceAttributes: '2 NonResourceAttributes*' },
  ResourceAttributes: {
    namespace: '1 string', verb: '2 string', group: '3 string', version: '4 string', resource: '5 string', subresource: '6 string',
    name: '7 string', fieldSelector: '8 Skip', labelSelector: '9 Skip',
  },
  NonResourceAttributes: { path: '1 string', verb: '2 string' },
  SelfSubjectRulesReview: { metadata: '1 ObjectMeta', spec: '2 SelfSubjectRulesReviewSpec', status: '3 Skip' },
  SelfSubjectRulesReviewSpec: { namespace: '1 string' },
};
