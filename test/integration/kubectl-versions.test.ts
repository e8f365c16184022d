// The kubectl versions Debian ships (1.27 and 1.28 read /openapi/v2 as protobuf for validation,
// explain and diff; 1.33 uses /openapi/v3 and sends protobuf create bodies) against an in-process
// apiserver and a real etcd, with no extra flags.
import { existsSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pkiPaths } from '../../pkg/apiserver';
import { gnosticRoot } from '../../pkg/apiserver/proto';
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { kubectlRunner, type Kubectl } from './protobuf-kubectl';

jest.setTimeout(120_000);

const bin = (v: string) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
const versions = ['1.27', '1.28', '1.33'].filter((v) => existsSync(bin(v)));

const deployment = (ns: string, image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: ${image}
        ports:
        - containerPort: 80
`;

describe.each(versions)('kubectl %s', (version) => {
  let c: TestCluster;
  let kubectl: Kubectl;
  const ns = `v${version.replace('.', '-')}`;
  beforeAll(async () => {
    c = await startTestCluster();
    kubectl = kubectlRunner(c, bin(version));
  });
  afterAll(async () => { await c?.stop(); });

  it('creates a namespace', async () => {
    expect(await kubectl(['create', 'namespace', ns])).toMatchObject({ code: 0, stdout: `namespace/${ns} created\n`, stderr: '' });
  });

  it('applies a deployment, then a change to it', async () => {
    expect(await kubectl(['apply', '-f', '-'], deployment(ns, 'busybox:1.36', 1))).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    expect(await kubectl(['apply', '-f', '-'], deployment(ns, 'busybox:1.37', 2))).toMatchObject({ code: 0, stdout: 'deployment.apps/web configured\n', stderr: '' });
    const r = await kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
    expect(r).toMatchObject({ code: 0, stdout: '2 busybox:1.37' });
  });

  it('refuses an unknown field through server-side validation', async () => {
    const bad = deployment(ns, 'busybox', 1).replace('  replicas: 1', '  replicas: 1\n  bogusField: 1');
    const r = await kubectl(['apply', '-f', '-'], bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown field "spec.bogusField"');
  });

  it('gets', async () => {
    const r = await kubectl(['get', 'deployments', '-n', ns]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s/);
  });

  it('explains pod.spec', async () => {
    const r = await kubectl(['explain', 'pod.spec']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/KIND:\s+Pod/);
    expect(r.stdout).toMatch(/containers\s+<\[\]Object>|containers\s+<\[\]Container>/);
  });

  it('diffs', async () => {
    expect(await kubectl(['diff', '-f', '-'], deployment(ns, 'busybox:1.37', 2))).toMatchObject({ code: 0, stdout: '' });
    const changed = await kubectl(['diff', '-f', '-'], deployment(ns, 'busybox:1.37', 3));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+replicas: 2$/m);
    expect(changed.stdout).toMatch(/^\+\s+replicas: 3$/m);
  });

  it('deletes', async () => {
    expect(await kubectl(['delete', 'deployment', 'web', '-n', ns])).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
    expect((await kubectl(['get', 'deployment', 'web', '-n', ns])).stderr).toContain('not found');
  });
});

describe('GET /openapi/v2', () => {
  let c: TestCluster;
  beforeAll(async () => { c = await startTestCluster(); });
  afterAll(async () => { await c?.stop(); });

  const get = (headers: Record<string, string>) => new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const p = pkiPaths(path.join(c.dir, 'pki'));
    const req = https.request(`${c.api.url}/openapi/v2`, {
      ca: readFileSync(p.caCert), cert: readFileSync(p.adminCert), key: readFileSync(p.adminKey), headers,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });

  const protobufAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

  it('serves gnostic protobuf to kubectl\'s Accept, with an ETag that answers 304', async () => {
    const r = await get({ Accept: protobufAccept, 'Accept-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({
      'content-type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'content-encoding': 'gzip', vary: 'Accept',
      'cache-control': 'no-cache, private', etag: expect.stringMatching(/^"[0-9A-F]{128}"$/),
    });
    const type = gnosticRoot().lookupType('openapi.v2.Document');
    const doc = type.toObject(type.decode(gunzipSync(r.body))) as { swagger: string; definitions: { additionalProperties: Array<{ name: string }> } };
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions.additionalProperties.map((d) => d.name)).toContain('io.k8s.api.apps.v1.Deployment');
    const again = await get({ Accept: protobufAccept, 'If-None-Match': String(r.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('serves JSON otherwise, and 406 for what it cannot produce', async () => {
    const r = await get({ Accept: 'application/json' });
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body.toString())).toMatchObject({ swagger: '2.0', info: { title: 'Kubernetes' } });
    expect((await get({})).headers['content-type']).toBe('application/json');
    expect((await get({ Accept: 'text/html' })).status).toBe(406);
  });
});
