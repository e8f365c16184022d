// Discovery of metrics.k8s.io/v1beta1, as metrics-server's APIService serves it: nodes and pods,
// get and list only (kubectl top looks for the group and version before asking).
export const metricsGroup = 'metrics.k8s.io';
export const metricsVersion = 'v1beta1';
export const metricsGroupVersion = `${metricsGroup}/${metricsVersion}`;

const resources = [
  { name: 'nodes', kind: 'NodeMetrics', namespaced: false },
  { name: 'pods', kind: 'PodMetrics', namespaced: true },
];
const verbs = ['get', 'list'];

/** The group's entry in APIGroupList, and GET /apis/metrics.k8s.io without its kind. */
export const metricsAPIGroup = () => ({
  name: metricsGroup,
  versions: [{ groupVersion: metricsGroupVersion, version: metricsVersion }],
  preferredVersion: { groupVersion: metricsGroupVersion, version: metricsVersion },
});

export const metricsAPIGroupDoc = () => ({ kind: 'APIGroup', apiVersion: 'v1', ...metricsAPIGroup() });

export const metricsAPIResourceList = () => ({
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: metricsGroupVersion,
  resources: resources.map((r) => ({ name: r.name, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs })),
});

/** The group's item in the aggregated /apis document (APIGroupDiscovery). */
export const metricsAggregatedGroup = () => ({
  metadata: { name: metricsGroup, creationTimestamp: null },
  versions: [{
    version: metricsVersion,
    freshness: 'Current',
    resources: resources.map((r) => ({
      resource: r.name, responseKind: { group: metricsGroup, version: metricsVersion, kind: r.kind },
      scope: r.namespaced ? 'Namespaced' : 'Cluster', singularResource: '', verbs,
      // None; typed so that the group fits in the same list as the served groups' items.
      subresources: [] as { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[],
    })),
  }],
});
