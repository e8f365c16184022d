import { objectKey } from '../storage';
import { createFakeStore } from '../storage/fake';
import { kubernetesEndpoints, reconcileKubernetesEndpoints } from './kubernetes-endpoints';

const now = new Date('2026-01-01T00:00:00Z');
const keys = { endpoints: objectKey('endpoints', 'default', 'kubernetes'), endpointslices: objectKey('endpointslices', 'default', 'kubernetes') };

describe('reconcileKubernetesEndpoints', () => {
  test('creates the Endpoints and the EndpointSlice naming the advertised address and port', async () => {
    const store = createFakeStore();
    expect(await reconcileKubernetesEndpoints(store, '10.244.0.1', 6443, now)).toEqual(['endpoints', 'endpointslices']);
    const ep = await store.get(keys.endpoints);
    expect(ep).toMatchObject({
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' }, creationTimestamp: '2026-01-01T00:00:00Z' },
      subsets: [{ addresses: [{ ip: '10.244.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    });
    expect(await store.get(keys.endpointslices)).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.1'], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
  });

  test('writes nothing when both already hold the address', async () => {
    const store = createFakeStore();
    await reconcileKubernetesEndpoints(store, '10.244.0.1', 6443, now);
    const rv = (await store.get(keys.endpoints)).metadata.resourceVersion;
    expect(await reconcileKubernetesEndpoints(store, '10.244.0.1', 6443, now)).toEqual([]);
    expect((await store.get(keys.endpoints)).metadata.resourceVersion).toBe(rv);
  });

  test('an edited or moved address is corrected, other labels kept; a deleted slice comes back', async () => {
    const store = createFakeStore();
    await reconcileKubernetesEndpoints(store, '10.244.0.1', 6443, now);
    await store.guaranteedUpdate(keys.endpoints, (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { team: 'x' } }, subsets: [] }));
    await store.delete(keys.endpointslices);
    expect(await reconcileKubernetesEndpoints(store, '10.244.0.9', 7443, now)).toEqual(['endpoints', 'endpointslices']);
    const ep = await store.get(keys.endpoints);
    expect(ep.metadata.labels).toEqual({ team: 'x', 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    expect((ep as unknown as { subsets: unknown }).subsets).toEqual(kubernetesEndpoints('10.244.0.9', 7443).endpoints.content.subsets);
    expect((await store.get(keys.endpointslices) as unknown as { endpoints: unknown }).endpoints).toEqual([{ addresses: ['10.244.0.9'], conditions: { ready: true } }]);
  });
});
