// networking.k8s.io/v1 messages `kubectl create ingress` sends as protobuf; field numbers as
// upstream's generated.proto.
import type { MessageSpecs } from './dsl';

export const networkingV1: MessageSpecs = {
  Ingress: { metadata: '1 ObjectMeta', spec: '2 IngressSpec', status: '3 Skip' },
  IngressSpec: { ingressClassName: '4 string*', defaultBackend: '1 IngressBackend*', tls: '2 IngressTLS[]', rules: '3 IngressRule[]' },
  IngressBackend: { service: '4 IngressServiceBackend*', resource: '3 TypedLocalObjectReference*' },
  IngressServiceBackend: { name: '1 string', port: '2 ServiceBackendPort' },
  ServiceBackendPort: { name: '1 string', number: '2 int32' },
  TypedLocalObjectReference: { apiGroup: '1 string*', kind: '2 string', name: '3 string' },
  IngressTLS: { hosts: '1 string[]', secretName: '2 string' },
  IngressRule: { host: '1 string', ingressRuleValue: '2 IngressRuleValue^' },
  IngressRuleValue: { http: '1 HTTPIngressRuleValue*' },
  HTTPIngressRuleValue: { paths: '1 HTTPIngressPath[]' },
  HTTPIngressPath: { path: '1 string', pathType: '3 string*', backend: '2 IngressBackend' },
};
