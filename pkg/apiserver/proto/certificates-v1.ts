// certificates.k8s.io/v1 CertificateSigningRequest (`kubectl certificate approve|deny` send it to
// the approval subresource as protobuf from 1.32); field numbers as upstream's generated.proto.
import type { MessageSpecs } from './dsl';

export const certificatesV1: MessageSpecs = {
  CertificateSigningRequest: { metadata: '1 ObjectMeta', spec: '2 CertificateSigningRequestSpec', status: '3 CertificateSigningRequestStatus' },
  CertificateSigningRequestSpec: {
    request: '1 bytes', signerName: '7 string', expirationSeconds: '8 int32*', usages: '5 string[]', username: '2 string', uid: '3 string',
    groups: '4 string[]', extra: '6 map<string,ExtraValue>',
  },
  CertificateSigningRequestStatus: { conditions: '1 CertificateSigningRequestCondition[]', certificate: '2 bytes' },
  CertificateSigningRequestCondition: {
    type: '1 string', status: '6 string', reason: '2 string', message: '3 string', lastUpdateTime: '4 Time*', lastTransitionTime: '5 Time*',
  },
};
