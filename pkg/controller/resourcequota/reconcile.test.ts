import type { ApiObject } from '../../../api/meta/v1';
import { conflict } from '../../apimachinery/errors';
import { FakeClock, flushPromises, waitFor } from '../../client/fake-clock';
import { FakeInformer } from '../../client/fake-informer';
import { silentLogger } from '../../log';
import { listFromMonitors, newResourceQuotaController, type QuotaMonitor } from './controller';
import { reconcileResourceQuota, resyncPeriodMs, type ListObjects } from './reconcile';

const now = new Date('2024-01-01T00:00:00Z');
type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (name: string, resources: Res = {}, extra: Record<string, unknown> = {}): ApiObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: '1' },
  spec: { containers: [{ name: 'c', image: 'i', resources }] }, ...extra,
} as ApiObject);
const quota = (name: string, hard: Record<string, string>, status?: Record<string, unknown>, spec: Record<string, unknown> = {}): ApiObject => ({
  apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: 'ns', resourceVersion: '5' }, spec: { hard, ...spec }, ...(status ? { status } : {}),
} as ApiObject);
const named = (kind: string, name: string, namespace = 'ns'): ApiObject => ({ kind, metadata: { name, namespace } });

const setup = (quotas: ApiObject[], objects: Record<string, ApiObject[]>, fallback: ListObjects = async () => undefined) => {
  const quotaInformer = new FakeInformer<ApiObject>();
  quotaInformer.seed(...quotas);
  const monitors: Array<QuotaMonitor & { informer: FakeInformer<ApiObject> }> = Object.entries(objects).map(([gr, items]) => {
    const [group, resource] = gr.split('/');
    const informer = new FakeInformer<ApiObject>();
    informer.seed(...items);
    return { group, resource, informer };
  });
  const writes: ApiObject[] = [];
  let fail: unknown;
  const quotaClient = {
    updateStatus: async (_ns: string, obj: ApiObject) => {
      if (fail) throw fail;
      writes.push(obj);
      return obj;
    },
  };
  const deps = { quotas: quotaInformer, listObjects: listFromMonitors(monitors, fallback), quotaClient, now: () => now, log: silentLogger() };
  return { deps, writes, quotaInformer, monitors, quotaClient, failWith: (e: unknown) => { fail = e; } };
};

describe('reconcileResourceQuota', () => {
  it('writes status.hard from spec.hard and status.used from the namespace, in canonical form', async () => {
    const { deps, writes } = setup([quota('q', { pods: '10', 'requests.cpu': '2000m', 'requests.memory': '1Gi', 'count/configmaps': '5', secrets: '5', 'count/jobs.batch': '1', services: '3' })], {
      '/pods': [
        pod('a', { requests: { cpu: '500m', memory: '512Mi' } }), pod('b', { requests: { cpu: '250m', memory: '256Mi' } }),
        pod('done', { requests: { cpu: '1' } }, { status: { phase: 'Succeeded' } }), { ...pod('elsewhere', { requests: { cpu: '1' } }), metadata: { name: 'x', namespace: 'other' } },
      ],
      '/configmaps': [named('ConfigMap', 'a'), named('ConfigMap', 'b'), named('ConfigMap', 'c', 'other')],
      '/secrets': [],
      '/services': [named('Service', 's')],
      '/persistentvolumeclaims': [],
    });
    expect(await reconcileResourceQuota('ns/q', deps)).toEqual({ requeueAfterMs: resyncPeriodMs });
    expect(writes).toHaveLength(1);
    expect(writes[0].metadata.resourceVersion).toBe('5');
    expect(writes[0].status).toEqual({
      // count/jobs.batch is not served here: it has no usage (and admission would call it unknown).
      hard: { 'count/configmaps': '5', 'count/jobs.batch': '1', pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', secrets: '5', services: '3' },
      used: { 'count/configmaps': '2', pods: '2', 'requests.cpu': '750m', 'requests.memory': '768Mi', secrets: '0', services: '1' },
    });
  });

  it('writes nothing when the stored status is right, and counts scoped quotas by their scopes', async () => {
    const right = quota('q', { pods: '4' }, { hard: { pods: '4' }, used: { pods: '1' } }, { scopes: ['BestEffort'] });
    const { deps, writes } = setup([right], { '/pods': [pod('a'), pod('b', { requests: { cpu: '1' } })] });
    await reconcileResourceQuota('ns/q', deps);
    expect(writes).toEqual([]);
  });

  it('lists what no monitor has synced through the fallback, and ignores a quota that is gone', async () => {
    const fallback: ListObjects = async (group, resource) => (group === 'batch' && resource === 'jobs' ? [named('Job', 'j')] : undefined);
    const { deps, writes } = setup([quota('q', { 'count/jobs.batch': '3' })], {}, fallback);
    await reconcileResourceQuota('ns/q', deps);
    expect(writes[0].status).toEqual({ hard: { 'count/jobs.batch': '3' }, used: { 'count/jobs.batch': '1' } });
    await expect(reconcileResourceQuota('ns/gone', deps)).resolves.toBeUndefined();
  });
});

describe('newResourceQuotaController', () => {
  const run = (s: ReturnType<typeof setup>, clock: FakeClock) => {
    // The apiserver's answer comes back through the watch, as a status-only update.
    const quotaClient = {
      updateStatus: async (ns: string, obj: ApiObject) => {
        const stored = await s.quotaClient.updateStatus(ns, obj);
        s.quotaInformer.apply(stored);
        return stored;
      },
    };
    const controller = newResourceQuotaController({
      quotas: s.quotaInformer, monitors: s.monitors, quotaClient, listFallback: async () => undefined, log: silentLogger(), clock, workers: 1,
    });
    const ac = new AbortController();
    const done = controller.run(ac.signal);
    return { controller, stop: async () => { ac.abort(); await done; } };
  };
  const usedPods = (s: ReturnType<typeof setup>) => (s.quotaInformer.get('ns/q')?.status as { used?: { pods?: string } } | undefined)?.used?.pods;

  it('syncs new quotas and spec changes, releases quota on deletes and terminal pods, and ignores status writes', async () => {
    const clock = new FakeClock(now.getTime());
    const a = pod('a');
    const b = pod('b');
    const s = setup([], { '/pods': [a, b, pod('c')], '/services': [], '/persistentvolumeclaims': [] });
    const { stop } = run(s, clock);
    s.quotaInformer.apply(quota('q', { pods: '5' }));
    await waitFor(() => usedPods(s) === '3', 'the first sync');
    expect(s.writes).toHaveLength(1);
    // A status-only change (admission's charge) does not sync: the charge stands.
    s.quotaInformer.apply({ ...s.writes[0], status: { hard: { pods: '5' }, used: { pods: '4' } } } as ApiObject);
    await flushPromises();
    expect(usedPods(s)).toBe('4');
    expect(s.writes).toHaveLength(1);
    // A pod deleted: the quota is recomputed from the cache.
    s.monitors[0].informer.remove(a);
    await waitFor(() => usedPods(s) === '2', 'the sync after a delete');
    // A pod turning Succeeded releases its quota too.
    s.monitors[0].informer.apply({ ...b, status: { phase: 'Succeeded' } } as ApiObject);
    await waitFor(() => usedPods(s) === '1', 'the sync after a pod finished');
    const writes = s.writes.length;
    // A spec change syncs.
    s.quotaInformer.apply({ ...s.quotaInformer.get('ns/q'), spec: { hard: { pods: '7' } } } as ApiObject);
    await waitFor(() => s.writes.length === writes + 1, 'the sync after a spec change');
    expect(s.writes[writes].status).toEqual({ hard: { pods: '7' }, used: { pods: '1' } });
    await stop();
  });

  it('requeues a conflicting write with back-off, and resyncs every quota after 5 minutes', async () => {
    const clock = new FakeClock(now.getTime());
    const s = setup([], { '/pods': [pod('a')], '/services': [], '/persistentvolumeclaims': [] });
    s.failWith(conflict({ group: '', resource: 'resourcequotas' }, 'q', 'the object has been modified'));
    const { controller, stop } = run(s, clock);
    s.quotaInformer.apply(quota('q', { pods: '5' }));
    await waitFor(() => controller.queue.numRequeues('ns/q') === 1, 'a requeue');
    s.failWith(undefined);
    clock.step(1000);
    await waitFor(() => usedPods(s) === '1', 'the retried write');
    s.monitors[0].informer.seed(pod('b')); // created behind admission's back: only a resync sees it
    clock.step(resyncPeriodMs);
    await waitFor(() => usedPods(s) === '2', 'the resync');
    await stop();
  });
});
