import type { ApiObject } from '../../../api/meta/v1';
import { admitServiceAccount } from './service-account';

const pods = { group: '', plural: 'pods' };
const pod = (spec: Record<string, unknown>, annotations?: Record<string, string>): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: { containers: [], ...spec } } as ApiObject);
const specOf = (o: ApiObject) => (o as unknown as { spec: Record<string, unknown> }).spec;

describe('admitServiceAccount', () => {
  test('a pod naming no account gets `default` (and the deprecated alias)', () => {
    const out = specOf(admitServiceAccount(pods, pod({})));
    expect(out.serviceAccountName).toBe('default');
    expect(out.serviceAccount).toBe('default');
  });
  test('a named account is kept', () => {
    expect(specOf(admitServiceAccount(pods, pod({ serviceAccountName: 'builder' }))).serviceAccountName).toBe('builder');
  });
  test('the deprecated serviceAccount alone names the account', () => {
    expect(specOf(admitServiceAccount(pods, pod({ serviceAccount: 'old' }))).serviceAccountName).toBe('old');
  });
  test('mirror pods and other resources are left alone', () => {
    expect(specOf(admitServiceAccount(pods, pod({}, { 'kubernetes.io/config.mirror': 'x' }))).serviceAccountName).toBeUndefined();
    expect(specOf(admitServiceAccount({ group: 'apps', plural: 'deployments' }, pod({}))).serviceAccountName).toBeUndefined();
  });
});
