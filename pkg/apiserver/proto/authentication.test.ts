import { decodeProtobufBody } from '../handlers/protobuf';
import { kubeProtoRegistry, kubePackage } from './index';

const magic = Buffer.from('k8s\0', 'latin1');

const envelope = (apiVersion: string, kind: string, type: string, obj: Record<string, unknown>): Buffer => {
  const root = kubeProtoRegistry().root;
  const t = root.lookupType(`${kubePackage}.${type}`);
  const raw = t.encode(t.fromObject(obj)).finish();
  const u = root.lookupType(`${kubePackage}.Unknown`);
  return Buffer.concat([magic, Buffer.from(u.encode(u.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish())]);
};

describe('authentication and authorization messages', () => {
  it('decodes a TokenRequest as kubectl create token sends it (expirationSeconds is field 4, boundObjectRef 3)', () => {
    const body = envelope('authentication.k8s.io/v1', 'TokenRequest', 'TokenRequest', {
      metadata: { name: 'bot' }, spec: { audiences: ['a', 'b'], expirationSeconds: 1200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u' } },
    });
    expect(decodeProtobufBody(body)).toEqual({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: 'bot' },
      spec: { audiences: ['a', 'b'], expirationSeconds: 1200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u' } } });
  });

  it('decodes a SelfSubjectAccessReview (kubectl auth can-i) and a SelfSubjectReview (kubectl auth whoami)', () => {
    const ssar = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'SelfSubjectAccessReview', {
      metadata: {}, spec: { resourceAttributes: { namespace: 'd', verb: 'create', resource: 'pods', group: '', version: '*' } },
    });
    expect(decodeProtobufBody(ssar)).toMatchObject({ kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'd', verb: 'create', resource: 'pods', version: '*' } } });
    const ssr = envelope('authentication.k8s.io/v1', 'SelfSubjectReview', 'SelfSubjectReview', { metadata: {} });
    expect(decodeProtobufBody(ssr)).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  });

  it('decodes a TokenReview and a SelfSubjectRulesReview (kubectl auth can-i --list)', () => {
    const tr = envelope('authentication.k8s.io/v1', 'TokenReview', 'TokenReview', { metadata: {}, spec: { token: 'a.b.c', audiences: ['x'] } });
    expect(decodeProtobufBody(tr)).toMatchObject({ kind: 'TokenReview', spec: { token: 'a.b.c', audiences: ['x'] } });
    const rr = envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'SelfSubjectRulesReview', { metadata: {}, spec: { namespace: 'd' } });
    expect(decodeProtobufBody(rr)).toMatchObject({ kind: 'SelfSubjectRulesReview', spec: { namespace: 'd' } });
  });
});
