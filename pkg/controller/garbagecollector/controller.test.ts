import type { ApiObject, OwnerReference } from '../../../api/meta/v1';
import { findResource, resources, type ResourceInfo } from '../../../api/resources';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import type { ObjectAccess } from './access';
import { gcResources, newGarbageCollector } from './controller';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const rss = findResource('apps', 'v1', 'replicasets') as ResourceInfo;
const ref = (name: string, uid: string): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true });
const rs = (uid: string, meta: Partial<ApiObject['metadata']> = {}): ApiObject =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${uid}`, namespace: 'ns', uid, ...meta } });
const pod = (uid: string, owners: OwnerReference[]): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${uid}`, namespace: 'ns', uid, ownerReferences: owners } });

const unused: ObjectAccess = {
  get: () => Promise.reject(new Error('not in this test')),
  delete: () => Promise.reject(new Error('not in this test')),
  patch: () => Promise.reject(new Error('not in this test')),
};

const setup = () => {
  const podInformer = new FakeInformer<ApiObject>();
  const rsInformer = new FakeInformer<ApiObject>();
  const gc = newGarbageCollector({ monitors: [{ info: pods, informer: podInformer }, { info: rss, informer: rsInformer }], access: unused, log: silentLogger() });
  const drain = async (q = gc.queue) => {
    const out: string[] = [];
    while (q.len() > 0) {
      const k = await q.get();
      if (k === undefined) break;
      out.push(k);
      q.done(k);
    }
    return out.sort();
  };
  return { gc, podInformer, rsInformer, drain };
};

describe('garbage collector graph changes', () => {
  test('a dependent whose owner is not known is queued; one with a known owner is not', async () => {
    const { podInformer, rsInformer, drain } = setup();
    rsInformer.apply(rs('r1'));
    podInformer.apply(pod('p1', [ref('rs-r1', 'r1')]));
    podInformer.apply(pod('p2', [ref('rs-r9', 'r9')]));
    expect(await drain()).toEqual(['p2']);
  });

  test('deleting an owner queues its dependents', async () => {
    const { podInformer, rsInformer, drain } = setup();
    rsInformer.apply(rs('r1'));
    podInformer.apply(pod('p1', [ref('rs-r1', 'r1')]));
    podInformer.apply(pod('p2', [ref('rs-r1', 'r1')]));
    expect(await drain()).toEqual([]);
    rsInformer.remove(rs('r1'));
    expect(await drain()).toEqual(['p1', 'p2']);
  });

  test('an owner in foreground deletion is queued with its dependents; a dependent leaving re-queues it', async () => {
    const { podInformer, rsInformer, drain } = setup();
    rsInformer.apply(rs('r1'));
    podInformer.apply(pod('p1', [ref('rs-r1', 'r1')]));
    rsInformer.apply(rs('r1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] }));
    expect(await drain()).toEqual(['p1', 'r1']);
    podInformer.remove(pod('p1', [ref('rs-r1', 'r1')]));
    expect(await drain()).toEqual(['r1']);
  });

  test('an owner deleted with the orphan finalizer goes to the orphan queue', async () => {
    const { gc, rsInformer, drain } = setup();
    rsInformer.apply(rs('r1', { deletionTimestamp: 't', finalizers: ['orphan'] }));
    expect(await drain(gc.orphanQueue)).toEqual(['r1']);
  });

  test('gcResources leaves out events and watches a resource once', () => {
    const got = gcResources(resources).map((r) => `${r.group}/${r.plural}`);
    expect(got).not.toContain('/events');
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(expect.arrayContaining(['/pods', 'apps/replicasets', '/namespaces']));
  });
});
