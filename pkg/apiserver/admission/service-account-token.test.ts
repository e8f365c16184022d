import type { ApiObject } from '../../../api/meta/v1';
import { admitServiceAccountToken, tokenMountPath, withTokenVolume } from './service-account-token';

const pods = { group: '', plural: 'pods' };
type Spec = Record<string, unknown> & { containers?: Array<Record<string, unknown>>; initContainers?: Array<Record<string, unknown>>; volumes?: Array<Record<string, unknown>> };
const pod = (spec: Spec): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { serviceAccountName: 'default', containers: [{ name: 'a' }], ...spec } } as ApiObject);
const specOf = (o: ApiObject) => (o as unknown as { spec: Spec }).spec;
const account = (automount?: boolean): ApiObject =>
  ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ns' }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) } as ApiObject);
const fixed = () => 0; // the first letter of the alphabet: kube-api-access-bbbbb

describe('withTokenVolume', () => {
  test('every container and init container mounts one projected volume, as upstream builds it', () => {
    const out = specOf(withTokenVolume(pod({ initContainers: [{ name: 'i' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] }), account(), fixed));
    const mount = { name: 'kube-api-access-bbbbb', readOnly: true, mountPath: tokenMountPath };
    expect(out.initContainers).toEqual([{ name: 'i', volumeMounts: [mount] }]);
    expect(out.containers).toEqual([{ name: 'a', volumeMounts: [mount] }, { name: 'b', volumeMounts: [{ name: 'x', mountPath: '/x' }, mount] }]);
    expect(out.volumes).toEqual([{
      name: 'kube-api-access-bbbbb',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    }]);
  });
  test('the generated name uses upstream’s alphabet', () => {
    const out = specOf(withTokenVolume(pod({}), undefined));
    expect(out.volumes?.[0].name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
  test('a container that mounts something at the path keeps its own', () => {
    const own = { name: 'a', volumeMounts: [{ name: 'mine', mountPath: tokenMountPath }] };
    expect(withTokenVolume(pod({ containers: [own], volumes: [{ name: 'mine', emptyDir: {} }] }), account(), fixed)).toEqual(pod({ containers: [own], volumes: [{ name: 'mine', emptyDir: {} }] }));
  });
  test('an existing kube-api-access volume is reused, not added twice', () => {
    const out = specOf(withTokenVolume(pod({ volumes: [{ name: 'kube-api-access-zzzzz', projected: {} }] }), account(), fixed));
    expect(out.volumes).toEqual([{ name: 'kube-api-access-zzzzz', projected: {} }]);
    expect(out.containers?.[0].volumeMounts).toEqual([{ name: 'kube-api-access-zzzzz', readOnly: true, mountPath: tokenMountPath }]);
  });
  test.each([
    ['the pod opts out', { automountServiceAccountToken: false }, account(), false],
    ['the account opts out', {}, account(false), false],
    ['the pod opts in over its account', { automountServiceAccountToken: true }, account(false), true],
    ['no account known (yet)', {}, undefined, true],
  ])('%s', (_n, spec, sa, mounted) => {
    expect(specOf(withTokenVolume(pod(spec), sa, fixed)).volumes !== undefined).toBe(mounted);
  });
});

describe('admitServiceAccountToken', () => {
  const store = (...accounts: ApiObject[]) => ({
    list: jest.fn(async (prefix: string) => {
      expect(prefix).toBe('/registry/serviceaccounts/ns/');
      return { items: accounts, resourceVersion: '1' };
    }),
  });
  test('reads the pod’s account from the cache and honours it', async () => {
    const s = store({ ...account(true), metadata: { name: 'other', namespace: 'ns' } } as ApiObject, account(false));
    expect(specOf(await admitServiceAccountToken(s, pods, 'ns', pod({}))).volumes).toBeUndefined();
    expect(s.list).toHaveBeenCalledWith('/registry/serviceaccounts/ns/', { resourceVersion: '0' });
  });
  test('a missing account still mounts', async () => {
    expect(specOf(await admitServiceAccountToken(store(), pods, 'ns', pod({}))).volumes).toHaveLength(1);
  });
  test('other resources and mirror pods are left alone', async () => {
    const s = store(account());
    const mirror = { ...pod({}), metadata: { name: 'p', annotations: { 'kubernetes.io/config.mirror': 'x' } } } as ApiObject;
    expect(await admitServiceAccountToken(s, pods, 'ns', mirror)).toBe(mirror);
    const rs = pod({});
    expect(await admitServiceAccountToken(s, { group: 'apps', plural: 'replicasets' }, 'ns', rs)).toBe(rs);
    expect(s.list).not.toHaveBeenCalled();
  });
});
