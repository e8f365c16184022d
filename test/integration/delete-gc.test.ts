// The garbage collector and the namespace controller, in-process against a real etcd and
// apiserver, driven by the real kubectl: ReplicaSets with (unbound) pods deleted in the
// background, in the foreground and with orphaning; namespaces emptied; and a restart of the
// controller-manager that collects what was left behind without touching what is still owned.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { startTestCluster, requester, openWatch, pod, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { waitFor } from './harness';

jest.setTimeout(90_000);

interface OwnerRef { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }
interface Obj { metadata: { name?: string; uid?: string; resourceVersion?: string; ownerReferences?: OwnerRef[]; labels?: Record<string, string> } }
interface Run { code: number; stdout: string; stderr: string }

const rsManifest = (name: string, replicas: number, namespace = 'default') => JSON.stringify({
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } },
});

describe('garbage collection and namespace deletion', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  let cm: RunningControllers | undefined;
  let kubectl: (args: string[], input?: string) => Promise<Run>;
  beforeAll(async () => {
    c = await startTestCluster();
    req = requester(c);
    cm = startControllerManager(c.kubeconfig);
    const cache = mkdtempSync(path.join(c.dir, 'cache-'));
    kubectl = (args, input) => new Promise((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  });
  afterAll(async () => {
    await cm?.stop();
    await c?.stop();
  });

  const podsOf = async (app: string, namespace = 'default'): Promise<Obj[]> =>
    ((await req('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`)).json as { items: Obj[] }).items;
  const applyRs = async (name: string, replicas: number, namespace = 'default'): Promise<Obj[]> => {
    expect((await kubectl(['apply', '-f', '-'], rsManifest(name, replicas, namespace))).code).toBe(0);
    const pods = await waitFor(async () => { const p = await podsOf(name, namespace); return p.length === replicas ? p : undefined; }, { what: `${replicas} pods of ${name}` });
    return pods ?? [];
  };

  it('kubectl delete rs (Background): the GC deletes the pods afterwards', async () => {
    await applyRs('bg', 3);
    const del = await kubectl(['delete', 'rs', 'bg']);
    expect(del).toMatchObject({ code: 0, stdout: 'replicaset.apps "bg" deleted\n' });
    await waitFor(async () => (await podsOf('bg')).length === 0, { what: 'pods of bg collected' });
  });

  it('--cascade=orphan: the ReplicaSet goes, its pods stay without ownerReferences', async () => {
    await applyRs('orph', 2);
    const del = await kubectl(['delete', 'rs', 'orph', '--cascade=orphan']);
    expect(del.code).toBe(0);
    expect((await req('GET', '/apis/apps/v1/namespaces/default/replicasets/orph')).status).toBe(404);
    const pods = await podsOf('orph');
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata.ownerReferences).toBeUndefined();
    for (const p of pods) await req('DELETE', `/api/v1/namespaces/default/pods/${p.metadata.name ?? ''}`);
  });

  it('--cascade=foreground: the pods are deleted before the ReplicaSet', async () => {
    await applyRs('fg', 2);
    const pods = openWatch(c, '/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dfg');
    const sets = openWatch(c, '/apis/apps/v1/namespaces/default/replicasets?watch=true&fieldSelector=metadata.name%3Dfg');
    await waitFor(() => pods.events.length >= 2 && sets.events.length >= 1, { what: 'watches started' });
    const del = await kubectl(['delete', 'rs', 'fg', '--cascade=foreground']);
    expect(del.code).toBe(0);
    await waitFor(() => sets.events.some((e) => e.type === 'DELETED'), { what: 'ReplicaSet DELETED' });
    pods.close();
    sets.close();
    const rv = (e: { object: { metadata?: object } }) => Number((e.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion);
    const podDeletes = pods.events.filter((e) => e.type === 'DELETED').map(rv);
    const marked = sets.events.find((e) => e.type === 'MODIFIED' && JSON.stringify(e.object).includes('foregroundDeletion'));
    const rsDeleted = sets.events.find((e) => e.type === 'DELETED');
    expect(podDeletes).toHaveLength(2);
    expect(marked).toBeDefined();
    expect(Math.max(...podDeletes)).toBeLessThan(rv(rsDeleted as NonNullable<typeof rsDeleted>));
    expect(Math.min(...podDeletes)).toBeGreaterThan(rv(marked as NonNullable<typeof marked>));
  });

  it('kubectl delete namespace: its ReplicaSets and pods go, then the namespace', async () => {
    expect((await kubectl(['create', 'namespace', 'team-gc'])).code).toBe(0);
    await applyRs('inns', 2, 'team-gc');
    const del = await kubectl(['delete', 'namespace', 'team-gc']);
    expect(del).toMatchObject({ code: 0, stdout: 'namespace "team-gc" deleted\n' });
    expect((await req('GET', '/api/v1/namespaces/team-gc')).status).toBe(404);
    expect((await req('GET', '/api/v1/namespaces/team-gc/pods')).json).toMatchObject({ items: [] });
    expect((await req('GET', '/apis/apps/v1/namespaces/team-gc/replicasets')).json).toMatchObject({ items: [] });
  });

  it('kubectl delete pods -l and --grace-period=0 --force', async () => {
    for (const n of ['l1', 'l2']) expect((await req('POST', '/api/v1/namespaces/default/pods', { body: pod(n, { metadata: { name: n, labels: { app: 'lbl' } } }) })).status).toBe(201);
    const del = await kubectl(['delete', 'pods', '-l', 'app=lbl']);
    expect(del.stdout).toBe('pod "l1" deleted\npod "l2" deleted\n');
    expect(await podsOf('lbl')).toHaveLength(0);
    await req('POST', '/api/v1/namespaces/default/pods', { body: pod('forced') });
    await req('POST', '/api/v1/namespaces/default/pods/forced/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'forced' }, target: { kind: 'Node', name: 'n1' } } });
    const force = await kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
    expect(force.code).toBe(0);
    expect(force.stderr).toContain('Immediate deletion does not wait for confirmation');
    expect((await req('GET', '/api/v1/namespaces/default/pods/forced')).status).toBe(404);
  });

  it('after a restart the GC collects what was left behind and keeps what is owned', async () => {
    await cm?.stop();
    cm = undefined;
    const defaultNs = (await req('GET', '/api/v1/namespaces/default')).json as Obj;
    const owned: OwnerRef = { apiVersion: 'v1', kind: 'Namespace', name: 'default', uid: defaultNs.metadata.uid ?? '' };
    const ghost: OwnerRef = { apiVersion: 'v1', kind: 'Namespace', name: 'never-was', uid: '00000000-0000-0000-0000-000000000000' };
    const replaced: OwnerRef = { ...owned, uid: '11111111-1111-1111-1111-111111111111' }; // the name exists, with another uid
    const mk = (name: string, refs: OwnerRef[]) => req('POST', '/api/v1/namespaces/default/pods', { body: pod(name, { metadata: { name, labels: { app: 'restart' }, ownerReferences: refs } }) });
    await mk('kept', [owned]);
    await mk('half', [owned, ghost]);
    await mk('orphaned', [ghost]);
    await mk('stale', [replaced]);
    cm = startControllerManager(c.kubeconfig);
    await waitFor(async () => {
      const names = (await podsOf('restart')).map((p) => p.metadata.name).sort();
      return names.join(',') === 'half,kept' && names;
    }, { what: 'orphaned and stale collected', timeoutMs: 30_000 });
    const half = (await req('GET', '/api/v1/namespaces/default/pods/half')).json as Obj;
    await waitFor(async () => (((await req('GET', '/api/v1/namespaces/default/pods/half')).json as Obj).metadata.ownerReferences ?? []).length === 1,
      { what: 'dangling reference removed from half' });
    expect(half.metadata.uid).toBeTruthy();
    const kept = (await req('GET', '/api/v1/namespaces/default/pods/kept')).json as Obj;
    expect(kept.metadata.ownerReferences).toEqual([owned]);
  });
});
