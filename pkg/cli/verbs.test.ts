// label, annotate, scale, wait, rollout, cordon, create and config against a recording fake
// server: the requests kubectl sends and the lines it prints (checked against kubectl 1.33).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conflict, notFound } from '../apimachinery';
import { parseCondition, conditionMet } from './wait';
import { deploymentStatus } from './rollout';
import { memoryServer, runWith, type Handler } from './testing';
import type { JsonObject } from './merge-patch';

const pod = (labels: Record<string, string> = { app: 'hello' }, annotations?: Record<string, string>): JsonObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default', uid: 'u1', labels, ...(annotations ? { annotations } : {}) } });
const objects = (): Map<string, JsonObject> => new Map([['/api/v1/namespaces/default/pods/hello', pod()]]);

test.each([
  { args: ['app=hello'], out: 'pod/hello not labeled\n', patch: { metadata: { labels: {} } } },
  { args: ['a=b', 'c-'], out: 'label "c" not found.\npod/hello labeled\n', patch: { metadata: { labels: { a: 'b' } } } },
  { args: ['app-'], out: 'pod/hello unlabeled\n', patch: { metadata: { labels: { app: null } } } },
  { args: ['app=x', '--overwrite'], out: 'pod/hello labeled\n', patch: { metadata: { labels: { app: 'x' } } } },
])('label pod hello $args', async ({ args, out, patch }) => {
  const r = await runWith(['label', 'pod', 'hello', ...args], memoryServer(objects()));
  expect(r).toMatchObject({ code: 0, out, err: '' });
  const sent = r.client.requests.find((q) => q.method === 'PATCH');
  expect(sent).toMatchObject({ contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-label' }, body: patch });
});

test.each([
  { args: ['label', 'pod', 'hello', 'app=x'], err: "error: 'app' already has a value (hello), and --overwrite is false\n" },
  { args: ['label', 'pod', 'hello', 'x=b!'], err: /^error: invalid label value: "x=b!": a valid label must be/ },
  { args: ['label', 'pod', 'hello', 'x=b=c'], err: 'error: invalid label spec: x=b=c\n' },
  { args: ['label', 'pod', 'hello', 'a=b', 'a-'], err: 'error: can not both modify and remove a label in the same command\n' },
  { args: ['label', 'pod', 'hello'], err: 'error: at least one label update is required\n' },
  { args: ['annotate', 'pod', 'hello'], err: 'error: at least one annotation update is required\n' },
  { args: ['label', 'pod', 'nope', 'a=b'], err: 'Error from server (NotFound): pods "nope" not found\n' },
])('label errors: $args', async ({ args, err }) => {
  const r = await runWith(args, memoryServer(objects()));
  expect(r.code).toBe(1);
  if (typeof err === 'string') expect(r.err).toBe(err);
  else expect(r.err).toMatch(err);
});

test('annotate: overwrite refusal and removal', async () => {
  const server = memoryServer(new Map([['/api/v1/namespaces/default/pods/hello', pod({}, { foo: 'bar' })]]));
  expect((await runWith(['annotate', 'pod', 'hello', 'foo=baz'], server)).err)
    .toBe("error: --overwrite is false but found the following declared annotation(s): 'foo' already has a value (bar)\n");
  const r = await runWith(['annotate', 'pod', 'hello', 'foo-'], server);
  expect(r.out).toBe('pod/hello annotated\n');
  expect(r.client.requests[1]).toMatchObject({ query: { fieldManager: 'kubectl-annotate' }, body: { metadata: { annotations: { foo: null } } } });
});

const rs: JsonObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } };

test('scale PATCHes the scale subresource with a merge patch', async () => {
  const seen: { method: string; path: string; body?: unknown; contentType?: string }[] = [];
  const handler: Handler = (req) => { seen.push(req); return req.path.endsWith('/scale') ? { spec: { replicas: 3 } } : rs; };
  const r = await runWith(['scale', 'rs', 'web', '--replicas=5'], handler);
  expect(r).toMatchObject({ code: 0, out: 'replicaset.apps/web scaled\n' });
  expect(seen[1]).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/default/replicasets/web/scale',
    contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } });
});

test.each([
  { args: ['scale', 'rs', 'web'], err: 'error: required flag(s) "replicas" not set\n' },
  { args: ['scale', 'rs', 'web', '--replicas=-1'], err: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n' },
  { args: ['scale', 'rs', 'web', '--replicas=3', '--current-replicas=2'], err: 'error: Expected replicas to be 2, was 3\n' },
  { args: ['scale', 'rs', 'nope', '--replicas=1'], err: 'error: no objects passed to scale replicasets.apps "nope" not found\n' },
])('scale errors: $args', async ({ args, err }) => {
  const handler: Handler = (req) => {
    if (req.path.includes('/nope')) throw notFound({ group: 'apps', resource: 'replicasets' }, 'nope');
    return req.path.endsWith('/scale') ? { metadata: {}, spec: { replicas: 3 } } : rs;
  };
  const r = await runWith(args, handler);
  expect(r).toMatchObject({ code: 1, err });
});

test.each([
  ['condition=Ready', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, true],
  ['condition=ready=false', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, false],
  ['condition=Available', { metadata: { generation: 2 }, status: { observedGeneration: 1, conditions: [{ type: 'Available', status: 'True' }] } }, false],
  ['jsonpath={.status.phase}=Running', { status: { phase: 'Running' } }, true],
  ['jsonpath=.status.phase', { status: {} }, false],
  ['delete', undefined, true],
  ['create', { metadata: {} }, true],
])('wait --for=%s', (spec, obj, met) => {
  expect(conditionMet(parseCondition(spec), obj as Record<string, unknown> | undefined)).toBe(met);
});

test('wait: unrecognized condition, list+fieldSelector, condition met', async () => {
  expect((await runWith(['wait', '--for=foo', 'pod/hello'], () => ({}))).err).toBe('error: unrecognized condition: "foo"\n');
  const ready = { ...pod(), status: { conditions: [{ type: 'Ready', status: 'True' }] } };
  const r = await runWith(['wait', '--for=condition=Ready', 'pod/hello'], () => ({ metadata: { resourceVersion: '5' }, items: [ready] }));
  expect(r).toMatchObject({ code: 0, out: 'pod/hello condition met\n' });
  expect(r.client.requests[0].query).toMatchObject({ fieldSelector: 'metadata.name=hello', resourceVersion: '0' });
});

test.each([
  [{ metadata: { name: 'web', generation: 2 }, status: { observedGeneration: 1 } }, 'Waiting for deployment spec update to be observed...\n', false],
  [{ metadata: { name: 'web' }, spec: { replicas: 3 }, status: { updatedReplicas: 1 } }, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n', false],
  [{ metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 2, updatedReplicas: 1 } }, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n', false],
  [{ metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1, updatedReplicas: 1, availableReplicas: 0 } }, 'Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...\n', false],
  [{ metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }, 'deployment "web" successfully rolled out\n', true],
])('rollout status %#', (dep, message, done) => {
  expect(deploymentStatus(dep)).toEqual({ message, done });
});

test('rollout status past the progress deadline is an error', () => {
  expect(() => deploymentStatus({ metadata: { name: 'web' }, status: { conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] } }))
    .toThrow('deployment "web" exceeded its progress deadline');
});

test('rollout restart and pause send kubectl\'s strategic merge patches', async () => {
  const dep: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: {} };
  const r = await runWith(['rollout', 'restart', 'deploy/web'], () => dep);
  expect(r.out).toBe('deployment.apps/web restarted\n');
  expect(r.client.requests[1]).toMatchObject({ method: 'PATCH', contentType: 'application/strategic-merge-patch+json', query: { fieldManager: 'kubectl-rollout' },
    body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } } } } } });
  const p = await runWith(['rollout', 'pause', 'deploy/web'], () => dep);
  expect(p.client.requests[1].body).toEqual({ spec: { paused: true } });
});

test('cordon patches spec.unschedulable; an already cordoned node is reported', async () => {
  const node: JsonObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} };
  const r = await runWith(['cordon', 'n1'], () => node);
  expect(r.out).toBe('node/n1 cordoned\n');
  expect(r.client.requests[1]).toMatchObject({ method: 'PATCH', path: '/api/v1/nodes/n1', body: { spec: { unschedulable: true } } });
  expect((await runWith(['uncordon', 'n1'], () => node)).out).toBe('node/n1 already uncordoned\n');
});

test('create deployment --dry-run=client -o yaml is kubectl\'s generated object', async () => {
  const r = await runWith(['create', 'deployment', 'web', '--image=busybox:1.36', '--dry-run=client', '-o', 'yaml'], () => { throw new Error('no request expected'); });
  expect(r.out).toBe(`apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: busybox:1.36
        name: busybox
        resources: {}
status: {}
`);
});

test('create configmap from literals and a file POSTs with fieldManager kubectl-create', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berthctl-cm-')), 'app.conf');
  fs.writeFileSync(file, 'x=1\n');
  const r = await runWith(['create', 'configmap', 'cfg', '--from-literal=a=b', `--from-file=${file}`], (req) => req.body);
  expect(r.out).toBe('configmap/cfg created\n');
  expect(r.client.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', query: { fieldManager: 'kubectl-create' },
    body: { data: { a: 'b', 'app.conf': 'x=1\n' } } });
  fs.rmSync(path.dirname(file), { recursive: true });
  const exists = await runWith(['create', 'namespace', 'dev'], () => { throw conflict({ group: '', resource: 'namespaces' }, 'dev', 'exists'); });
  expect(exists.code).toBe(1);
});
