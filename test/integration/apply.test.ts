// Server-side apply and managedFields over HTTP against a real etcd: create on PATCH, ownership
// per manager, conflicts and force, pruning, dryRun, status and scale subresources, and the
// managedFields rewrite kubectl's csaupgrade sends.
import type { ManagedFieldsEntry } from '../../api/meta/v1';
import { startTestCluster, requester, type TestCluster, type Reply } from './apiserver-helpers';

jest.setTimeout(60_000);

type Obj = { metadata: { name?: string; resourceVersion?: string; labels?: Record<string, string>; managedFields?: ManagedFieldsEntry[] }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

const base = '/apis/apps/v1/namespaces/default/deployments';
const deployment = (name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
  spec: {
    replicas: 1, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } },
    ...spec,
  },
});
const owners = (o: Obj) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
const entry = (o: Obj, manager: string) => (o.metadata.managedFields ?? []).find((e) => e.manager === manager);

describe('server-side apply', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  const apply = (name: string, body: unknown, query = 'fieldManager=ssa', contentType = 'application/apply-patch+yaml'): Promise<Reply> =>
    req('PATCH', `${base}/${name}?${query}`, { body, contentType });
  const get = async (name: string): Promise<Obj> => (await req('GET', `${base}/${name}`)).json as Obj;

  beforeAll(async () => {
    c = await startTestCluster();
    req = requester(c);
  });
  afterAll(async () => { await c?.stop(); });

  it('creates a missing object (201) owned by the applier, and a repeat changes nothing', async () => {
    const r = await apply('web', deployment('web'));
    expect(r.status).toBe(201);
    const obj = r.json as Obj;
    expect(owners(obj)).toEqual(['ssa/Apply']);
    expect(entry(obj, 'ssa')).toMatchObject({
      apiVersion: 'apps/v1', fieldsType: 'FieldsV1', time: expect.stringMatching(/Z$/),
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {}, 'f:selector': { 'f:matchLabels': { 'f:app': {} } },
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    });
    const again = await apply('web', deployment('web'));
    expect(again.status).toBe(200);
    expect((again.json as Obj).metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
  });

  it('accepts YAML bodies', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: from-yaml}
spec:
  replicas: 2
  selector: {matchLabels: {app: yml}}
  template:
    metadata: {labels: {app: yml}}
    spec:
      containers:
      - {name: main, image: busybox}
`;
    const r = await apply('from-yaml', yaml);
    expect(r.status).toBe(201);
    expect((r.json as Obj).spec?.replicas).toBe(2);
  });

  it.each([
    ['no fieldManager', '', deployment('web'), 422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'],
    ['another kind', 'fieldManager=ssa', { ...deployment('web'), kind: 'ReplicaSet' }, 400, 'invalid object type: apps/v1, Kind=ReplicaSet'],
    ['managedFields in the body', 'fieldManager=ssa', { ...deployment('web'), metadata: { name: 'web', managedFields: [] } }, 400, 'metadata.managedFields must be nil'],
    ['another name', 'fieldManager=ssa', deployment('other'), 400, 'the name of the object (other) does not match the name on the URL (web)'],
    ['an unknown field', 'fieldManager=ssa', deployment('web', { bogus: 1 }), 400,
      'failed to create typed patch object (apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema'],
    ['a list item without its key', 'fieldManager=ssa', deployment('web', { template: { spec: { containers: [{ image: 'x' }] } } }), 400,
      'failed to create typed patch object (apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)'],
    ['bad YAML', 'fieldManager=ssa', 'a: [', 400, expect.stringMatching(/^error decoding YAML: /)],
  ])('refuses %s', async (_name, query, body, code, message) => {
    const r = await apply('web', body, query);
    expect(r.status).toBe(code);
    expect(r.json).toMatchObject({ kind: 'Status', code, message });
  });

  it('refuses force on a non-apply patch', async () => {
    const r = await apply('web', { spec: { replicas: 1 } }, 'fieldManager=x&force=true', 'application/merge-patch+json');
    expect(r.json).toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch' });
  });

  it('conflicts with another manager that owns a changed field, and force takes it', async () => {
    const patched = await apply('web', { spec: { replicas: 5 } }, 'fieldManager=kubectl-patch', 'application/merge-patch+json');
    expect(owners(patched.json as Obj)).toEqual(['ssa/Apply', 'kubectl-patch/Update']);
    expect(entry(patched.json as Obj, 'kubectl-patch')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const r = await apply('web', deployment('web', { replicas: 3 }));
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409,
      message: 'Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-patch" using apps/v1', field: '.spec.replicas' }] },
    });
    expect((await get('web')).spec?.replicas).toBe(5);
    const forced = await apply('web', deployment('web', { replicas: 3 }), 'fieldManager=ssa&force=true');
    expect(forced.status).toBe(200);
    expect((forced.json as Obj).spec?.replicas).toBe(3);
    expect(owners(forced.json as Obj)).toEqual(['ssa/Apply']);
  });

  it('shares a field applied with the same value instead of conflicting', async () => {
    const r = await apply('web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } }, 'fieldManager=other');
    expect(r.status).toBe(200);
    expect(owners(r.json as Obj)).toEqual(['other/Apply', 'ssa/Apply']);
    // the other applier drops it again: ssa still owns it, so it stays
    const dropped = await apply('web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { extra: 'x' } } }, 'fieldManager=other');
    expect((dropped.json as Obj).spec?.replicas).toBe(3);
  });

  it('removes fields the applier no longer applies', async () => {
    await apply('pruned', deployment('pruned', { minReadySeconds: 5 }, { app: 'pruned', tier: 'web' }));
    const r = await apply('pruned', deployment('pruned', {}, { app: 'pruned' }));
    expect((r.json as Obj).metadata.labels).toEqual({ app: 'pruned' });
    expect((r.json as Obj).spec?.minReadySeconds).toBeUndefined();
  });

  it('honours dryRun=All: nothing is stored, on create or update', async () => {
    const created = await apply('dry', deployment('dry'), 'fieldManager=ssa&dryRun=All');
    expect(created.status).toBe(201);
    expect((await req('GET', `${base}/dry`)).status).toBe(404);
    const before = await get('web');
    const r = await apply('web', deployment('web', { replicas: 9 }), 'fieldManager=ssa&dryRun=All');
    expect((r.json as Obj).spec?.replicas).toBe(9);
    const after = await get('web');
    expect(after.spec?.replicas).toBe(3);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('records Update managers with their subresource', async () => {
    const cur = await get('web');
    const status = await req('PUT', `${base}/web/status?fieldManager=kube-controller-manager`, {
      body: { ...cur, apiVersion: 'apps/v1', kind: 'Deployment', status: { replicas: 3, observedGeneration: 1 } },
    });
    expect(status.status).toBe(200);
    const s = entry(status.json as Obj, 'kube-controller-manager');
    expect(s).toMatchObject({ operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } } });
    const scaled = await req('PATCH', `${base}/web/scale?fieldManager=kubectl-scale`, { body: { spec: { replicas: 4 } }, contentType: 'application/merge-patch+json' });
    expect(scaled.status).toBe(200);
    const afterScale = await get('web');
    expect(entry(afterScale, 'kubectl-scale')).toMatchObject({ operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    // a status write never takes spec fields, and the main resource keeps the applier's
    expect(entry(afterScale, 'ssa')?.fieldsV1).not.toHaveProperty('f:status');
  });

  it('takes managedFields a client rewrites (kubectl csaupgrade), with a resourceVersion check', async () => {
    const cur = await get('web');
    const rewritten = (cur.metadata.managedFields ?? []).filter((e) => e.manager !== 'kubectl-scale');
    const patch = [
      { op: 'replace', path: '/metadata/managedFields', value: rewritten },
      { op: 'replace', path: '/metadata/resourceVersion', value: cur.metadata.resourceVersion },
    ];
    const r = await req('PATCH', `${base}/web?fieldManager=kubectl`, { body: patch, contentType: 'application/json-patch+json' });
    expect(r.status).toBe(200);
    expect(owners(r.json as Obj)).not.toContain('kubectl-scale/Update/scale');
    const stale = await req('PATCH', `${base}/web?fieldManager=kubectl`, { body: patch, contentType: 'application/json-patch+json' });
    expect(stale.status).toBe(409);
  });

  it('applies to the status subresource, never to a missing object', async () => {
    const r = await req('PATCH', `${base}/web/status?fieldManager=ctrl`, {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { availableReplicas: 2 } }, contentType: 'application/apply-patch+yaml',
    });
    expect(r.status).toBe(200);
    expect((r.json as Obj).status?.availableReplicas).toBe(2);
    expect(entry(r.json as Obj, 'ctrl')).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:availableReplicas': {} } } });
    const missing = await req('PATCH', `${base}/nope/status?fieldManager=ctrl`, {
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nope' }, status: {} }, contentType: 'application/apply-patch+yaml',
    });
    expect(missing.status).toBe(404);
  });

  it('works for core kinds with map-keyed lists of several keys', async () => {
    const svc = (port: number) => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' },
      spec: { selector: { app: 'web' }, ports: [{ port, targetPort: 8080 }] },
    });
    const created = await req('PATCH', '/api/v1/namespaces/default/services/svc?fieldManager=ssa', { body: svc(80), contentType: 'application/apply-patch+yaml' });
    expect(created.status).toBe(201);
    const fields = entry(created.json as Obj, 'ssa')?.fieldsV1 as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(fields['f:spec']['f:ports'])).toEqual(['k:{"port":80,"protocol":"TCP"}']);
    const moved = await req('PATCH', '/api/v1/namespaces/default/services/svc?fieldManager=ssa', { body: svc(81), contentType: 'application/apply-patch+yaml' });
    expect(((moved.json as Obj).spec?.ports as Array<{ port: number }>).map((p) => p.port)).toEqual([81]);
  });
});
