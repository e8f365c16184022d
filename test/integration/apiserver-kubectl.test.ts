// The real kubectl against an in-process apiserver and a real etcd.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { pkiPaths } from '../../pkg/apiserver';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { waitFor } from './harness';
import { startNamespaceController } from './delete-helpers';

jest.setTimeout(120_000);

interface Run { code: number; stdout: string; stderr: string }

describe('real kubectl', () => {
  let c: TestCluster;
  let kubectl: (...args: string[]) => Promise<Run>;
  let manifest: (name: string, text: string) => string;
  beforeAll(async () => {
    c = await startTestCluster();
    const cache = mkdtempSync(path.join(c.dir, 'cache-'));
    kubectl = (...args) => new Promise((resolve) => {
      execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
    manifest = (name, text) => {
      const f = path.join(c.dir, name);
      writeFileSync(f, text);
      return f;
    };
  });
  afterAll(async () => { await c?.stop(); });

  const podYaml = (image: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: hello
  labels:
    app: hello
spec:
  containers:
  - name: main
${image ? `    image: ${image}\n` : ''}    command: ["sh", "-c", "echo hi; sleep 3600"]
    resources:
      limits: {cpu: 100m, memory: 64Mi}
${extra}`;

  it('reports the version', async () => {
    const r = await kubectl('version', '-o', 'json');
    expect(r.stdout).toContain('v1.33.0-berth');
  });

  it('says there are no pods', async () => {
    const r = await kubectl('get', 'pods');
    expect(r.stderr).toContain('No resources found in default namespace.');
  });

  it('applies a pod, prints it as a table, and re-applies a changed manifest', async () => {
    const created = await kubectl('apply', '-f', manifest('pod.yaml', podYaml('busybox:1.36')));
    expect(created).toMatchObject({ code: 0, stdout: 'pod/hello created\n' });
    const table = await kubectl('get', 'pods');
    expect(table.stdout).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nhello\s+0\/1\s+Pending\s+0\s+\d+s/);
    const wide = await kubectl('get', 'pods', '-o', 'wide');
    expect(wide.stdout).toMatch(/IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    const again = await kubectl('apply', '-f', manifest('pod2.yaml', podYaml('busybox:1.37')));
    expect(again).toMatchObject({ code: 0, stdout: 'pod/hello configured\n' });
    const img = await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.spec.containers[0].image} {.status.qosClass}');
    expect(img.stdout).toBe('busybox:1.37 Guaranteed');
    const same = await kubectl('apply', '-f', manifest('pod3.yaml', podYaml('busybox:1.37')));
    expect(same.stdout).toBe('pod/hello unchanged\n');
  });

  it('refuses a manifest without an image, naming the field', async () => {
    const r = await kubectl('apply', '-f', manifest('noimage.yaml', podYaml('').replace('name: hello', 'name: noimage')));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.containers[0].image: Required value');
    expect((await kubectl('get', 'pod', 'noimage')).code).not.toBe(0);
  });

  it('refuses an unknown field', async () => {
    const r = await kubectl('apply', '-f', manifest('unknown.yaml', podYaml('busybox').replace('name: hello', 'name: unknown') + '  bogusField: 1\n'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.bogusField"');
  });

  it('labels a pod', async () => {
    expect((await kubectl('label', 'pod', 'hello', 'tier=web')).stdout).toBe('pod/hello labeled\n');
    const r = await kubectl('get', 'pods', '-l', 'tier=web', '-o', 'name');
    expect(r.stdout).toBe('pod/hello\n');
  });

  it('deletes an unbound pod at once and waits for deletion', async () => {
    const del = await kubectl('delete', 'pod', 'hello');
    expect(del).toMatchObject({ code: 0, stdout: 'pod "hello" deleted\n' });
    await kubectl('apply', '-f', manifest('pod4.yaml', podYaml('busybox').replace('name: hello', 'name: waited')));
    const waiting = kubectl('wait', '--for=delete', 'pod/waited', '--timeout=30s');
    // Bind it so that deletion is graceful and wait really has to watch.
    const req = requester(c);
    await req('POST', '/api/v1/namespaces/default/pods/waited/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'waited' }, target: { kind: 'Node', name: 'n1' } } });
    await req('DELETE', '/api/v1/namespaces/default/pods/waited', { body: {} });
    await req('DELETE', '/api/v1/namespaces/default/pods/waited', { body: { gracePeriodSeconds: 0 } });
    const r = await waiting;
    expect(r.code).toBe(0);
  });

  it('scales a ReplicaSet', async () => {
    const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox
        command: ["sleep", "3600"]
`;
    expect((await kubectl('apply', '-f', manifest('rs.yaml', rs))).stdout).toBe('replicaset.apps/web created\n');
    const table = await kubectl('get', 'rs');
    expect(table.stdout).toMatch(/NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nweb\s+3\s+0\s+0\s+\d+s/);
    const scaled = await kubectl('scale', 'rs/web', '--replicas=0');
    expect(scaled).toMatchObject({ code: 0, stdout: 'replicaset.apps/web scaled\n' });
    expect((await kubectl('get', 'rs', 'web', '-o', 'jsonpath={.spec.replicas}')).stdout).toBe('0');
  });

  it('lists namespaces and api-resources', async () => {
    const ns = await kubectl('get', 'ns');
    expect(ns.stdout).toMatch(/kube-system\s+Active/);
    const res = await kubectl('api-resources');
    expect(res.stdout).toMatch(/replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet/);
    const all = await kubectl('get', 'all');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('replicaset.apps/web');
  });

  it('proxies logs to the agent of the pod\'s node', async () => {
    const p = pkiPaths(path.join(c.dir, 'pki'));
    const seen: string[] = [];
    // A stand-in for the agent's HTTPS API, with the agent certificate from the same PKI.
    const agent = https.createServer({ cert: readFileSync(p.agentCert), key: readFileSync(p.agentKey), ca: readFileSync(p.caCert), requestCert: true, rejectUnauthorized: true }, (rq, rs) => {
      seen.push(`${(rq.socket as TLSSocket).getPeerCertificate().subject.CN} ${rq.url ?? ''}`);
      rs.writeHead(200, { 'Content-Type': 'text/plain' });
      rs.end('line one\nline two\n');
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', () => r()));
    const req = requester(c);
    const node = {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: (agent.address() as AddressInfo).port } } },
    };
    expect((await req('POST', '/api/v1/nodes', { body: node })).status).toBe(201);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logged' }, spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'busybox' }] } };
    expect((await req('POST', '/api/v1/namespaces/default/pods', { body: pod })).status).toBe(201);
    const r = await kubectl('logs', 'logged', '--tail=2', '--timestamps');
    agent.close();
    expect(r).toMatchObject({ code: 0, stdout: 'line one\nline two\n' });
    expect(seen).toEqual(['admin /containerLogs/default/logged/main?tailLines=2&timestamps=true']);
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.stdout).toMatch(/n1\s+Unknown\s+<none>/);
  });

  it('streams table rows with get -w', async () => {
    const child = spawn('kubectl', ['--kubeconfig', c.kubeconfig, 'get', 'pods', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => out.includes('logged'), { timeoutMs: 20_000, what: 'initial rows' });
      const req = requester(c);
      await req('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
      await waitFor(() => /ADDED\s+watched\s+0\/1\s+Pending/.test(out), { timeoutMs: 20_000, what: 'ADDED row' });
      await req('DELETE', '/api/v1/namespaces/default/pods/watched', { body: {} });
      await waitFor(() => /DELETED\s+watched/.test(out), { timeoutMs: 20_000, what: 'DELETED row' });
    } finally {
      child.kill();
    }
  });

  it('creates a namespace from kubectl\'s protobuf body and deletes it with its pods', async () => {
    expect(await kubectl('create', 'namespace', 'team-a')).toMatchObject({ code: 0, stdout: 'namespace/team-a created\n' });
    const podFile = manifest('nspod.yaml', podYaml('busybox').replace('name: hello', 'name: inns\n  namespace: team-a'));
    expect((await kubectl('apply', '-f', podFile)).stdout).toBe('pod/inns created\n');
    // Namespace deletion is finished by the namespace controller (Terminating → emptied → gone).
    const controller = startNamespaceController(c.kubeconfig);
    try {
      expect((await kubectl('delete', 'namespace', 'team-a')).code).toBe(0);
    } finally {
      await controller.stop();
    }
    expect((await kubectl('get', 'pods', '-n', 'team-a')).stderr).toContain('No resources found in team-a namespace.');
    const r = await kubectl('apply', '-f', podFile);
    expect(r.stderr).toContain('namespaces "team-a" not found');
  });

  it('shows a NotFound Status as kubectl does', async () => {
    const r = await kubectl('get', 'pod', 'nope');
    expect(r.stderr).toContain('Error from server (NotFound): pods "nope" not found');
  });
});
