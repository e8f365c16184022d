import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invalid } from '../apimachinery';
import { LAST_APPLIED, lastAppliedConfiguration, type JsonObject } from './merge-patch';
import { memoryServer, runWith, type RecordedRequest } from './testing';

const helloYaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  containers:\n  - name: hello\n    image: busybox:1.36\n';
const helloManifest: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default' },
  spec: { containers: [{ name: 'hello', image: 'busybox:1.36' }] } };
const rsYaml = 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec: {replicas: 3}\n';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-apply-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p; };

test('a new object is created with the last-applied annotation and kubectl\'s query', async () => {
  const r = await runWith(['apply', '-f', '-'], memoryServer(), helloYaml);
  expect(r).toMatchObject({ code: 0, out: 'pod/hello created\n', err: '' });
  expect(r.client.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
    'GET /api/v1/namespaces/default/pods/hello', 'POST /api/v1/namespaces/default/pods']);
  const post = r.client.requests[1];
  expect(post.query).toEqual({ fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' });
  expect(post.body).toEqual({ ...helloManifest, metadata: { name: 'hello', namespace: 'default',
    annotations: { [LAST_APPLIED]: lastAppliedConfiguration(helloManifest) } } });
});

test('applying again is unchanged (no PATCH); a change to a built-in kind is a strategic merge patch', async () => {
  const objects = new Map<string, JsonObject>();
  const server = memoryServer(objects);
  await runWith(['apply', '-f', '-'], server, helloYaml);
  const again = await runWith(['apply', '-f', '-'], server, helloYaml);
  expect(again.out).toBe('pod/hello unchanged\n');
  expect(again.client.requests.map((q) => q.method)).toEqual(['GET']);

  const changed = await runWith(['apply', '-f', '-'], server, helloYaml.replace('name: hello\nspec', 'name: hello\n  labels: {app: hello}\nspec'));
  expect(changed.out).toBe('pod/hello configured\n');
  const patch = changed.client.requests[1];
  expect(patch).toMatchObject({ method: 'PATCH', path: '/api/v1/namespaces/default/pods/hello', contentType: 'application/strategic-merge-patch+json',
    query: { fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' } });
  expect(patch.body).toEqual({ metadata: { labels: { app: 'hello' }, annotations: { [LAST_APPLIED]: expect.stringContaining('"labels":{"app":"hello"}') } } });
  expect((objects.get('/api/v1/namespaces/default/pods/hello')?.metadata as JsonObject).labels).toEqual({ app: 'hello' });
});

test('group kinds print kind.group, namespaces come from the manifest, then -n, then the context', async () => {
  const r = await runWith(['apply', '-n', 'dev', '-f', '-'], memoryServer(),
    `${rsYaml}---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: dev}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n`);
  expect(r.out).toBe('replicaset.apps/web created\npod/p created\nnamespace/dev created\n');
  expect(r.client.requests.filter((q) => q.method === 'POST').map((q) => q.path)).toEqual([
    '/apis/apps/v1/namespaces/dev/replicasets', '/api/v1/namespaces/dev/pods', '/api/v1/namespaces']);
});

test('a namespace in the manifest that contradicts -n is refused', async () => {
  const r = await runWith(['apply', '-n', 'a', '-f', '-'], memoryServer(), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: b}\n');
  expect(r.code).toBe(1);
  expect(r.err).toContain('the namespace from the provided object "b" does not match the namespace "a"');
});

test('--dry-run=server sends dryRun=All and says so', async () => {
  const r = await runWith(['apply', '--dry-run=server', '-f', '-'], memoryServer(), helloYaml);
  expect(r.out).toBe('pod/hello created (server dry run)\n');
  expect(r.client.requests[1].query).toMatchObject({ dryRun: 'All' });
});

test('a server rejection names the file; the other objects are still applied; exit 1', async () => {
  const bad = file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: main}]}\n---\n' + helloYaml);
  const base = memoryServer();
  const server = (req: RecordedRequest) => {
    if (req.method === 'POST' && (req.body as { metadata: { name: string } }).metadata.name === 'x') {
      throw invalid('Pod', '', 'x', [{ field: 'spec.containers[0].image', message: 'Required value', reason: 'FieldValueRequired' }]);
    }
    return base(req);
  };
  const r = await runWith(['apply', '-f', bad], server);
  expect(r.code).toBe(1);
  // kubectl's CheckErr renders an Invalid Status from its details, not its message.
  expect(r.err).toBe('The Pod "x" is invalid: spec.containers[0].image: Required value\n');
  expect(r.out).toBe('pod/hello created\n');
});

test('broken YAML is reported with its line and other files still apply', async () => {
  const d = path.join(dir, 'mixed');
  fs.mkdirSync(d);
  fs.writeFileSync(path.join(d, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\n   bad: indent\n');
  fs.writeFileSync(path.join(d, 'b.yaml'), helloYaml);
  const r = await runWith(['apply', '-f', d], memoryServer());
  expect(r.code).toBe(1);
  expect(r.err).toMatch(new RegExp(`^error: error parsing ${path.join(d, 'a.yaml').replace(/[/.]/g, '\\$&')}: error converting YAML to JSON: yaml: line \\d+, column \\d+: `));
  expect(r.out).toBe('pod/hello created\n');
});

test('an unknown kind is a mapping error', async () => {
  const r = await runWith(['apply', '-f', '-'], memoryServer(), 'apiVersion: v1\nkind: Frob\nmetadata: {name: f}\n');
  expect(r.code).toBe(1);
  expect(r.err).toBe('error: resource mapping not found for name: "f" namespace: "" from "STDIN": no matches for kind "Frob" in version "v1"\nensure CRDs are installed first\n');
});

test.each([
  { argv: ['apply'], err: 'error: must specify one of -f and -k\n' },
  { argv: ['apply', '-f', 'x', '--dry-run=maybe'], err: 'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n' },
])('usage: $argv', async ({ argv, err }) => {
  expect(await runWith(argv, memoryServer())).toMatchObject({ code: 1, err });
});
