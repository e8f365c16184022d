import type { ResourceQuota } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { StatusError } from '../../apimachinery/errors';
import { createFakeStore, objectKey, type Store } from '../../storage';
import { admitResourceQuota } from './resource-quota';

const now = new Date('2024-01-01T00:00:00Z');
const pods = { group: '', version: 'v1', plural: 'pods' };
type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (name: string, ...resources: Res[]): ApiObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' },
  spec: { containers: (resources.length ? resources : [{}]).map((r, i) => ({ name: `c${i}`, image: 'i', resources: r })) },
} as unknown as ApiObject);
const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>, extra: Partial<ResourceQuota['spec']> = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'ns' }, spec: { hard, ...extra }, status: used ? { hard, used } : {} } as unknown as ApiObject);

const seed = async (...quotas: ApiObject[]) => {
  const store = createFakeStore();
  for (const q of quotas) await store.create(objectKey('resourcequotas', 'ns', q.metadata.name ?? ''), q);
  return store;
};
const usedOf = async (store: Store, name: string) => ((await store.get(objectKey('resourcequotas', 'ns', name))) as ResourceQuota).status?.used;
const refusal = async (p: Promise<unknown>): Promise<unknown> => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(StatusError);
  expect((err as StatusError).status).toMatchObject({ code: 403, reason: 'Forbidden', details: { kind: 'pods' } });
  return (err as StatusError).status.message;
};
const admit = (store: Pick<Store, 'list' | 'guaranteedUpdate'>, obj: ApiObject, dryRun = false, info = pods) =>
  admitResourceQuota(store, info, 'ns', obj, { now, dryRun });

describe('admitResourceQuota', () => {
  it('charges a pod under the limit to status.used, in canonical quantities', async () => {
    const store = await seed(quota('q', { pods: '2', 'requests.cpu': '1', 'requests.memory': '1Gi' }, { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' }));
    await admit(store, pod('a', { requests: { cpu: '500m', memory: '512Mi' } }));
    expect(await usedOf(store, 'q')).toEqual({ pods: '1', 'requests.cpu': '500m', 'requests.memory': '512Mi' });
    // Exactly at the limit is allowed.
    await admit(store, pod('b', { requests: { cpu: '500m', memory: '512Mi' } }));
    expect(await usedOf(store, 'q')).toEqual({ pods: '2', 'requests.cpu': '1', 'requests.memory': '1Gi' });
  });

  it('refuses a create over the limit with upstream\'s message and charges nothing', async () => {
    const store = await seed(quota('q', { pods: '2', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '600m' }));
    expect(await refusal(admit(store, pod('x', { requests: { cpu: '500m' } }))))
      .toBe('pods "x" is forbidden: exceeded quota: q, requested: pods=1,requests.cpu=500m, used: pods=2,requests.cpu=600m, limited: pods=2,requests.cpu=1');
    expect(await usedOf(store, 'q')).toEqual({ pods: '2', 'requests.cpu': '600m' });
  });

  it('names the containers missing what a cpu or memory quota needs', async () => {
    const store = await seed(quota('compute', { 'limits.cpu': '2', 'requests.memory': '1Gi' }, { 'limits.cpu': '0', 'requests.memory': '0' }));
    expect(await refusal(admit(store, pod('x', {}))))
      .toBe('pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: c0; requests.memory for: c0');
  });

  it('refuses while a quota it matches has no usage for what it limits, and ignores quotas not synced yet', async () => {
    const unknown = quota('q', { pods: '2', 'count/pods': '3' }, { pods: '0' });
    expect(await refusal(admit(await seed(unknown), pod('x')))).toBe('pods "x" is forbidden: status unknown for quota: q, resources: count/pods,pods');
    // No status.hard yet: the quota limits nothing (generic.Matches reads status.hard).
    const fresh = await seed(quota('new', { pods: '0' }));
    await admit(fresh, pod('x'));
    expect(await usedOf(fresh, 'new')).toBeUndefined();
  });

  it('charges only the quotas whose scopes select the pod', async () => {
    const store = await seed(
      quota('best-effort', { pods: '1' }, { pods: '0' }, { scopes: ['BestEffort'] }),
      quota('burstable', { pods: '5' }, { pods: '0' }, { scopes: ['NotBestEffort'] }),
    );
    await admit(store, pod('a'));
    expect(await usedOf(store, 'best-effort')).toEqual({ pods: '1' });
    expect(await usedOf(store, 'burstable')).toEqual({ pods: '0' });
    expect(await refusal(admit(store, pod('b')))).toBe('pods "b" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1');
    await admit(store, pod('c', { requests: { cpu: '1' } }));
    expect(await usedOf(store, 'burstable')).toEqual({ pods: '1' });
  });

  it('counts other kinds, with their group in the resource name and the message', async () => {
    const store = await seed(quota('objects', { 'count/deployments.apps': '1', configmaps: '1' }, { 'count/deployments.apps': '1', configmaps: '0' }));
    const deployments = { group: 'apps', version: 'v1', plural: 'deployments' };
    const err = await admit(store, { metadata: { name: 'd' } }, false, deployments).catch((e: unknown) => e);
    expect((err as StatusError).status.message)
      .toBe('deployments.apps "d" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1');
    await admit(store, { metadata: { name: 'c' } }, false, { group: '', version: 'v1', plural: 'configmaps' });
    expect(await usedOf(store, 'objects')).toEqual({ 'count/deployments.apps': '1', configmaps: '1' });
    // Nothing limits secrets: no write.
    await admit(store, { metadata: { name: 's' } }, false, { group: '', version: 'v1', plural: 'secrets' });
    expect(await usedOf(store, 'objects')).toEqual({ 'count/deployments.apps': '1', configmaps: '1' });
  });

  it('checks a dry run but writes nothing', async () => {
    const store = await seed(quota('q', { pods: '1' }, { pods: '0' }));
    await admit(store, pod('a'), true);
    expect(await usedOf(store, 'q')).toEqual({ pods: '0' });
    await admit(store, pod('a'));
    expect(await refusal(admit(store, pod('b'), true))).toBe('pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
  });

  it('re-checks against the quota as stored when the cache is behind (compare-and-swap)', async () => {
    const store = await seed(quota('q', { pods: '2' }, { pods: '1' }));
    const stale = await store.list('/registry/resourcequotas/ns/');
    await admit(store, pod('a')); // stored used is now 2; the cache still says 1
    const lagging: Pick<Store, 'list' | 'guaranteedUpdate'> = { list: async () => stale, guaranteedUpdate: store.guaranteedUpdate };
    expect(await refusal(admit(lagging, pod('b')))).toBe('pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    expect(await usedOf(store, 'q')).toEqual({ pods: '2' });
  });

  it('lets concurrent creates take no more than the quota', async () => {
    const store = await seed(quota('q', { pods: '3' }, { pods: '0' }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => admit(store, pod(`p${i}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await usedOf(store, 'q')).toEqual({ pods: '3' });
  });

  it('leaves namespaces without quotas and objects served as views alone', async () => {
    const store = createFakeStore();
    await admit(store, pod('a'));
    const quoted = await seed(quota('q', { 'count/horizontalpodautoscalers.autoscaling': '0' }, { 'count/horizontalpodautoscalers.autoscaling': '0' }));
    await admit(quoted, { metadata: { name: 'h' } }, false, { group: 'autoscaling', version: 'v1', plural: 'horizontalpodautoscalers' });
  });
});
