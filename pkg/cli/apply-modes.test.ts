// apply --server-side (one apply patch, fieldManager kubectl, force) and --prune (kubectl's
// rules: only objects with the last-applied annotation that this run did not apply).
import { StatusError } from '../apimachinery';
import { LAST_APPLIED, type JsonObject } from './merge-patch';
import { memoryServer, runWith, type Handler } from './testing';

const cm = (name: string, extra: JsonObject = {}): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'x' }, ...extra }, data: { k: 'v' } });

test('--server-side sends the manifest as an apply patch with kubectl\'s query', async () => {
  const r = await runWith(['apply', '--server-side', '--force-conflicts', '-f', '-'], (req) => ({ ...(req.body as object) }), cm('a'));
  expect(r).toMatchObject({ code: 0, out: 'configmap/a serverside-applied\n' });
  expect(r.client.requests).toHaveLength(1);
  expect(r.client.requests[0]).toMatchObject({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/a',
    contentType: 'application/apply-patch+yaml', query: { fieldManager: 'kubectl', fieldValidation: 'Strict', force: 'true' } });
});

test('a server-side apply conflict prints the Status message and kubectl\'s advice', async () => {
  const conflict: Handler = () => {
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.k' });
  };
  const r = await runWith(['apply', '--server-side', '-f', '-'], conflict, cm('a'));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: \.data\.k\nPlease review the fields above--they currently have other managers\./);
  expect(r.err).toContain('--force-conflicts');
});

test('--prune deletes what an earlier apply created and this one did not, and nothing else', async () => {
  const objects = new Map<string, JsonObject>();
  const base = memoryServer(objects);
  let uid = 0;
  const server: Handler = (req) => {
    if (req.method === 'POST') (req.body as { metadata: JsonObject }).metadata.uid = `u${++uid}`;
    if (req.method === 'GET' && req.query.labelSelector) {
      return { kind: 'List', apiVersion: 'v1', metadata: {}, items: [...objects].filter(([k]) => k.startsWith(`${req.path}/`)).map(([, v]) => v) };
    }
    return base(req);
  };
  await runWith(['apply', '-f', '-'], server, `${cm('keep')}\n---\n${cm('gone')}`);
  objects.set('/api/v1/namespaces/default/configmaps/manual', JSON.parse(cm('manual')) as JsonObject);
  const r = await runWith(['apply', '--prune', '-l', 'app=x', '--prune-allowlist=core/v1/ConfigMap', '-f', '-'], server, cm('keep'));
  expect(r).toMatchObject({ code: 0, out: 'configmap/keep unchanged\nconfigmap/gone pruned\n', err: '' });
  const del = r.client.requests.find((q) => q.method === 'DELETE');
  expect(del).toMatchObject({ path: '/api/v1/namespaces/default/configmaps/gone', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
  expect([...objects.keys()].sort()).toEqual(['/api/v1/namespaces/default/configmaps/keep', '/api/v1/namespaces/default/configmaps/manual']);
  expect((objects.get('/api/v1/namespaces/default/configmaps/keep')?.metadata as JsonObject).annotations).toHaveProperty([LAST_APPLIED]);
});

test.each([
  [['apply', '--prune', '-f', 'x'], /all resources selected for prune without explicitly passing --all/],
  [['apply', '--force-conflicts', '-f', 'x'], /--force-conflicts only works with --server-side/],
  [['apply', '--server-side', '--dry-run=client', '-f', 'x'], /--dry-run=client doesn't work with --server-side/],
])('usage: %j', async (argv, err) => {
  const r = await runWith(argv, () => ({}));
  expect(r.code).toBe(1);
  expect(r.err).toMatch(err);
});
