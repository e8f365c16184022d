import type { ApiObject } from '../../../../api/meta/v1';
import { createFakeStore } from '../../../storage';
import { admitPodSecurity, policyOf } from './admission';

const label = (k: string) => `pod-security.kubernetes.io/${k}`;
const pod = (spec: Record<string, unknown>): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec } as ApiObject);
const plain = { containers: [{ name: 'c', image: 'busybox' }] };

describe('Pod Security admission', () => {
  test('labels give each mode a level and version; bad values are causes and count as privileged', () => {
    expect(policyOf(undefined).policy.enforce).toEqual({ level: 'privileged', version: 'latest' });
    const { policy, causes } = policyOf({ [label('enforce')]: 'baseline', [label('warn')]: 'restricted', [label('warn-version')]: 'v1.29', [label('audit')]: 'nope' });
    expect(policy).toEqual({ enforce: { level: 'baseline', version: 'latest' }, warn: { level: 'restricted', version: 'v1.29' }, audit: { level: 'privileged', version: 'latest' } });
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual(['metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "nope": must be one of privileged, baseline, restricted']);
    expect(policyOf({ [label('enforce-version')]: '1.30' }).causes[0].message).toBe('Invalid value: "1.30": must be \'latest\' or of the form \'v1.x\'');
  });

  test('enforce refuses a pod, warn warns, workloads are only warned about, unlabelled namespaces check nothing', async () => {
    const store = createFakeStore();
    const ns = (name: string, labels?: Record<string, string>) => store.create(`/registry/namespaces/${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } as ApiObject);
    await ns('strict', { [label('enforce')]: 'baseline', [label('warn')]: 'restricted' });
    await ns('open');
    const pods = { group: '', plural: 'pods' };
    await expect(admitPodSecurity(store, pods, 'strict', pod({ ...plain, hostNetwork: true })))
      .rejects.toThrow('pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
    expect(await admitPodSecurity(store, pods, 'strict', pod(plain))).toEqual([expect.stringMatching(/^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/)]);
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { ...plain, hostNetwork: true } } } } as ApiObject;
    expect(await admitPodSecurity(store, { group: 'apps', plural: 'deployments' }, 'strict', deploy)).toEqual([expect.stringContaining('host namespaces (hostNetwork=true)')]);
    expect(await admitPodSecurity(store, pods, 'open', pod({ ...plain, hostNetwork: true }))).toEqual([]);
    expect(await admitPodSecurity(store, { group: '', plural: 'configmaps' }, 'strict', { metadata: { name: 'x' } } as ApiObject)).toEqual([]);
  });
});
