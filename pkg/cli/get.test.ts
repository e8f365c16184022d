import { resources } from '../../api/resources';
import { resourcePath } from './resource';
import { notFound } from '../apimachinery';
import { humanAge } from './get';
import { TABLE_ACCEPT } from './resource';
import { runWith, type RecordedRequest } from './testing';

const cols = (...names: string[]) => names.map((name, i) => ({ name, type: 'string', format: i === 0 ? 'name' : '', priority: name === 'IP' ? 1 : 0 }));
const podTable = (...pods: [string, string, string?][]) => ({
  kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: cols('Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP'),
  rows: pods.map(([name, status, ns]) => ({ cells: [name, '1/1', status, '0', '5s', '10.0.0.1'],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name, namespace: ns ?? 'default', labels: { app: name } } } })),
});
const rsTable = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: cols('Name', 'Desired', 'Current', 'Ready', 'Age'),
  rows: [{ cells: ['web', 3, 3, 3, '1m'], object: { metadata: { name: 'web', namespace: 'default' } } }] };
const empty = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: cols('Name', 'Age'), rows: [] };
const pod = (name: string) => ({ metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

const byPath = (routes: Record<string, unknown>) => (req: RecordedRequest) => {
  if (req.path in routes) return routes[req.path];
  throw notFound({ group: '', resource: req.path.split('/').slice(-2)[0] }, req.path.split('/').pop() ?? '');
};

test('get pods asks for a Table and prints it like kubectl', async () => {
  const r = await runWith(['get', 'pods'], byPath({ '/api/v1/namespaces/default/pods': podTable(['hello', 'Running']) }));
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.out).toBe('NAME    READY   STATUS    RESTARTS   AGE\nhello   1/1     Running   0          5s\n');
  expect(r.client.requests).toEqual([{ method: 'GET', path: '/api/v1/namespaces/default/pods', accept: TABLE_ACCEPT,
    query: { limit: 500 }, body: undefined, contentType: undefined }]);
});

test.each([
  { argv: ['get', 'po', '-n', 'kube-system', '-l', 'app=x'], path: '/api/v1/namespaces/kube-system/pods', query: { labelSelector: 'app=x', limit: 500 } },
  { argv: ['get', 'pods', '-A'], path: '/api/v1/pods', query: { limit: 500 } },
  { argv: ['get', 'nodes'], path: '/api/v1/nodes', query: { limit: 500 } },
  { argv: ['get', 'ns'], path: '/api/v1/namespaces', query: { limit: 500 } },
  { argv: ['get', 'events', '--namespace=web'], path: '/api/v1/namespaces/web/events', query: { limit: 500 } },
  { argv: ['get', 'replicasets.apps', '--field-selector', 'metadata.name=web'], path: '/apis/apps/v1/namespaces/default/replicasets', query: { fieldSelector: 'metadata.name=web', limit: 500 } },
])('$argv requests $path', async ({ argv, path, query }) => {
  const r = await runWith(argv, () => empty);
  expect(r.client.requests[0]).toMatchObject({ path, query });
});

test('-A adds NAMESPACE, -o wide adds priority columns, --show-labels adds LABELS', async () => {
  const r = await runWith(['get', 'pods', '-A', '-o', 'wide', '--show-labels'], () => podTable(['a', 'Running', 'x'], ['bb', 'Pending', 'y']));
  expect(r.out).toBe(
    'NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE   IP         LABELS\n' +
    'x           a      1/1     Running   0          5s    10.0.0.1   app=a\n' +
    'y           bb     1/1     Pending   0          5s    10.0.0.1   app=bb\n');
});

test('several kinds: kind/name prefixes and a blank line between tables', async () => {
  const r = await runWith(['get', 'rs,pods'], byPath({
    '/apis/apps/v1/namespaces/default/replicasets': rsTable,
    '/api/v1/namespaces/default/pods': podTable(['web-x1', 'Running']),
  }));
  expect(r.out).toBe(
    'NAME                  DESIRED   CURRENT   READY   AGE\n' +
    'replicaset.apps/web   3         3         3       1m\n' +
    '\n' +
    'NAME         READY   STATUS    RESTARTS   AGE\n' +
    'pod/web-x1   1/1     Running   0          5s\n');
});

test.each([
  { argv: ['get', 'pods'], err: 'No resources found in default namespace.\n' },
  { argv: ['get', 'pods', '-n', 'dev'], err: 'No resources found in dev namespace.\n' },
  { argv: ['get', 'pods', '-A'], err: 'No resources found\n' },
  { argv: ['get', 'nodes'], err: 'No resources found\n' },
])('empty: $err', async ({ argv, err }) => {
  const r = await runWith(argv, () => empty);
  expect(r).toMatchObject({ code: 0, out: '', err });
});

test('named objects: one GET each; a missing one is reported and exits 1', async () => {
  const r = await runWith(['get', 'pods', 'hello', 'missing'], byPath({ '/api/v1/namespaces/default/pods/hello': podTable(['hello', 'Running']) }));
  expect(r.code).toBe(1);
  expect(r.out).toBe('NAME    READY   STATUS    RESTARTS   AGE\nhello   1/1     Running   0          5s\n');
  expect(r.err).toBe('Error from server (NotFound): pods "missing" not found\n');
});

test('-o yaml of one object prints the object with sorted keys', async () => {
  const r = await runWith(['get', 'pod', 'hello', '-o', 'yaml'], byPath({ '/api/v1/namespaces/default/pods/hello': pod('hello') }));
  expect(r.client.requests[0].accept).toBe('application/json');
  // kubectl's YAML: timestamps double-quoted, sequences not indented under their key.
  expect(r.out).toBe('apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: "2024-01-01T00:00:00Z"\n  name: hello\n  namespace: default\nspec:\n  containers:\n  - image: busybox\n    name: c\n');
});

test('-o json of a list is a List whose items carry apiVersion and kind', async () => {
  const r = await runWith(['get', 'pods', '-o', 'json'], () => ({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod('a')] }));
  const doc = JSON.parse(r.out);
  expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
  expect(doc.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
  expect(r.out.startsWith('{\n    "apiVersion"')).toBe(true);
});

test('-o name prints kind/name', async () => {
  const r = await runWith(['get', 'rs,pods', '-o', 'name'], (req) => (req.path.includes('replicasets')
    ? { items: [{ metadata: { name: 'web' } }] } : { items: [pod('a'), pod('b')] }));
  expect(r.out).toBe('replicaset.apps/web\npod/a\npod/b\n');
});

test('a server that ignores the Table Accept still prints NAME and AGE', async () => {
  const r = await runWith(['get', 'pods'], () => ({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [pod('a')] }));
  expect(r.out).toMatch(/^NAME {3}AGE\na {6}\S+\n$/);
});

test('the list is followed through continue tokens', async () => {
  const r = await runWith(['get', 'pods'], (req) => (req.query.continue
    ? podTable(['b', 'Running']) : { ...podTable(['a', 'Running']), metadata: { continue: 'tok' } }));
  expect(r.client.requests.map((q) => q.query.continue)).toEqual([undefined, 'tok']);
  expect(r.out.split('\n').filter(Boolean)).toHaveLength(3);
});

test.each([
  { argv: ['get', 'foo'], err: 'error: the server doesn\'t have a resource type "foo"\n' },
  { argv: ['get', 'pods', '-o', 'xml'], err: 'error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n' },
  { argv: ['get', 'pods', 'x', '-A'], err: 'error: a resource cannot be retrieved by name across all namespaces\n' },
  { argv: ['get'], err: 'error: you must specify the type of resource to get\n' },
])('usage error: $argv', async ({ argv, err }) => {
  const r = await runWith(argv, () => empty);
  expect(r).toMatchObject({ code: 1, err });
});

test('connection refused prints kubectl\'s hint', async () => {
  const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });
  const r = await runWith(['get', 'pods'], () => { throw refused; });
  expect(r).toMatchObject({ code: 1, out: '', err: 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n' });
});

test.each([
  { s: 5, want: '5s' }, { s: 119, want: '119s' }, { s: 150, want: '2m30s' }, { s: 600, want: '10m' },
  { s: 3 * 3600 + 60, want: '3h1m' }, { s: 10 * 3600, want: '10h' }, { s: 3 * 86400, want: '3d' }, { s: 30 * 86400, want: '30d' },
])('humanAge($s s) = $want', ({ s, want }) => {
  const now = new Date('2024-06-01T00:00:00Z');
  expect(humanAge(new Date(now.getTime() - s * 1000).toISOString(), now)).toBe(want);
});

test('get all lists every resource in the "all" category, with kind prefixes', async () => {
  const r = await runWith(['get', 'all'], (req) => (req.path.endsWith('/pods') ? podTable(['a', 'Running']) : rsTable));
  // Every resource of the "all" category, in the table's (discovery's) order.
  const all = resources.filter((x) => x.categories.includes('all')).map((x) => resourcePath(x, 'default'));
  expect(r.client.requests.map((q) => q.path)).toEqual(all);
  expect(r.out).toContain('pod/a ');
  expect(r.out).toContain('replicaset.apps/web ');
});
