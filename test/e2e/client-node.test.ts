// The core operations through @kubernetes/client-node 1.x (CoreV1Api, AppsV1Api, Watch) against
// a real cluster: create, list with selectors and paging, watch and resume from a
// resourceVersion, patch of every type, scale, and deletes. client-node 1.x is ESM-only, so
// test/fixtures/scenarios/client-node-driver.mjs runs it in its own process and prints a report.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, startCluster, type TestCluster } from './cluster';

jest.setTimeout(120_000);

type Report = Record<string, Record<string, unknown> & { error?: { code?: number; reason?: string; kind?: string; statusCode?: number; message: string } }>;

const ns = 'client-node';
let c: TestCluster;
let report: Report;
let driverStderr = '';

beforeAll(async () => {
  c = await startCluster('cnode');
  const lib = pathToFileURL(path.join(repoRoot, 'node_modules', '@kubernetes', 'client-node', 'dist', 'index.js')).href;
  const driver = path.join(repoRoot, 'test', 'fixtures', 'scenarios', 'client-node-driver.mjs');
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [driver, lib, c.kubeconfig, ns], { timeout: 100_000 }, (err, stdout, stderr) => {
      driverStderr = stderr;
      if (err) reject(new Error(`client-node driver failed: ${String(err)}\n${stderr}`));
      else resolve(stdout);
    });
  });
  report = JSON.parse(out) as Report;
}, 180_000);
afterAll(async () => { if (c) await c.stop(); }, 120_000);

test('the driver ran every step without stderr', () => {
  expect(driverStderr).toBe('');
  expect(Object.keys(report)).toEqual([
    'createNamespace', 'create', 'createAgain', 'list', 'watch', 'patchPod', 'badPatch', 'deployment', 'delete', 'deleteCollection', 'deleteNamespace',
  ]);
});

test('create: a namespace and pods, and 409 AlreadyExists as an ApiException with a Status body', () => {
  expect(report.createNamespace).toEqual({ name: ns, phase: 'Active', uid: true });
  expect(report.create).toEqual([
    { name: 'a', namespace: ns, uid: true, resourceVersion: true, kind: 'Pod' },
    { name: 'b', namespace: ns, uid: true, resourceVersion: true, kind: 'Pod' },
  ]);
  expect(report.createAgain.error).toMatchObject({ code: 409, reason: 'AlreadyExists', kind: 'Status', statusCode: 409 });
});

test('list: label and field selectors, limit/continue paging, all namespaces', () => {
  expect(report.list).toEqual({
    kind: 'PodList', names: ['a', 'b'], resourceVersion: true,
    byLabel: ['b'], byField: ['a'],
    pages: [['a'], true, ['b'], ''],
    allNamespaces: [`${ns}/a`, `${ns}/b`],
  });
});

test('watch: events after the list, resumed from the last resourceVersion, and initial ADDED from 0', () => {
  expect(report.watch.error).toBeUndefined();
  expect(report.watch.firstTypes).toContain('ADDED c');
  expect(report.watch.firstTypes).not.toContain('ADDED a');
  expect(report.watch.resumedAddedBeforeLastRV).toBe(0);
  expect(report.watch.resumedOlderThanLastRV).toBe(0);
  expect(report.watch.resumed).toEqual(expect.arrayContaining(['ADDED d', 'DELETED b', 'MODIFIED a']));
  expect(report.watch.resumed).not.toContain('ADDED a');
  expect(report.watch.fromZeroAdded).toEqual(['a', 'c', 'd']);
});

test('patch: merge (null removes), json and strategic', () => {
  expect(report.patchPod).toEqual({
    merged: { suite: 'client-node', tier: 'front', patched: 'merge' },
    annotations: { via: 'json' },
    strategic: { suite: 'client-node', tier: 'front', patched: 'merge', via: 'strategic' },
  });
  expect(report.badPatch.error).toMatchObject({ code: 422, kind: 'Status', statusCode: 422 });
});

test('deployment: strategic merge by container name, json patch, scale subresource, foreground delete', () => {
  expect(report.deployment).toEqual({
    generation: [1, 2, 3],
    containers: ['main=busybox:1.37', 'side=busybox'],
    replicas: 3,
    scale: { kind: 'Scale', apiVersion: 'autoscaling/v1', replicas: 3, selector: 'app=web' },
    scaled: 5,
    deletedKind: 'Deployment',
  });
});

test('delete: a graceful pod delete ends in 404 NotFound; deletecollection; namespace', () => {
  expect(report.delete).toEqual({
    kind: 'Pod', name: 'a', graceful: true,
    gone: { error: { code: 404, reason: 'NotFound', kind: 'Status', statusCode: 404, message: expect.any(String) as string } },
  });
  expect(report.deleteCollection).toEqual({ kind: 'PodList', left: [] });
  expect(report.deleteNamespace.kind).toBe('Namespace');
});
