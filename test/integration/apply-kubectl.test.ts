// Server-side apply with the real kubectl (and @kubernetes/client-node) against an in-process
// apiserver and a real etcd: create, change, conflicts and --force-conflicts, pruning, the
// client-side → server-side upgrade (kubectl-last-applied and csaupgrade), and diff.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ManagedFieldsEntry } from '../../api/meta/v1';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';

jest.setTimeout(120_000);

interface Run { code: number; stdout: string; stderr: string }
type Obj = { metadata: { annotations?: Record<string, string>; labels?: Record<string, string>; managedFields?: ManagedFieldsEntry[] }; spec: Record<string, unknown> };

const deploymentYaml = (o: { replicas?: number; image?: string; labels?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web${o.labels ?? ''}}
spec:
${o.replicas === undefined ? '' : `  replicas: ${o.replicas}\n`}  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: ${o.image ?? 'busybox:1.36'}
        ports:
        - containerPort: 80
`;

const rsYaml = (replicas: number, extraLabel = '') => `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: legacy
  labels: {app: legacy${extraLabel}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: legacy}
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - name: main
        image: busybox:1.36
`;

const owners = (o: Obj) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`).sort();

describe('kubectl apply --server-side', () => {
  let c: TestCluster;
  let kubectl: (...args: string[]) => Promise<Run>;
  let file: (name: string, text: string) => string;
  let get: (resource: string) => Promise<Obj>;
  beforeAll(async () => {
    c = await startTestCluster();
    const cache = mkdtempSync(path.join(c.dir, 'cache-'));
    kubectl = (...args) => new Promise((resolve) => {
      execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
    file = (name, text) => {
      const f = path.join(c.dir, name);
      writeFileSync(f, text);
      return f;
    };
    const req = requester(c);
    get = async (p) => (await req('GET', p)).json as Obj;
  });
  afterAll(async () => { await c?.stop(); });

  const web = '/apis/apps/v1/namespaces/default/deployments/web';

  it('creates and changes an object owned by the kubectl applier', async () => {
    const created = await kubectl('apply', '--server-side', '-f', file('d1.yaml', deploymentYaml({ replicas: 2 })));
    expect(created).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
    const obj = await get(web);
    expect(owners(obj)).toEqual(['kubectl/Apply']);
    expect(JSON.stringify(obj.metadata.managedFields?.[0].fieldsV1)).toContain('"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}"');
    const changed = await kubectl('apply', '--server-side', '-f', file('d2.yaml', deploymentYaml({ replicas: 2, image: 'busybox:1.37' })));
    expect(changed).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
    const img = await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(img.stdout).toBe('busybox:1.37');
    const yaml = await kubectl('get', 'deployment', 'web', '-o', 'yaml', '--show-managed-fields');
    expect(yaml.stdout).toMatch(/managedFields:\n\s+- apiVersion: apps\/v1\n\s+fieldsType: FieldsV1/);
  });

  it('conflicts with another manager (exit 1, upstream message), and --force-conflicts takes the field', async () => {
    expect((await kubectl('patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"replicas":5}}')).code).toBe(0);
    const r = await kubectl('apply', '--server-side', '-f', file('d3.yaml', deploymentYaml({ replicas: 3, image: 'busybox:1.37' })));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas');
    expect(r.stderr).toContain('Please review the fields above--they currently have other managers.');
    expect((await get(web)).spec.replicas).toBe(5);
    const forced = await kubectl('apply', '--server-side', '--force-conflicts', '-f', file('d3.yaml', deploymentYaml({ replicas: 3, image: 'busybox:1.37' })));
    expect(forced.code).toBe(0);
    const obj = await get(web);
    expect(obj.spec.replicas).toBe(3);
    expect(owners(obj)).toEqual(['kubectl/Apply']);
  });

  it('removes a field that left the manifest', async () => {
    await kubectl('apply', '--server-side', '-f', file('d4.yaml', deploymentYaml({ replicas: 3, image: 'busybox:1.37', labels: ', tier: web' })));
    expect((await get(web)).metadata.labels).toEqual({ app: 'web', tier: 'web' });
    const r = await kubectl('apply', '--server-side', '-f', file('d5.yaml', deploymentYaml({ image: 'busybox:1.37' })));
    expect(r.code).toBe(0);
    const obj = await get(web);
    expect(obj.metadata.labels).toEqual({ app: 'web' });
    // replicas went too, and came back as the default (as upstream): nobody owns it now
    expect(obj.spec.replicas).toBe(1);
    expect(JSON.stringify(obj.metadata.managedFields)).not.toContain('f:replicas');
  });

  it('diffs with --server-side and stores nothing', async () => {
    const before = await get(web);
    const r = await kubectl('diff', '--server-side', '-f', file('d6.yaml', deploymentYaml({ image: 'busybox:1.38' })));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^-\s+- image: busybox:1\.37$/m);
    expect(r.stdout).toMatch(/^\+\s+- image: busybox:1\.38$/m);
    expect(await get(web)).toEqual(before);
    const same = await kubectl('diff', '--server-side', '-f', file('d5.yaml', deploymentYaml({ image: 'busybox:1.37' })));
    expect(same).toMatchObject({ code: 0, stdout: '' });
  });

  it('upgrades from client-side apply without conflicts (last-applied, csaupgrade)', async () => {
    const rs = '/apis/apps/v1/namespaces/default/replicasets/legacy';
    expect((await kubectl('apply', '-f', file('rs1.yaml', rsYaml(1, ', old: v1')))).stdout).toBe('replicaset.apps/legacy created\n');
    expect(owners(await get(rs))).toEqual(['kubectl-client-side-apply/Update']);
    // replicas changes in the manifest: owned by kubectl-client-side-apply, allowed through last-applied
    const r = await kubectl('apply', '--server-side', '-f', file('rs2.yaml', rsYaml(2, ', old: v1')));
    expect(r).toMatchObject({ code: 0, stdout: 'replicaset.apps/legacy serverside-applied\n' });
    const obj = await get(rs);
    expect(obj.spec.replicas).toBe(2);
    expect(owners(obj)).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    const lastApplied = JSON.parse(obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}') as Obj;
    expect(lastApplied.spec.replicas).toBe(2);
    // the fields kubectl-client-side-apply owned now belong to the applier: dropping one removes it
    const dropped = await kubectl('apply', '--server-side', '-f', file('rs3.yaml', rsYaml(2)));
    expect(dropped.code).toBe(0);
    expect((await get(rs)).metadata.labels).toEqual({ app: 'legacy' });
  });

  it('applies through @kubernetes/client-node', async () => {
    const script = path.join(c.dir, 'client-node-apply.mjs');
    const lib = pathToFileURL(path.join(__dirname, '..', '..', 'node_modules', '@kubernetes', 'client-node', 'dist', 'index.js')).href;
    // client-node 1.x (2.x needs Node ≥ 22.19 through undici 8; we run on Node 20).
    writeFileSync(script, `
const k8s = await import(${JSON.stringify(lib)});
const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
const client = k8s.KubernetesObjectApi.makeApiClient(kc);
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-node', namespace: 'default' }, data: { a: '1' } };
const created = await client.patch(cm, undefined, undefined, 'node-app', true, k8s.PatchStrategy.ServerSideApply);
const changed = await client.patch({ ...cm, data: { b: '2' } }, undefined, undefined, 'node-app', false, k8s.PatchStrategy.ServerSideApply);
let conflict = '';
try {
  await client.patch({ ...cm, data: { b: '3' } }, undefined, undefined, 'someone-else', false, k8s.PatchStrategy.ServerSideApply);
} catch (err) {
  conflict = String(err.code) + ' ' + JSON.parse(err.body).message;
}
console.log(JSON.stringify({ created: created.data, changed: changed.data, manager: changed.metadata.managedFields[0].manager, conflict }));
`);
    const out = await new Promise<Run>((resolve) => {
      execFile(process.execPath, [script, c.kubeconfig], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? 1 : 0, stdout, stderr });
      });
    });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({
      created: { a: '1' }, changed: { b: '2' }, manager: 'node-app',
      conflict: '409 Apply failed with 1 conflict: conflict with "node-app": .data.b',
    });
  });
});
