import type { ApiObject, DeleteOptions, OwnerReference } from '../../../api/meta/v1';
import { findResource, type ResourceInfo } from '../../../api/resources';
import { silentLogger } from '../../log';
import type { ObjectAccess } from './access';
import { AbsentOwnerCache, attemptToDelete, attemptToOrphan, type AttemptDeps } from './attempt';
import { Graph } from './graph';

const pods = findResource('', 'v1', 'pods') as ResourceInfo;
const rss = findResource('apps', 'v1', 'replicasets') as ResourceInfo;

const ref = (name: string, uid: string, extra: Partial<OwnerReference> = {}): OwnerReference =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true, ...extra });
const rs = (name: string, uid: string, meta: Partial<ApiObject['metadata']> = {}): ApiObject =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'ns', uid, resourceVersion: '10', ...meta } });
const pod = (name: string, uid: string, owners: OwnerReference[], meta: Partial<ApiObject['metadata']> = {}): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid, resourceVersion: '20', ownerReferences: owners, ...meta } });

/** An in-memory API server: live objects by resource/name, and every write recorded. */
const fakeApi = (live: ApiObject[]) => {
  const objects = new Map(live.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const calls: string[] = [];
  const kindOf = (info: ResourceInfo) => info.kind;
  const access: ObjectAccess = {
    get: async (info, _ns, name) => { calls.push(`get ${info.kind}/${name}`); return objects.get(`${kindOf(info)}/${name}`); },
    delete: async (info, _ns, name, opts: DeleteOptions) => {
      calls.push(`delete ${info.kind}/${name} ${opts.propagationPolicy} uid=${opts.preconditions?.uid} rv=${opts.preconditions?.resourceVersion}`);
    },
    patch: async (info, _ns, name, patch) => { calls.push(`patch ${info.kind}/${name} ${JSON.stringify(patch)}`); },
  };
  return { access, calls };
};

const setup = (cached: Array<[ResourceInfo, ApiObject]>, live: ApiObject[]) => {
  const graph = new Graph();
  for (const [info, o] of cached) graph.upsert(info, o);
  const api = fakeApi(live);
  const queued: string[] = [];
  const deps: AttemptDeps = { graph, access: api.access, enqueueDelete: (u) => queued.push(u), absentOwners: new AbsentOwnerCache(), log: silentLogger() };
  return { deps, calls: api.calls, queued };
};

describe('attemptToDelete', () => {
  test.each<[string, Array<[ResourceInfo, ApiObject]>, ApiObject[], string[]]>([
    ['owner gone: delete in the background, pinned to uid and resourceVersion',
      [[pods, pod('p', 'p1', [ref('web', 'r1')])]], [pod('p', 'p1', [ref('web', 'r1')])],
      ['get Pod/p', 'get ReplicaSet/web', 'delete Pod/p Background uid=p1 rv=20']],
    ['owner not in the cache but alive: nothing is deleted (restart safety)',
      [[pods, pod('p', 'p1', [ref('web', 'r1')])]], [pod('p', 'p1', [ref('web', 'r1')]), rs('web', 'r1')],
      ['get Pod/p', 'get ReplicaSet/web']],
    ['owner in the cache: no request at all',
      [[rss, rs('web', 'r1')], [pods, pod('p', 'p1', [ref('web', 'r1')])]], [],
      []],
    ['owner replaced by a namesake with another uid: delete',
      [[pods, pod('p', 'p1', [ref('web', 'r1')])]], [pod('p', 'p1', [ref('web', 'r1')]), rs('web', 'r2')],
      ['get Pod/p', 'get ReplicaSet/web', 'delete Pod/p Background uid=p1 rv=20']],
    ['one solid and one dangling owner: only the dangling reference is removed',
      [[pods, pod('p', 'p1', [ref('web', 'r1'), ref('old', 'r0')])]], [pod('p', 'p1', [ref('web', 'r1'), ref('old', 'r0')]), rs('web', 'r1')],
      ['get Pod/p', 'get ReplicaSet/web', 'get ReplicaSet/old',
        `patch Pod/p ${JSON.stringify({ metadata: { ownerReferences: [ref('web', 'r1')], resourceVersion: '20' } })}`]],
    ['owner deleted in the foreground: the dependent goes (background)',
      [[pods, pod('p', 'p1', [ref('web', 'r1')])]], [pod('p', 'p1', [ref('web', 'r1')]), rs('web', 'r1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] })],
      ['get Pod/p', 'get ReplicaSet/web', 'delete Pod/p Background uid=p1 rv=20']],
    ['owner deleted in the foreground and the dependent has dependents: foreground too',
      [[pods, pod('p', 'p1', [ref('mid', 'm1')])], [rss, rs('mid', 'm1', { ownerReferences: [ref('top', 't1')] })]],
      [rs('mid', 'm1', { ownerReferences: [ref('top', 't1')] }), rs('top', 't1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] })],
      ['get ReplicaSet/mid', 'get ReplicaSet/top', 'delete ReplicaSet/mid Foreground uid=m1 rv=10']],
    ['an orphan finalizer already on the dependent is honoured',
      [[pods, pod('p', 'p1', [ref('web', 'r1')], { finalizers: ['orphan'] })]], [pod('p', 'p1', [ref('web', 'r1')], { finalizers: ['orphan'] })],
      ['get Pod/p', 'get ReplicaSet/web', 'delete Pod/p Orphan uid=p1 rv=20']],
    ['an owner kind we do not serve is never taken as gone',
      [[pods, pod('p', 'p1', [ref('x', 'x1', { apiVersion: 'example.com/v1', kind: 'Widget' })])]],
      [pod('p', 'p1', [ref('x', 'x1', { apiVersion: 'example.com/v1', kind: 'Widget' })])],
      ['get Pod/p']],
    ['the dependent is already being deleted: nothing to do',
      [[pods, pod('p', 'p1', [ref('web', 'r1')], { deletionTimestamp: 't' })]], [pod('p', 'p1', [ref('web', 'r1')], { deletionTimestamp: 't' })],
      ['get Pod/p']],
    ['the dependent is gone already', [[pods, pod('p', 'p1', [ref('web', 'r1')])]], [], ['get Pod/p']],
  ])('%s', async (_n, cached, live, want) => {
    const { deps, calls } = setup(cached, live);
    const uid = cached[cached.length - 1][1].metadata.uid as string;
    await attemptToDelete(uid, deps);
    expect(calls).toEqual(want);
  });

  test('an owner found absent once is not looked up again', async () => {
    const { deps, calls } = setup([[pods, pod('a', 'a1', [ref('web', 'r1')])], [pods, pod('b', 'b1', [ref('web', 'r1')])]],
      [pod('a', 'a1', [ref('web', 'r1')]), pod('b', 'b1', [ref('web', 'r1')])]);
    await attemptToDelete('a1', deps);
    await attemptToDelete('b1', deps);
    expect(calls.filter((c) => c === 'get ReplicaSet/web')).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('delete'))).toHaveLength(2);
  });

  test('foreground owner: blocking dependents are queued; once none is left the finalizer goes', async () => {
    const owner = rs('web', 'r1', { deletionTimestamp: 't', finalizers: ['foregroundDeletion'] });
    const withDeps = setup([[rss, owner], [pods, pod('p', 'p1', [ref('web', 'r1')])], [pods, pod('q', 'q1', [ref('web', 'r1')], { deletionTimestamp: 't' })],
      [pods, pod('n', 'n1', [ref('web', 'r1', { blockOwnerDeletion: false })])]], [owner]);
    await attemptToDelete('r1', withDeps.deps);
    expect(withDeps.queued).toEqual(['p1']);
    expect(withDeps.calls).toEqual(['get ReplicaSet/web']);

    const alone = setup([[rss, owner], [pods, pod('n', 'n1', [ref('web', 'r1', { blockOwnerDeletion: false })])]], [owner]);
    await attemptToDelete('r1', alone.deps);
    expect(alone.calls).toEqual(['get ReplicaSet/web', `patch ReplicaSet/web ${JSON.stringify({ metadata: { finalizers: null, resourceVersion: '10' } })}`]);
  });
});

describe('attemptToOrphan', () => {
  test('removes the owner from every dependent, then the orphan finalizer', async () => {
    const owner = rs('web', 'r1', { deletionTimestamp: 't', finalizers: ['orphan', 'other'] });
    const p = pod('p', 'p1', [ref('web', 'r1'), ref('keep', 'k1')]);
    const { deps, calls } = setup([[rss, owner], [pods, p]], [owner, p]);
    await attemptToOrphan('r1', deps);
    expect(calls).toEqual([
      'get ReplicaSet/web', 'get Pod/p',
      `patch Pod/p ${JSON.stringify({ metadata: { ownerReferences: [ref('keep', 'k1')], resourceVersion: '20' } })}`,
      `patch ReplicaSet/web ${JSON.stringify({ metadata: { finalizers: ['other'], resourceVersion: '10' } })}`,
    ]);
  });

  test('does nothing for an owner that is not being deleted with orphan', async () => {
    const owner = rs('web', 'r1');
    const { deps, calls } = setup([[rss, owner]], [owner]);
    await attemptToOrphan('r1', deps);
    expect(calls).toEqual(['get ReplicaSet/web']);
  });
});
