import { notFound } from '../apimachinery';
import type { JsonObject } from './merge-patch';
import { memoryServer, runWith, type RecordedRequest } from './testing';

const podAt = (name: string, labels: Record<string, string> = {}): [string, JsonObject] =>
  [`/api/v1/namespaces/default/pods/${name}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels } }];
const seeded = (...names: string[]) => new Map(names.map((n) => podAt(n, { app: n.startsWith('web') ? 'web' : n })));

test('delete pod NAME sends Background propagation, prints kubectl\'s line and waits for 404', async () => {
  const r = await runWith(['delete', 'pod', 'hello'], memoryServer(seeded('hello')));
  expect(r).toMatchObject({ code: 0, out: 'pod "hello" deleted\n', err: '' });
  expect(r.client.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
    'DELETE /api/v1/namespaces/default/pods/hello', 'GET /api/v1/namespaces/default/pods/hello']);
  expect(r.client.requests[0].body).toEqual({ propagationPolicy: 'Background' });
});

test('--wait polls until the object is gone (graceful deletion)', async () => {
  let gets = 0;
  const r = await runWith(['delete', 'po/hello'], (req: RecordedRequest) => {
    if (req.method === 'DELETE') return { metadata: { name: 'hello' } };
    if (++gets < 3) return { metadata: { name: 'hello', deletionTimestamp: 'x' } };
    throw notFound({ group: '', resource: 'pods' }, 'hello');
  });
  expect(r.code).toBe(0);
  expect(gets).toBe(3);
  expect(r.sleeps).toEqual([500, 500]);
});

test('--wait=false returns at once', async () => {
  const r = await runWith(['delete', 'pod', 'hello', '--wait=false'], memoryServer(seeded('hello')));
  expect(r.client.requests.map((q) => q.method)).toEqual(['DELETE']);
});

test.each([
  { flags: ['--grace-period=30'], body: { gracePeriodSeconds: 30, propagationPolicy: 'Background' } },
  { flags: ['--now'], body: { gracePeriodSeconds: 1, propagationPolicy: 'Background' } },
  { flags: ['--grace-period', '0'], body: { gracePeriodSeconds: 1, propagationPolicy: 'Background' } },
  { flags: ['--grace-period=0', '--force'], body: { gracePeriodSeconds: 0, propagationPolicy: 'Background' } },
  { flags: ['--cascade=foreground'], body: { propagationPolicy: 'Foreground' } },
  { flags: ['--dry-run=server'], body: { propagationPolicy: 'Background', dryRun: ['All'] } },
])('body for $flags', async ({ flags, body }) => {
  const r = await runWith(['delete', 'pod', 'hello', ...flags], memoryServer(seeded('hello')));
  expect(r.client.requests[0].body).toEqual(body);
});

test('--force prints kubectl\'s warning and "force deleted", without waiting', async () => {
  const r = await runWith(['delete', 'pod', 'hello', '--force'], memoryServer(seeded('hello')));
  expect(r.out).toBe('pod "hello" force deleted\n');
  expect(r.err).toMatch(/^Warning: Immediate deletion does not wait/);
  expect(r.client.requests.map((q) => q.method)).toEqual(['DELETE']);
});

test('NotFound is an error (exit 1) unless --ignore-not-found', async () => {
  const r = await runWith(['delete', 'pod', 'x', 'hello'], memoryServer(seeded('hello')));
  expect(r).toMatchObject({ code: 1, out: 'pod "hello" deleted\n', err: 'Error from server (NotFound): pods "x" not found\n' });
  const ok = await runWith(['delete', 'pod', 'x', '--ignore-not-found'], memoryServer());
  expect(ok).toMatchObject({ code: 0, out: '', err: '' });
});

test('delete pods -l lists with the selector, then deletes each', async () => {
  const r = await runWith(['delete', 'pods', '-l', 'app=web', '--wait=false'], (req) => {
    if (req.method === 'GET') return { items: [{ metadata: { name: 'web-1', namespace: 'default' } }, { metadata: { name: 'web-2', namespace: 'default' } }] };
    return {};
  });
  expect(r.client.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/namespaces/default/pods', query: { labelSelector: 'app=web' } });
  expect(r.out).toBe('pod "web-1" deleted\npod "web-2" deleted\n');
});

test('delete -l with no match says so', async () => {
  const r = await runWith(['delete', 'pods', '-l', 'app=none'], () => ({ items: [] }));
  expect(r).toMatchObject({ code: 0, out: 'No resources found\n' });
});

test('delete -f deletes what the manifest names', async () => {
  const r = await runWith(['delete', '-f', '-'], memoryServer(new Map([['/apis/apps/v1/namespaces/default/replicasets/web', { metadata: { name: 'web' } }]])),
    'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\n');
  expect(r).toMatchObject({ code: 0, out: 'replicaset.apps "web" deleted\n' });
});

test.each([
  { argv: ['delete'], err: 'error: You must provide one or more resources by argument or filename.\n' },
  { argv: ['delete', 'pods'], err: 'error: resource(s) were provided, but no name was specified\n' },
  { argv: ['delete', 'pod', 'x', '--cascade=sideways'], err: 'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan".\n' },
])('usage: $argv', async ({ argv, err }) => {
  expect(await runWith(argv, memoryServer())).toMatchObject({ code: 1, err });
});
