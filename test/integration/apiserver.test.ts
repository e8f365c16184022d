// The apiserver against a real etcd: CRUD, conflicts, watches, dryRun, Status bodies.
import { startTestCluster, requester, openWatch, pod, type TestCluster } from './apiserver-helpers';
import { waitFor } from './harness';

jest.setTimeout(60_000);

type Obj = { metadata: { name: string; resourceVersion: string; uid?: string; deletionTimestamp?: string; generation?: number }; [k: string]: unknown };

describe('apiserver (real etcd)', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  beforeAll(async () => {
    c = await startTestCluster();
    req = requester(c);
  });
  afterAll(async () => { await c?.stop(); });

  it('creates the bootstrap namespaces', async () => {
    const r = await req('GET', '/api/v1/namespaces');
    expect(r.status).toBe(200);
    const names = (r.json as { items: Obj[] }).items.map((n) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('refuses unauthenticated requests with a Status but serves /version anonymously', async () => {
    const r = await req('GET', '/api/v1/pods', { anonymous: true });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
    const v = await req('GET', '/version', { anonymous: true });
    expect(v.json).toMatchObject({ major: '1', minor: '33' });
  });

  it('creates, gets, lists, updates and deletes a pod with defaults', async () => {
    const created = await req('POST', '/api/v1/namespaces/default/pods', { body: pod('crud') });
    expect(created.status).toBe(201);
    const p = created.json as Obj & { spec: { restartPolicy: string; containers: Array<{ imagePullPolicy: string }> }; status: { phase: string; qosClass: string } };
    expect(p.metadata.uid).toBeTruthy();
    expect(p.metadata.generation).toBe(1);
    expect(p.spec.restartPolicy).toBe('Always');
    expect(p.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const got = await req('GET', '/api/v1/namespaces/default/pods/crud');
    expect((got.json as Obj).metadata.resourceVersion).toBe(p.metadata.resourceVersion);
    const list = await req('GET', '/api/v1/pods?labelSelector=app%3Dtest');
    expect((list.json as { kind: string; items: Obj[] }).kind).toBe('PodList');
    const upd = await req('PUT', '/api/v1/namespaces/default/pods/crud', {
      body: { ...p, metadata: { ...p.metadata, labels: { app: 'test', x: 'y' } } },
    });
    expect(upd.status).toBe(200);
    const del = await req('DELETE', '/api/v1/namespaces/default/pods/crud', { body: { propagationPolicy: 'Background' } });
    expect(del.text).toContain('"kind":"Pod"');
    expect((await req('GET', '/api/v1/namespaces/default/pods/crud')).json).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "crud" not found' });
  });

  it('answers 409 Conflict for a stale resourceVersion and 409 AlreadyExists for a duplicate', async () => {
    const p = (await req('POST', '/api/v1/namespaces/default/pods', { body: pod('conflict') })).json as Obj;
    await req('PATCH', '/api/v1/namespaces/default/pods/conflict', { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    const stale = await req('PUT', '/api/v1/namespaces/default/pods/conflict', { body: p });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    const dup = await req('POST', '/api/v1/namespaces/default/pods', { body: pod('conflict') });
    expect(dup.json).toMatchObject({ code: 409, reason: 'AlreadyExists' });
  });

  it('refuses invalid objects with 422 causes, unknown fields per fieldValidation, missing namespaces with 404', async () => {
    const bad = pod('noimage', { spec: { containers: [{ name: 'main' }] } });
    const r = await req('POST', '/api/v1/namespaces/default/pods', { body: bad });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', message: 'Pod "noimage" is invalid: spec.containers[0].image: Required value' });
    const unknown = pod('unknown', { spec: { bogusField: 1, containers: [{ name: 'main', image: 'busybox' }] } });
    const strict = await req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', { body: unknown });
    expect(strict.json).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField"' });
    const warn = await req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Warn', { body: unknown });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"spec.bogusField\\""');
    const nons = await req('POST', '/api/v1/namespaces/nope/pods', { body: pod('x') });
    expect(nons.json).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
    expect((await req('GET', '/api/v1/bogus')).json).toMatchObject({ kind: 'Status', code: 404 });
  });

  it('does not persist dryRun=All writes', async () => {
    const r = await req('POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: pod('dry') });
    expect(r.status).toBe(201);
    expect((await req('GET', '/api/v1/namespaces/default/pods/dry')).status).toBe(404);
    await req('POST', '/api/v1/namespaces/default/pods', { body: pod('dry') });
    const patched = await req('PATCH', '/api/v1/namespaces/default/pods/dry?dryRun=All', { body: { metadata: { labels: { dry: 'run' } } }, contentType: 'application/merge-patch+json' });
    expect((patched.json as Obj).metadata).toMatchObject({ labels: { app: 'test', dry: 'run' } });
    const del = await req('DELETE', '/api/v1/namespaces/default/pods/dry', { body: { dryRun: ['All'] } });
    expect(del.status).toBe(200);
    const after = (await req('GET', '/api/v1/namespaces/default/pods/dry')).json as Obj;
    expect(after.metadata).not.toHaveProperty('labels.dry');
  });

  it('watches with fieldSelector metadata.name, including DELETED', async () => {
    const list = (await req('GET', '/api/v1/namespaces/default/pods')).json as { metadata: { resourceVersion: string } };
    const w = openWatch(c, `/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dwatched&resourceVersion=${list.metadata.resourceVersion}`);
    await waitFor(() => w.status() === 200, { what: 'watch open' });
    await req('POST', '/api/v1/namespaces/default/pods', { body: pod('other') });
    await req('POST', '/api/v1/namespaces/default/pods', { body: pod('watched') });
    await req('PATCH', '/api/v1/namespaces/default/pods/watched', { body: { metadata: { labels: { n: '1' } } }, contentType: 'application/merge-patch+json' });
    await req('DELETE', '/api/v1/namespaces/default/pods/watched');
    await waitFor(() => w.events.length >= 3, { what: 'three events' });
    w.close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  });

  it('sends synthetic ADDED for resourceVersion=0 and Tables on a Table Accept', async () => {
    const w = openWatch(c, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&fieldSelector=metadata.name%3Dother',
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    await waitFor(() => w.events.length >= 1, { what: 'synthetic ADDED' });
    w.close();
    const ev = w.events[0] as { type: string; object: { kind: string; rows: Array<{ cells: unknown[] }> } };
    expect(ev.type).toBe('ADDED');
    expect(ev.object.kind).toBe('Table');
    expect(ev.object.rows[0].cells.slice(0, 4)).toEqual(['other', '0/1', 'Pending', '0']);
  });

  it('binds pods once and deletes bound pods gracefully', async () => {
    await req('POST', '/api/v1/namespaces/default/pods', { body: pod('bindme') });
    const bind = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { kind: 'Node', name: 'n1' } };
    expect((await req('POST', '/api/v1/namespaces/default/pods/bindme/binding', { body: bind })).status).toBe(201);
    expect((await req('POST', '/api/v1/namespaces/default/pods/bindme/binding', { body: bind })).status).toBe(409);
    const del = await req('DELETE', '/api/v1/namespaces/default/pods/bindme', { body: {} });
    const terminating = del.json as Obj & { metadata: { deletionGracePeriodSeconds: number } };
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await req('GET', '/api/v1/namespaces/default/pods/bindme')).status).toBe(200);
    await req('DELETE', '/api/v1/namespaces/default/pods/bindme', { body: { gracePeriodSeconds: 0 } });
    expect((await req('GET', '/api/v1/namespaces/default/pods/bindme')).status).toBe(404);
  });

  it('updates only status through pods/status', async () => {
    const p = (await req('POST', '/api/v1/namespaces/default/pods', { body: pod('status') })).json as Obj & { spec: object };
    const r = await req('PUT', '/api/v1/namespaces/default/pods/status/status', {
      body: { ...p, metadata: { ...p.metadata, labels: { changed: 'yes' } }, status: { phase: 'Running', podIP: '10.0.0.9' } },
    });
    expect(r.status).toBe(200);
    const got = r.json as Obj & { status: { phase: string } };
    expect(got.status.phase).toBe('Running');
    expect(got.metadata).toMatchObject({ labels: { app: 'test' } });
  });

  it('serves replicasets with the scale subresource and bumps generation on spec changes', async () => {
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    expect((await req('POST', '/apis/apps/v1/namespaces/default/replicasets', { body: rs })).status).toBe(201);
    const scale = await req('GET', '/apis/apps/v1/namespaces/default/replicasets/web/scale');
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=web' } });
    const patched = await req('PATCH', '/apis/apps/v1/namespaces/default/replicasets/web/scale', { body: { spec: { replicas: 0 } }, contentType: 'application/merge-patch+json' });
    expect(patched.json).toMatchObject({ spec: { replicas: 0 } });
    const got = (await req('GET', '/apis/apps/v1/namespaces/default/replicasets/web')).json as Obj;
    expect(got.metadata.generation).toBe(2);
    const mismatch = { ...rs, metadata: { name: 'bad' }, spec: { ...rs.spec, selector: { matchLabels: { app: 'other' } } } };
    const r = await req('POST', '/apis/apps/v1/namespaces/default/replicasets', { body: mismatch });
    expect(r.status).toBe(422);
    expect((r.json as { message: string }).message).toContain('spec.template.metadata.labels: Invalid value');
  });

  it('answers 413 for bodies over 3 MiB', async () => {
    const big = pod('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } } });
    const r = await req('POST', '/api/v1/namespaces/default/pods', { body: big });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: 'Status', code: 413 });
  });

  it.each([['over etcd\'s 1.5 MiB request limit', 1700 * 1024], ['over its 2 MiB gRPC message limit', 2 * 1024 * 1024]])(
    'answers 413 for an object %s (under the 3 MiB body limit), storing nothing', async (_what, bytes) => {
      const event = {
        apiVersion: 'v1', kind: 'Event', metadata: { name: `huge-${bytes}` }, involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' },
        reason: 'Huge', message: 'x'.repeat(bytes),
      };
      const r = await req('POST', '/api/v1/namespaces/default/events', { body: event });
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge', message: 'etcdserver: request is too large' });
      expect((await req('GET', `/api/v1/namespaces/default/events/huge-${bytes}`)).status).toBe(404);
    });

  it('serves metrics and readyz', async () => {
    expect((await req('GET', '/readyz', { anonymous: true })).text).toBe('ok');
    const m = await req('GET', '/metrics');
    expect(m.text).toContain('apiserver_request_total');
  });

  it('counts etcd requests by operation and resource, and stored objects by resource', async () => {
    /** The value of the series `name` whose labels include `labels` (the registry adds component="apiserver"). */
    const value = (text: string, name: string, labels: Record<string, string>): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const before = (await req('GET', '/metrics')).text;
    const pods = ((await req('GET', '/api/v1/pods')).json as { items: unknown[] }).items.length;
    expect(value(before, 'apiserver_storage_objects', { resource: 'pods' })).toBe(pods);
    expect(value(before, 'apiserver_storage_objects', { resource: 'namespaces' })).toBeGreaterThanOrEqual(4);
    expect((await req('POST', '/api/v1/namespaces/default/pods', { body: pod('counted') })).status).toBe(201);
    const after = (await req('GET', '/metrics')).text;
    const creates = (text: string) => value(text, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'pods' });
    expect(creates(after) - creates(before)).toBe(1);
    expect(value(after, 'apiserver_storage_objects', { resource: 'pods' })).toBe(pods + 1);
    expect(value(after, 'etcd_request_duration_seconds_bucket', { le: '10', operation: 'create', type: 'pods' })).toBe(creates(after));
  });
});
