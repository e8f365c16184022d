import type { ApiObject } from '../../../api/meta/v1';
import { findResource, resources, type ResourceInfo } from '../../../api/resources';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import { namespacedResources, reconcileNamespace } from './controller';
import type { NamespaceAccess } from './deleter';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const rss = findResource('apps', 'v1', 'replicasets') as ResourceInfo;

const ns = (meta: Partial<ApiObject['metadata']> = {}, finalizers = ['kubernetes']): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', uid: 'n1', resourceVersion: '7', ...meta }, spec: { finalizers } });

/** Content per resource plural: how many objects remain after each deletecollection. */
const fakeAccess = (live: ApiObject | undefined, content: Record<string, number[]>) => {
  const calls: string[] = [];
  const left = new Map(Object.entries(content).map(([k, v]) => [k, [...v]]));
  const count = (info: ResourceInfo) => left.get(info.plural)?.[0] ?? 0;
  const access: NamespaceAccess = {
    getNamespace: async () => live,
    hasContent: async (info) => count(info) > 0,
    deleteCollection: async (info) => { calls.push(`deletecollection ${info.plural}`); left.get(info.plural)?.shift(); },
    finalize: async (n) => { calls.push('finalize'); return { ...n, spec: { finalizers: [] } }; },
    deleteNamespace: async () => { calls.push('delete namespace'); },
  };
  return { access, calls };
};

const run = async (cached: ApiObject | undefined, live: ApiObject | undefined, content: Record<string, number[]>) => {
  const informer = new FakeInformer<ApiObject>();
  if (cached) informer.seed(cached);
  const { access, calls } = fakeAccess(live, content);
  const result = await reconcileNamespace('x', { namespaces: informer, access, namespaced: [pods, rss], log: silentLogger() });
  return { result, calls };
};

describe('reconcileNamespace', () => {
  const terminating = ns({ deletionTimestamp: '2025-01-01T00:00:00Z' });
  test.each<[string, ApiObject | undefined, ApiObject | undefined, Record<string, number[]>, string[], boolean]>([
    ['an active namespace is left alone', ns(), ns(), { pods: [1] }, [], false],
    ['gone from the cache', undefined, undefined, {}, [], false],
    ['empty: finalize, then delete', terminating, terminating, {}, ['finalize', 'delete namespace'], false],
    ['content goes in one pass', terminating, terminating, { pods: [2, 0], replicasets: [1, 0] },
      ['deletecollection pods', 'deletecollection replicasets', 'finalize', 'delete namespace'], false],
    ['graceful pods remain: look again soon, do not finalize', terminating, terminating, { pods: [2, 2] }, ['deletecollection pods'], true],
    ['already finalized: just delete', terminating, ns({ deletionTimestamp: 't' }, []), { pods: [1] }, ['delete namespace'], false],
  ])('%s', async (_n, cached, live, content, want, requeue) => {
    const { result, calls } = await run(cached, live, content);
    expect(calls).toEqual(want);
    expect(result !== undefined).toBe(requeue);
  });

  test('namespacedResources: only namespaced ones, each once', () => {
    const got = namespacedResources(resources);
    expect(got.every((r) => r.namespaced)).toBe(true);
    expect(got.map((r) => r.plural)).toEqual(expect.arrayContaining(['pods', 'replicasets', 'events']));
    expect(got.map((r) => r.plural)).not.toContain('namespaces');
  });
});
