// pods/eviction against a real etcd and apiserver with the controller-manager (disruption
// controller) in-process: pods marked Running/Ready through the status subresource, a
// PodDisruptionBudget whose status the controller keeps current, evictions allowed while the
// budget allows and refused with 429 once it is spent.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { startTestCluster, requester, pod, type TestCluster } from './apiserver-helpers';
import { startControllerManager, type RunningControllers } from './delete-helpers';
import { waitFor } from './harness';

jest.setTimeout(60_000);

interface PdbStatus { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number; observedGeneration?: number; disruptedPods?: Record<string, string>; conditions?: Array<{ type: string; status: string; reason?: string }> }
interface Obj { metadata: { name?: string; resourceVersion?: string; generation?: number }; status?: Record<string, unknown> }

describe('pods/eviction and the disruption controller', () => {
  let c: TestCluster;
  let req: ReturnType<typeof requester>;
  let cm: RunningControllers | undefined;
  beforeAll(async () => {
    c = await startTestCluster();
    req = requester(c);
    cm = startControllerManager(c.kubeconfig);
  });
  afterAll(async () => {
    await cm?.stop();
    await c?.stop();
  });

  const ns = '/api/v1/namespaces/default';
  const readyPod = async (name: string, app: string, nodeName?: string) => {
    const base = pod(name, { metadata: { name, labels: { app } } });
    const created = await req('POST', `${ns}/pods`, { body: nodeName ? { ...base, spec: { ...base.spec, nodeName } } : base });
    expect(created.status).toBe(201);
    const cur = created.json as Obj;
    const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    const put = await req('PUT', `${ns}/pods/${name}/status`, { body: { ...cur, status } });
    expect(put.status).toBe(200);
  };
  const pdbPath = (name: string) => `/apis/policy/v1/namespaces/default/poddisruptionbudgets/${name}`;
  const pdbStatus = async (name: string): Promise<PdbStatus & { generation?: number }> => {
    const o = (await req('GET', pdbPath(name))).json as Obj;
    return { ...(o.status as PdbStatus), generation: o.metadata.generation };
  };
  const evict = (name: string, body: Record<string, unknown> = {}) => req('POST', `${ns}/pods/${name}/eviction`, {
    body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...body },
  });

  it('evicts while the budget allows, then answers 429 with the budget in the cause', async () => {
    for (const n of ['web-a', 'web-b', 'web-c']) await readyPod(n, 'web');
    const created = await req('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } },
    });
    expect(created.status).toBe(201);
    const s = await waitFor(async () => { const st = await pdbStatus('web'); return st.disruptionsAllowed === 1 ? st : undefined; }, { what: 'pdb status computed' });
    expect(s).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: s?.generation });
    expect(s?.conditions?.find((x) => x.type === 'DisruptionAllowed')).toMatchObject({ status: 'True', reason: 'SufficientPods' });

    const dry = await req('POST', `${ns}/pods/web-a/eviction?dryRun=All`, { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-a' } } });
    expect(dry.status).toBe(201);
    expect((await req('GET', `${ns}/pods/web-a`)).status).toBe(200);
    expect((await pdbStatus('web')).disruptionsAllowed).toBe(1);

    const ok = await evict('web-a');
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await req('GET', `${ns}/pods/web-a`)).status).toBe(404);

    const refused = await evict('web-b');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
    expect((await req('GET', `${ns}/pods/web-b`)).status).toBe(200);
    const after = await waitFor(async () => { const st = await pdbStatus('web'); return st.currentHealthy === 2 && st.expectedPods === 2 ? st : undefined; }, { what: 'pdb status after eviction' });
    expect(after?.disruptionsAllowed).toBe(0);
    expect(after?.conditions?.find((x) => x.type === 'DisruptionAllowed')).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  it('evicts a pod no budget covers, and refuses a pod covered by two budgets', async () => {
    await readyPod('free', 'free');
    expect((await evict('free', { deleteOptions: { gracePeriodSeconds: 0 } })).status).toBe(201);
    expect((await req('GET', `${ns}/pods/free`)).status).toBe(404);

    await readyPod('two', 'two');
    for (const name of ['two-1', 'two-2']) {
      const r = await req('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
        body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'two' } } } },
      });
      expect(r.status).toBe(201);
    }
    const r = await evict('two');
    expect(r.status).toBe(500);
    expect((r.json as { message: string }).message).toBe('Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  it('kubectl drain evicts through the budget and stops at it', async () => {
    expect((await req('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } })).status).toBe(201);
    for (const n of ['db-a', 'db-b']) await readyPod(n, 'db', 'n1');
    await req('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } },
    });
    await waitFor(async () => (await pdbStatus('db')).disruptionsAllowed === 1, { what: 'db budget computed' });
    const cache = mkdtempSync(path.join(c.dir, 'cache-'));
    const args = ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, 'drain', 'n1', '--force', '--grace-period=0', '--timeout=2s'];
    const run = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile('kubectl', args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }));
    });
    expect(run.code).not.toBe(0);
    expect(run.out).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    const left = ((await req('GET', `${ns}/pods?labelSelector=app%3Ddb`)).json as { items: Obj[] }).items;
    expect(left).toHaveLength(1);
  });
});
