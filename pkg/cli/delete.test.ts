import type { JsonObject } from './merge-patch';
import { runBerthctl } from './commands';
import { captureIO, fakeDeps, FakeClient, memoryServer, runWith, type RecordedRequest } from './testing';

const podAt = (name: string, labels: Record<string, string> = {}): [string, JsonObject] =>
  [`/api/v1/namespaces/default/pods/${name}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels } }];
const seeded = (...names: string[]) => new Map(names.map((n) => podAt(n, { app: n.startsWith('web') ? 'web' : n })));

test('delete pod NAME sends Background propagation, prints kubectl\'s line and checks by list that it is gone', async () => {
  const r = await runWith(['delete', 'pod', 'hello'], memoryServer(seeded('hello')));
  expect(r).toMatchObject({ code: 0, out: 'pod "hello" deleted\n', err: '' });
  expect(r.client.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
    'DELETE /api/v1/namespaces/default/pods/hello', 'GET /api/v1/namespaces/default/pods']);
  expect(r.client.requests[0].body).toEqual({ propagationPolicy: 'Background' });
  expect(r.client.requests[1].query).toEqual({ fieldSelector: 'metadata.name=hello' });
});

const terminating = { kind: 'Pod', metadata: { name: 'hello', uid: 'u1', resourceVersion: '7', deletionTimestamp: '2024-01-01T00:00:00Z' } };
const events = (...evs: { type: string; uid: string }[]) => evs.map((e) => JSON.stringify({ type: e.type, object: { metadata: { name: 'hello', uid: e.uid } } })).join('\n');

test('--wait on a terminating object watches from the DELETE\'s resourceVersion until DELETED, without polling', async () => {
  const r = await runWith(['delete', 'po/hello'], (req: RecordedRequest) => {
    if (req.method === 'DELETE') return terminating;
    if (req.query.watch) return events({ type: 'MODIFIED', uid: 'u1' }, { type: 'DELETED', uid: 'u1' });
    throw new Error(`unexpected ${req.method} ${req.path}`);
  });
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.client.requests.map((q) => q.method)).toEqual(['DELETE', 'GET']);
  expect(r.client.requests[1]).toMatchObject({ path: '/api/v1/namespaces/default/pods',
    query: { watch: true, fieldSelector: 'metadata.name=hello', resourceVersion: '7', allowWatchBookmarks: true } });
  expect(r.sleeps).toEqual([]);
});

test('--wait: the name recreated with another uid counts as gone; a watch that ends is resumed from a list', async () => {
  const recreated = await runWith(['delete', 'po/hello'], (req: RecordedRequest) => (req.method === 'DELETE' ? terminating : events({ type: 'ADDED', uid: 'u2' })));
  expect(recreated.code).toBe(0);
  let lists = 0;
  const resumed = await runWith(['delete', 'po/hello'], (req: RecordedRequest) => {
    if (req.method === 'DELETE') return terminating;
    if (req.query.watch) return '';
    lists++;
    return { metadata: { resourceVersion: '9' }, items: lists < 2 ? [{ metadata: { name: 'hello', uid: 'u1' } }] : [] };
  });
  expect(resumed.code).toBe(0);
  expect(resumed.client.requests.map((q) => `${q.method} ${String(q.query.resourceVersion ?? '')}`)).toEqual(['DELETE ', 'GET 7', 'GET ', 'GET 9', 'GET ']);
  expect(resumed.sleeps).toEqual([1000, 1000]);
});

test('--timeout bounds the wait: kubectl\'s error line, exit 1', async () => {
  const client = new FakeClient((req: RecordedRequest) => {
    if (req.method === 'DELETE') return terminating;
    return req.query.watch ? '' : { metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'hello', uid: 'u1' } }] };
  });
  const cap = captureIO();
  const deps = { ...fakeDeps(client), sleep: (_ms: number, signal: AbortSignal) => new Promise<void>((resolve) => { const t = setTimeout(resolve, 1); signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }); }) };
  const code = await runBerthctl(['delete', 'po/hello', '--timeout=50ms'], { io: cap.io, deps, signal: new AbortController().signal });
  expect(code).toBe(1);
  expect(cap.err()).toBe('error: timed out waiting for the condition on pods/hello\n');
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
