// pods/proxy and services/proxy against a real etcd: where a request may not go, and why (the
// refusals and their Status), and discovery. The proxying itself, to real pods and a real agent,
// is in test/e2e/service-proxy.test.ts; the forwarding in pkg/apiserver/handlers/proxy.test.ts.
// An HTTP server on loopback stands where a pod would: the apiserver must refuse to reach it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

let c: TestCluster;
let req: ReturnType<typeof requester>;
let backend: http.Server;
let port: number;
const seen: Array<{ method: string; url: string; body: string; auth?: string }> = [];

beforeAll(async () => {
  backend = http.createServer((r, w) => {
    let body = '';
    r.on('data', (d: Buffer) => { body += d.toString(); });
    r.on('end', () => {
      seen.push({ method: r.method ?? '', url: r.url ?? '', body, auth: r.headers.authorization });
      w.writeHead(r.url?.startsWith('/missing') ? 404 : 200, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
      w.end(`${r.method} ${r.url} ${body}`);
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  port = (backend.address() as AddressInfo).port;
  c = await startTestCluster();
  req = requester(c);
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } })).status).toBeLessThan(500);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: port }] }] } };
  expect((await req('POST', '/api/v1/namespaces/default/pods', { body: pod })).status).toBe(201);
  const status = await req('PATCH', '/api/v1/namespaces/default/pods/web/status', { body: { status: { podIP: '127.0.0.1', phase: 'Running' } }, contentType: 'application/merge-patch+json' });
  expect(status.status).toBe(200);
  expect((await req('POST', '/api/v1/namespaces/default/pods', { body: { ...pod, metadata: { name: 'pending' } } })).status).toBe(201);
  expect((await req('POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
    spec: { ports: [{ name: 'http', port: 80, targetPort: port }] } } })).status).toBe(201);
  expect((await req('POST', '/api/v1/namespaces/default/endpoints', { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' },
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port }] }] } })).status).toBe(201);
  expect((await req('POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty' },
    spec: { ports: [{ port: 80 }] } } })).status).toBe(201);
});
afterAll(async () => {
  await c?.stop();
  await new Promise((resolve) => backend?.close(resolve));
});

describe('pods/proxy and services/proxy', () => {
  it('refuses loopback addresses, whoever wrote them into a pod or an endpoint', async () => {
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const pod = await k(['get', '--raw', '/api/v1/namespaces/default/pods/web/proxy/hello']);
    expect(pod.code).toBe(1);
    expect(pod.stderr).toContain('Error from server (BadRequest): address not allowed');
    expect(await req('GET', '/api/v1/namespaces/default/services/web:http/proxy/')).toMatchObject({ status: 503, json: {
      reason: 'ServiceUnavailable', message: 'no endpoints available for service "web:http"' } });
    expect(seen).toEqual([]);
  });

  it('answers 503 with a reason when there is nowhere to go, and 404 for what does not exist', async () => {
    expect(await req('GET', '/api/v1/namespaces/default/services/empty/proxy/')).toMatchObject({ status: 503, json: {
      kind: 'Status', reason: 'ServiceUnavailable', message: 'no endpoints available for service "empty"' } });
    expect(await req('GET', '/api/v1/namespaces/default/services/web:8080/proxy/')).toMatchObject({ status: 503, json: { message: 'no service port 8080 found for service "web"' } });
    expect(await req('GET', '/api/v1/namespaces/default/pods/pending/proxy/')).toMatchObject({ status: 503, json: { message: 'pod "pending" has no IP address yet' } });
    expect(await req('GET', '/api/v1/namespaces/default/pods/nope/proxy/')).toMatchObject({ status: 404, json: { reason: 'NotFound' } });
    expect(await req('GET', '/api/v1/namespaces/default/pods/ftp:web:1/proxy/')).toMatchObject({ status: 400, json: { message: 'invalid pod request "ftp:web:1"' } });
  });

  it('is listed in discovery as upstream lists it', async () => {
    const r = (await req('GET', '/api/v1')).json as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    expect(r.resources.find((x) => x.name === 'services/proxy')).toMatchObject({ kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
    expect(r.resources.find((x) => x.name === 'pods/proxy')).toMatchObject({ kind: 'PodProxyOptions' });
    expect(r.resources.find((x) => x.name === 'nodes/proxy')).toMatchObject({ kind: 'NodeProxyOptions' });
  });
});
