import { aggregatedDiscovery, apiGroupList } from '../discovery';
import { metricsAPIResourceList } from './discovery';

describe('metrics.k8s.io discovery', () => {
  it('is in /apis, legacy and aggregated, and not in /api', () => {
    expect(apiGroupList().groups).toContainEqual({
      name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
      preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
    });
    const item = aggregatedDiscovery(false, 'v2').items.find((i) => i.metadata.name === 'metrics.k8s.io');
    expect(item?.versions[0].resources.map((r) => [r.resource, r.responseKind.kind, r.scope, r.verbs])).toEqual([
      ['nodes', 'NodeMetrics', 'Cluster', ['get', 'list']], ['pods', 'PodMetrics', 'Namespaced', ['get', 'list']],
    ]);
    expect(aggregatedDiscovery(true, 'v2').items.some((i) => JSON.stringify(i).includes('metrics.k8s.io'))).toBe(false);
  });

  it('lists NodeMetrics and PodMetrics as metrics-server does', () => {
    expect(metricsAPIResourceList()).toEqual({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'metrics.k8s.io/v1beta1', resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ],
    });
  });
});
