// Deletion semantics of the apiserver against a real etcd, without controllers: preconditions,
// finalizers, the GC finalizers of propagation policies, dryRun, graceful pods with finalizers,
// deletecollection, and the namespace lifecycle (Terminating, refused creates, immortal ones).
import { startTestCluster, requester, openWatch, pod, type TestCluster, type Reply } from './apiserver-helpers';
import { waitFor } from './harness';

jest.setTimeout(60_000);

interface Meta { name?: string; uid?: string; resourceVersion?: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number; finalizers?: string[] }
interface Obj { kind?: string; metadata: Meta; spec?: { finalizers?: string[] }; status?: { phase?: string } }

const rs = (name: string, meta: Partial<Meta> = {}) => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, ...meta },
  spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const RS = '/apis/apps/v1/namespaces/default/replicasets';
const PODS = '/api/v1/namespaces/default/pods';

describe('deletion semantics', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  beforeAll(async () => { c = await startTestCluster(); req = requester(c); });
  afterAll(async () => { await c?.stop(); });

  const create = async (path: string, body: unknown): Promise<Obj> => {
    const r = await req('POST', path, { body });
    expect(r.status).toBe(201);
    return r.json as Obj;
  };
  const status = (r: Reply) => r.json as { reason?: string; message?: string; code?: number };

  it('checks uid and resourceVersion preconditions (409 Conflict)', async () => {
    const o = await create(RS, rs('pre'));
    const wrongUid = await req('DELETE', `${RS}/pre`, { body: { preconditions: { uid: 'not-it' } } });
    expect(wrongUid.status).toBe(409);
    expect(status(wrongUid)).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('the UID in the precondition (not-it) does not match the UID in record') });
    const wrongRv = await req('DELETE', `${RS}/pre`, { body: { preconditions: { resourceVersion: '1' } } });
    expect(wrongRv.status).toBe(409);
    expect(status(wrongRv).message).toContain('the ResourceVersion in the precondition (1) does not match');
    const ok = await req('DELETE', `${RS}/pre`, { body: { preconditions: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion } } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'pre', group: 'apps', kind: 'replicasets', uid: o.metadata.uid } });
    expect((await req('GET', `${RS}/pre`)).status).toBe(404);
  });

  it('keeps an object with finalizers until the last one is removed by an update', async () => {
    await create(RS, rs('held', { finalizers: ['example.com/hold', 'example.com/second'] }));
    const w = openWatch(c, `${RS}?watch=true&fieldSelector=metadata.name=held`);
    const del = await req('DELETE', `${RS}/held`, { body: { propagationPolicy: 'Background' } });
    expect(del.status).toBe(200);
    expect((del.json as Obj).metadata).toMatchObject({ deletionGracePeriodSeconds: 0, deletionTimestamp: expect.any(String) });
    expect((await req('GET', `${RS}/held`)).status).toBe(200);
    // No new finalizer once deletion started.
    const add = await req('PATCH', `${RS}/held`, { body: { metadata: { finalizers: ['example.com/hold', 'example.com/second', 'example.com/new'] } }, contentType: 'application/merge-patch+json' });
    expect(add.status).toBe(422);
    expect(status(add).message).toContain('no new finalizers can be added if the object is being deleted');
    const one = await req('PATCH', `${RS}/held`, { body: { metadata: { finalizers: ['example.com/second'] } }, contentType: 'application/merge-patch+json' });
    expect(one.status).toBe(200);
    expect((await req('GET', `${RS}/held`)).status).toBe(200);
    const last = await req('PATCH', `${RS}/held`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    expect(last.status).toBe(200);
    expect((await req('GET', `${RS}/held`)).status).toBe(404);
    await waitFor(() => w.events.some((e) => e.type === 'DELETED'), { what: 'DELETED event' });
    w.close();
  });

  it('propagationPolicy puts the GC finalizers on the owner (Orphan, Foreground; legacy orphanDependents)', async () => {
    await create(RS, rs('orph'));
    await create(RS, rs('fore'));
    await create(RS, rs('legacy'));
    const orphan = await req('DELETE', `${RS}/orph`, { body: { propagationPolicy: 'Orphan' } });
    expect((orphan.json as Obj).metadata.finalizers).toEqual(['orphan']);
    const fore = await req('DELETE', `${RS}/fore?propagationPolicy=Foreground`);
    expect((fore.json as Obj).metadata.finalizers).toEqual(['foregroundDeletion']);
    const legacy = await req('DELETE', `${RS}/legacy`, { body: { orphanDependents: true } });
    expect((legacy.json as Obj).metadata.finalizers).toEqual(['orphan']);
    // A later Background DELETE drops the GC finalizer, and with it the object.
    expect((await req('DELETE', `${RS}/fore`, { body: { propagationPolicy: 'Background' } })).status).toBe(200);
    expect((await req('GET', `${RS}/fore`)).status).toBe(404);
    const bad = await req('DELETE', `${RS}/orph`, { body: { propagationPolicy: 'Sideways' } });
    expect(bad.status).toBe(422);
    expect(status(bad).message).toContain('Unsupported value: "Sideways"');
    const both = await req('DELETE', `${RS}/orph`, { body: { propagationPolicy: 'Orphan', orphanDependents: true } });
    expect(both.status).toBe(422);
  });

  it('dryRun=All (query or body) decides and writes nothing', async () => {
    await create(RS, rs('dry', { finalizers: ['example.com/hold'] }));
    const q = await req('DELETE', `${RS}/dry?dryRun=All`);
    expect((q.json as Obj).metadata.deletionTimestamp).toBeTruthy();
    const b = await req('DELETE', `${RS}/dry`, { body: { dryRun: ['All'], propagationPolicy: 'Orphan' } });
    expect((b.json as Obj).metadata.finalizers).toEqual(['example.com/hold', 'orphan']);
    const live = (await req('GET', `${RS}/dry`)).json as Obj;
    expect(live.metadata.deletionTimestamp).toBeUndefined();
    expect(live.metadata.finalizers).toEqual(['example.com/hold']);
  });

  it('a bound pod with a finalizer: graceful, then held at grace 0, then gone with its finalizer', async () => {
    await create(PODS, pod('gf', { metadata: { name: 'gf', finalizers: ['example.com/hold'] } }));
    await req('POST', `${PODS}/gf/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'gf' }, target: { kind: 'Node', name: 'n1' } } });
    const first = (await req('DELETE', `${PODS}/gf`, { body: {} })).json as Obj;
    expect(first.metadata.deletionGracePeriodSeconds).toBe(30);
    // The same DELETE again changes nothing; a longer grace period cannot be asked for.
    const again = (await req('DELETE', `${PODS}/gf`, { body: { gracePeriodSeconds: 60 } })).json as Obj;
    expect(again.metadata).toMatchObject({ deletionGracePeriodSeconds: 30, resourceVersion: first.metadata.resourceVersion });
    const agent = (await req('DELETE', `${PODS}/gf`, { body: { gracePeriodSeconds: 0, preconditions: { uid: first.metadata.uid } } })).json as Obj;
    expect(agent.metadata.deletionGracePeriodSeconds).toBe(0);
    expect((await req('GET', `${PODS}/gf`)).status).toBe(200);
    await req('PATCH', `${PODS}/gf`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    expect((await req('GET', `${PODS}/gf`)).status).toBe(404);
  });

  it('deletecollection with label and field selectors, advertised in discovery', async () => {
    for (const [n, app] of [['dc1', 'x'], ['dc2', 'x'], ['dc3', 'y'], ['dc4', 'y']]) await create(PODS, pod(n, { metadata: { name: n, labels: { app } } }));
    const byLabel = await req('DELETE', `${PODS}?labelSelector=app%3Dx`, { body: { propagationPolicy: 'Background' } });
    expect(byLabel.status).toBe(200);
    const list = byLabel.json as { kind: string; items: Obj[] };
    expect(list.kind).toBe('PodList');
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(['dc1', 'dc2']);
    const byField = await req('DELETE', `${PODS}?fieldSelector=metadata.name%3Ddc3`);
    expect((byField.json as { items: Obj[] }).items.map((i) => i.metadata.name)).toEqual(['dc3']);
    const left = ((await req('GET', `${PODS}?labelSelector=app+in+(x,y)`)).json as { items: Obj[] }).items.map((i) => i.metadata.name);
    expect(left).toEqual(['dc4']);
    expect((await req('DELETE', `${PODS}?labelSelector=app%3Dy&dryRun=All`)).status).toBe(200);
    expect((await req('GET', `${PODS}/dc4`)).status).toBe(200);

    const core = (await req('GET', '/api/v1')).json as { resources: Array<{ name: string; verbs: string[] }> };
    expect(core.resources.find((r) => r.name === 'pods')?.verbs).toContain('deletecollection');
    expect(core.resources.find((r) => r.name === 'namespaces')?.verbs).not.toContain('deletecollection');
    expect((await req('DELETE', '/api/v1/namespaces')).status).toBe(405);
  });

  it('namespaces: immortal ones are refused, others turn Terminating and refuse new content', async () => {
    const def = await req('DELETE', '/api/v1/namespaces/default');
    expect(def.status).toBe(403);
    expect(status(def).message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
    expect((await req('DELETE', '/api/v1/namespaces/kube-system')).status).toBe(403);

    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await create('/api/v1/namespaces/doomed/pods', pod('inside'));
    const del = await req('DELETE', '/api/v1/namespaces/doomed');
    expect(del.status).toBe(200);
    const ns = del.json as Obj;
    expect(ns).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' }, spec: { finalizers: ['kubernetes'] } });
    expect(ns.metadata.deletionTimestamp).toBeTruthy();
    const refused = await req('POST', '/api/v1/namespaces/doomed/pods', { body: pod('late') });
    expect(refused.status).toBe(403);
    expect(status(refused)).toMatchObject({ reason: 'Forbidden', message: 'pods "late" is forbidden: unable to create new content in namespace doomed because it is being terminated' });
    // Without the namespace controller nothing more happens: the namespace waits for its finalizer.
    expect((await req('DELETE', '/api/v1/namespaces/doomed')).status).toBe(200);
    expect((await req('GET', '/api/v1/namespaces/doomed')).status).toBe(200);
    expect((await req('GET', '/api/v1/namespaces/doomed/pods/inside')).status).toBe(200);
  });
});
