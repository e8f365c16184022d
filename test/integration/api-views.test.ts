// Resources served as views of another version's storage: autoscaling/v1 HorizontalPodAutoscalers
// over autoscaling/v2, events.k8s.io/v1 Events over core/v1 — through real kubectl and REST.
import { openWatch, startTestCluster, requester, type TestCluster } from './apiserver-helpers';
import { waitFor } from './harness';
import { kubectlRunner, type Kubectl } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

let c: TestCluster;
let req: ReturnType<typeof requester>;

beforeAll(async () => {
  c = await startTestCluster();
  req = requester(c);
  expect((await req('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'views' } } })).status).toBe(201);
});
afterAll(async () => { await c?.stop(); });

describe('autoscaling/v1 HorizontalPodAutoscaler', () => {
  it.each([['1.32'], ['1.33'], ['1.27']])('kubectl %s autoscale and get hpa', async (v) => {
    const k: Kubectl = kubectlRunner(c, kubectlBinary(v));
    const name = `x${v.replace('.', '')}`;
    expect((await k(['create', 'deployment', name, '--image=busybox', '-n', 'views'])).code).toBe(0);
    expect(await k(['autoscale', 'deployment', name, '--max', '3', '-n', 'views'])).toMatchObject({
      code: 0, stdout: `horizontalpodautoscaler.autoscaling/${name} autoscaled\n`,
    });
    const get = await k(['get', 'hpa', name, '-n', 'views']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(new RegExp(`^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE\\n${name} +Deployment/${name} +cpu: <unknown>/80% +1 +3 +0 `));
  });

  it('serves one stored object as v1 and v2, converting writes from either', async () => {
    const v1 = '/apis/autoscaling/v1/namespaces/views/horizontalpodautoscalers';
    const v2 = '/apis/autoscaling/v2/namespaces/views/horizontalpodautoscalers';
    const created = await req('POST', v1, { body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } } });
    expect(created).toMatchObject({ status: 201, json: { apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 60 } } });
    expect((created.json as Json).spec).not.toHaveProperty('metrics');
    const asV2 = await req('GET', `${v2}/h`);
    expect(asV2.json).toMatchObject({ apiVersion: 'autoscaling/v2',
      spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] } });
    // A v2 merge patch adds a metric and behavior v1 cannot show; a v1 patch keeps them.
    const pods = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };
    const v2patch = { spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }, pods],
      behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } } };
    expect((await req('PATCH', `${v2}/h`, { body: v2patch, contentType: 'application/merge-patch+json' })).status).toBe(200);
    const patched = await req('PATCH', `${v1}/h`, { body: { spec: { targetCPUUtilizationPercentage: 70 } }, contentType: 'application/merge-patch+json' });
    expect(patched).toMatchObject({ status: 200, json: { apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 70, maxReplicas: 5 } } });
    expect((await req('GET', `${v2}/h`)).json).toMatchObject({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
      metrics: [{ resource: { target: { averageUtilization: 70 } } }, pods] } });
    // status through v1: currentCPUUtilizationPercentage lands in v2's currentMetrics.
    const status = await req('PATCH', `${v1}/h/status`, { body: { status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 33 } },
      contentType: 'application/merge-patch+json' });
    expect(status).toMatchObject({ status: 200, json: { status: { currentCPUUtilizationPercentage: 33 } } });
    expect((await req('GET', `${v2}/h`)).json).toMatchObject({ status: { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 33 } } }] } });
    const list = await req('GET', v1);
    expect(list.json).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscalerList',
      items: expect.arrayContaining([expect.objectContaining({ apiVersion: 'autoscaling/v1', spec: expect.objectContaining({ targetCPUUtilizationPercentage: 70 }) })]) });
    // v1 validation is v2's.
    const bad = await req('POST', v1, { body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 4, maxReplicas: 2 } } });
    expect(bad).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [expect.objectContaining({ field: 'spec.maxReplicas' })] } } });
  });

  it.each([['client-side', []], ['server-side', ['--server-side']]])('kubectl 1.33 apply (%s) of an autoscaling/v1 manifest, then a change', async (_mode, flags) => {
    const k = kubectlRunner(c, kubectlBinary('1.33'));
    const name = `applied-${flags.length}`;
    const manifest = (cpu: number) => JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'views' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 4, targetCPUUtilizationPercentage: cpu } });
    expect(await k(['apply', ...flags, '-f', '-'], manifest(50))).toMatchObject({ code: 0, stderr: '' });
    expect(await k(['apply', ...flags, '-f', '-'], manifest(65))).toMatchObject({ code: 0, stdout: `horizontalpodautoscaler.autoscaling/${name} ${flags.length ? 'serverside-applied' : 'configured'}\n` });
    const v2 = (await req('GET', `/apis/autoscaling/v2/namespaces/views/horizontalpodautoscalers/${name}`)).json;
    expect(v2).toMatchObject({ spec: { maxReplicas: 4, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 65 } } }] } });
  });

  it('lists autoscaling v2 as the preferred version and v1 beside it', async () => {
    expect((await req('GET', '/apis/autoscaling')).json).toMatchObject({
      preferredVersion: { groupVersion: 'autoscaling/v2' }, versions: [{ version: 'v2' }, { version: 'v1' }],
    });
  });
});

describe('events.k8s.io/v1 Events', () => {
  const v1 = '/apis/events.k8s.io/v1/namespaces/views/events';
  const core = '/api/v1/namespaces/views/events';
  const eventTime = '2026-11-23T01:00:00.000000Z';
  const newEvent = (name: string): Json => ({
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name }, eventTime, type: 'Warning', reason: 'BackOff', action: 'Restarting',
    note: 'Back-off restarting failed container', reportingController: 'berth.dev/agent', reportingInstance: 'agent-node1',
    regarding: { kind: 'Pod', name: 'web-1', namespace: 'views', apiVersion: 'v1' }, related: { kind: 'Node', name: 'node1' },
    deprecatedSource: { component: 'agent', host: 'node1' }, deprecatedCount: 3,
    deprecatedFirstTimestamp: '2026-11-23T00:58:00Z', deprecatedLastTimestamp: '2026-11-23T01:00:00Z',
  });

  it('stores an events.k8s.io create in the core shape and reads it back in either', async () => {
    const created = await req('POST', v1, { body: newEvent('backoff') });
    expect(created).toMatchObject({ status: 201, json: { apiVersion: 'events.k8s.io/v1', note: 'Back-off restarting failed container',
      regarding: { kind: 'Pod', name: 'web-1' }, reportingController: 'berth.dev/agent', deprecatedCount: 3 } });
    const asCore = (await req('GET', `${core}/backoff`)).json as Json;
    expect(asCore).toMatchObject({
      apiVersion: 'v1', message: 'Back-off restarting failed container', involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'views' },
      related: { kind: 'Node', name: 'node1' }, reportingComponent: 'berth.dev/agent', reportingInstance: 'agent-node1', action: 'Restarting',
      source: { component: 'agent', host: 'node1' }, count: 3, firstTimestamp: '2026-11-23T00:58:00Z', lastTimestamp: '2026-11-23T01:00:00Z',
      eventTime, type: 'Warning', reason: 'BackOff',
    });
    for (const f of ['note', 'regarding', 'reportingController', 'deprecatedCount', 'deprecatedSource']) expect(asCore).not.toHaveProperty(f);
    // core's field selectors find it (kubectl describe pod asks for involvedObject.*).
    const sel = await req('GET', `${core}?fieldSelector=involvedObject.name%3Dweb-1,involvedObject.kind%3DPod`);
    expect((sel.json as { items: Json[] }).items.map((i) => (i.metadata as Json).name)).toEqual(['backoff']);
    const v1sel = await req('GET', `${v1}?fieldSelector=regarding.name%3Dweb-1,reportingController%3Dberth.dev%2Fagent`);
    expect((v1sel.json as { items: Json[] }).items.map((i) => (i.metadata as Json).name)).toEqual(['backoff']);
    expect((await req('GET', `${v1}?fieldSelector=involvedObject.name%3Dweb-1`)).status).toBe(400);
    const again = (await req('GET', `${v1}/backoff`)).json as Json;
    expect(again).toMatchObject({ ...newEvent('backoff'), metadata: { name: 'backoff', namespace: 'views' } });
    for (const f of ['message', 'involvedObject', 'reportingComponent', 'count', 'source', 'firstTimestamp']) expect(again).not.toHaveProperty(f);
  });

  it('converts a core create, and events.k8s.io updates and patches, with series', async () => {
    const created = await req('POST', core, { body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'pulled' }, type: 'Normal', reason: 'Pulled',
      message: 'pulled busybox', involvedObject: { kind: 'Pod', name: 'web-2', namespace: 'views' }, source: { component: 'agent' }, count: 1 } });
    expect(created.status).toBe(201);
    const read = (await req('GET', `${v1}/pulled`)).json as Json;
    expect(read).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'pulled busybox', regarding: { name: 'web-2' }, deprecatedSource: { component: 'agent' }, deprecatedCount: 1 });
    const series = { count: 2, lastObservedTime: '2026-11-23T01:05:00.000000Z' };
    const put = await req('PUT', `${v1}/pulled`, { body: { ...read, eventTime, action: 'Pulling', reportingController: 'berth.dev/agent', reportingInstance: 'a', note: 'pulled again', series } });
    expect(put).toMatchObject({ status: 200, json: { note: 'pulled again', series } });
    expect((await req('GET', `${core}/pulled`)).json).toMatchObject({ message: 'pulled again', series, reportingComponent: 'berth.dev/agent', count: 1 });
    const patched = await req('PATCH', `${v1}/pulled`, { body: { note: 'patched', series: { count: 3 } }, contentType: 'application/merge-patch+json' });
    expect(patched).toMatchObject({ status: 200, json: { note: 'patched', series: { count: 3 } } });
    const json = await req('PATCH', `${v1}/pulled`, { body: [{ op: 'replace', path: '/deprecatedCount', value: 7 }], contentType: 'application/json-patch+json' });
    expect(json).toMatchObject({ status: 200, json: { deprecatedCount: 7 } });
    expect((await req('GET', `${core}/pulled`)).json).toMatchObject({ message: 'patched', series: { count: 3 }, count: 7 });
  });

  it('validates events.k8s.io writes in their own shape', async () => {
    const { reportingController: _rc, eventTime: _et, ...rest } = newEvent('invalid');
    void _rc; void _et;
    const bad = await req('POST', v1, { body: { ...rest, eventTime } });
    expect(bad).toMatchObject({ status: 422, json: { reason: 'Invalid', details: { causes: [{ field: 'reportingController', reason: 'FieldValueRequired' }] } } });
  });

  it('lists and watches in the events.k8s.io shape', async () => {
    const list = (await req('GET', v1)).json as { items: Json[] };
    expect(list.items.length).toBeGreaterThan(0);
    for (const i of list.items) {
      expect(i).toHaveProperty('regarding');
      expect(i).not.toHaveProperty('involvedObject');
    }
    const w = openWatch(c, `${v1}?watch=true&resourceVersion=0`);
    try {
      await waitFor(() => w.events.length >= list.items.length, { what: 'the initial events' });
      expect((await req('POST', v1, { body: newEvent('late') })).status).toBe(201);
      await waitFor(() => w.events.some((e) => e.object.metadata?.name === 'late'), { what: 'the watch event of a new Event' });
    } finally {
      w.close();
    }
    for (const e of w.events) expect(e.object).toMatchObject({ apiVersion: 'events.k8s.io/v1', regarding: expect.anything() });
    for (const e of w.events) expect(e.object).not.toHaveProperty('involvedObject');
  });

  it('prints events.k8s.io events with kubectl', async () => {
    const r = await kubectlRunner(c, kubectlBinary('1.33'))(['get', 'events.v1.events.k8s.io', '-n', 'views']);
    expect(r.stdout).toMatch(/BackOff +pod\/web-1 +Back-off restarting failed container/);
  });
});

describe('openapi consumers', () => {
  it.each([['1.27'], ['1.33']])('kubectl %s explains the v1 HorizontalPodAutoscaler and pods from a document with the eviction POST', async (v) => {
    const k = kubectlRunner(c, kubectlBinary(v));
    const hpa = await k(['explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1']);
    expect(hpa).toMatchObject({ code: 0, stderr: '' });
    expect(hpa.stdout).toContain('Target average CPU utilization');
    const pod = await k(['explain', 'pods.spec.nodeName']);
    expect(pod).toMatchObject({ code: 0, stderr: '' });
  });

  it('serves the eviction POST in /openapi/v3/api/v1', async () => {
    const doc = (await req('GET', '/openapi/v3/api/v1')).json as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'])).toEqual(['parameters', 'post']);
  });
});

describe('malformed writes to the views', () => {
  it('answer 2xx or a 4xx Status, never a 5xx', async () => {
    const hpa = '/apis/autoscaling/v1/namespaces/views/horizontalpodautoscalers';
    const ev = '/apis/events.k8s.io/v1/namespaces/views/events';
    expect((await req('POST', hpa, { body: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'fz' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2 } } })).status).toBe(201);
    const bodies: unknown[] = ['[]', 'null', '{', { spec: 'x' }, { spec: { maxReplicas: 'many', targetCPUUtilizationPercentage: {} } },
      { spec: { scaleTargetRef: null, metrics: [1] } }, { status: { currentCPUUtilizationPercentage: 'hot' } }, { regarding: 5, note: [], series: { count: 'x' } },
      { eventTime: 'yesterday', deprecatedCount: -1, reportingController: {} }, { metadata: { name: 7 } }];
    for (const body of bodies) {
      for (const [method, path, type] of [['POST', hpa, undefined], ['PUT', `${hpa}/fz`, undefined], ['PATCH', `${hpa}/fz`, 'application/merge-patch+json'],
        ['PATCH', `${hpa}/fz/status`, 'application/merge-patch+json'], ['POST', ev, undefined], ['PATCH', `${ev}/backoff`, 'application/merge-patch+json'],
        ['PATCH', `${hpa}/fz`, 'application/apply-patch+yaml']] as const) {
        const r = await req(method, `${path}${type === 'application/apply-patch+yaml' ? '?fieldManager=fz' : ''}`, { body, contentType: type });
        expect({ method, path, body, ok: r.status < 500 }).toEqual({ method, path, body, ok: true });
        if (r.status >= 400) expect(r.json).toMatchObject({ kind: 'Status', code: r.status });
      }
    }
  });
});
