// PUT namespaces/<name>/finalize with real kubectl (`replace --raw`), as tools that unstick a
// Terminating namespace use it. No namespace controller runs here, so a deleted namespace stays
// Terminating with the `kubernetes` finalizer until the finalize call clears it.
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

type Json = Record<string, unknown>;

let c: TestCluster;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
});
afterAll(async () => { await c?.stop(); });

describe('namespaces/finalize', () => {
  it.each([['1.27'], ['1.33']])('kubectl %s replace --raw …/finalize clears spec.finalizers of a Terminating namespace', async (v) => {
    const k = kubectlRunner(c, kubectlBinary(v));
    const name = `stuck-${v.replace('.', '')}`;
    expect((await k(['create', 'namespace', name])).code).toBe(0);
    expect((await k(['delete', 'namespace', name, '--wait=false'])).code).toBe(0);
    const ns = JSON.parse((await k(['get', 'namespace', name, '-o', 'json'])).stdout) as Json;
    expect(ns).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    // The body's status is not taken (upstream's finalize strategy keeps it).
    const body = JSON.stringify({ ...ns, spec: { finalizers: [] }, status: { phase: 'Active' } });
    const put = await k(['replace', '--raw', `/api/v1/namespaces/${name}/finalize`, '-f', '-'], body);
    expect(put.code).toBe(0);
    expect(JSON.parse(put.stdout)).toMatchObject({ kind: 'Namespace', metadata: { name }, status: { phase: 'Terminating' } });
    const after = JSON.parse((await k(['get', 'namespace', name, '-o', 'json'])).stdout) as { spec?: { finalizers?: string[] } };
    expect(after.spec?.finalizers ?? []).toEqual([]);
    // With no spec finalizer left the next DELETE removes it (the namespace controller's step).
    expect((await k(['delete', 'namespace', name])).code).toBe(0);
    expect((await req('GET', `/api/v1/namespaces/${name}`)).status).toBe(404);
  });

  it('validates finalizer names and serves PUT only', async () => {
    expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' } } })).status).toBe(201);
    const bad = await req('PUT', '/api/v1/namespaces/fin/finalize', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' }, spec: { finalizers: ['custom'] } } });
    expect(bad).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [{ field: 'spec.finalizers[0]',
      message: 'Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified' }] } } });
    const ok = await req('PUT', '/api/v1/namespaces/fin/finalize', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fin' }, spec: { finalizers: ['example.com/hold'] } } });
    expect(ok).toMatchObject({ status: 200, json: { spec: { finalizers: ['example.com/hold'] }, status: { phase: 'Active' } } });
    expect((await req('GET', '/api/v1/namespaces/fin/finalize')).status).toBe(405);
    const disc = (await req('GET', '/api/v1')).json as { resources: Json[] };
    expect(disc.resources.find((r) => r.name === 'namespaces/finalize')).toMatchObject({ kind: 'Namespace', verbs: ['update'] });
  });
});
