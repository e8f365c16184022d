import { aggregatedDiscovery, apiGroupList, apiResourceList, negotiateDiscovery, aggregatedContentType } from './discovery';
import { buildOpenApiV3 } from './openapi';
import { parseRequestInfo } from './request-info';

describe('discovery', () => {
  it.each([
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'v2'],
    ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', 'v2beta1'],
    ['application/json, */*', undefined],
  ])('negotiates %s', (accept, want) => expect(negotiateDiscovery(accept)).toBe(want));

  it('has the exact aggregated content type', () =>
    expect(aggregatedContentType('v2')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'));

  it('describes pods with subresources and the all category', () => {
    const doc = aggregatedDiscovery(true, 'v2');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    const pods = doc.items[0].versions[0].resources.find((r) => r.resource === 'pods');
    expect(pods).toMatchObject({ scope: 'Namespaced', shortNames: ['po'], categories: ['all'], responseKind: { group: '', version: 'v1', kind: 'Pod' } });
    expect(pods?.subresources.map((s) => s.subresource)).toEqual(['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward', 'proxy']);
    expect(pods?.subresources.find((s) => s.subresource === 'proxy')).toEqual({ subresource: 'proxy', responseKind: { group: '', version: 'v1', kind: 'PodProxyOptions' },
      verbs: ['create', 'delete', 'get', 'patch', 'update'] });
    expect(pods?.subresources.find((s) => s.subresource === 'exec')).toEqual({ subresource: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] });
  });

  it('names groups in /apis and serves scale as autoscaling/v1', () => {
    const doc = aggregatedDiscovery(false, 'v2');
    expect(doc.items.map((i) => i.metadata)).toContainEqual({ name: 'apps', creationTimestamp: null });
    const apps = doc.items.find((i) => i.metadata.name === 'apps');
    const rs = apps?.versions[0].resources.find((r) => r.resource === 'replicasets');
    expect(rs).toBeDefined();
    if (!rs) return;
    expect(rs.subresources.find((s) => s.subresource === 'scale')?.responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(apiGroupList().groups.map((g) => g.name)).toContain('apps');
  });

  it('lists legacy resources with subresources', () => {
    const names = apiResourceList('', 'v1')?.resources.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/status', 'pods/binding', 'pods/log', 'nodes', 'namespaces', 'events']));
    expect(apiResourceList('', 'v1')?.resources.find((r) => r.name === 'pods/eviction')).toMatchObject({ kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
    expect(apiResourceList('nope', 'v1')).toBeUndefined();
  });
});

describe('openapi v3', () => {
  const v3 = buildOpenApiV3();
  it('indexes every group-version with a hash', () => {
    expect(Object.keys(v3.index.paths as object)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    expect((v3.index.paths as Record<string, { serverRelativeURL: string }>)['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
  });
  it('lists fieldValidation on PATCH and tags schemas with their GVK', () => {
    const doc = JSON.parse(v3.docs.get('api/v1')?.body ?? '{}') as {
      paths: Record<string, { patch?: { parameters: Array<{ name: string }>; 'x-kubernetes-group-version-kind': unknown } }>;
      components: { schemas: Record<string, { 'x-kubernetes-group-version-kind': unknown; properties: Record<string, unknown> }> };
    };
    const patch = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    const podSchema = doc.components.schemas['io.k8s.api.core.v1.Pod'];
    expect(podSchema['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(JSON.stringify(doc)).not.toContain('"type":"null"');
  });
});

describe('request info', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', {}, { verb: 'list', namespace: 'default', name: '', subresource: '', plural: 'pods' }],
    ['GET', '/api/v1/pods', { watch: 'true' }, { verb: 'watch', namespace: '', name: '', subresource: '', plural: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/p/log', {}, { verb: 'get', namespace: 'default', name: 'p', subresource: 'log', plural: 'pods' }],
    ['PUT', '/api/v1/namespaces/kube-system/status', {}, { verb: 'update', namespace: '', name: 'kube-system', subresource: 'status', plural: 'namespaces' }],
    ['GET', '/api/v1/namespaces/kube-system', {}, { verb: 'get', namespace: '', name: 'kube-system', subresource: '', plural: 'namespaces' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/replicasets/web/scale', {}, { verb: 'patch', namespace: 'd', name: 'web', subresource: 'scale', plural: 'replicasets' }],
    ['DELETE', '/api/v1/nodes/n1', {}, { verb: 'delete', namespace: '', name: 'n1', subresource: '', plural: 'nodes' }],
  ])('%s %s', (method, path, query, want) => {
    const ri = parseRequestInfo(method, path, query);
    expect(ri && { verb: ri.verb, namespace: ri.namespace, name: ri.name, subresource: ri.subresource, plural: ri.resource.plural }).toEqual(want);
  });
  it.each([['/api/v1/bogus'], ['/api/v1/namespaces/x/nodes'], ['/api/v1/namespaces/d/deployments/p/proxy'],
    ['/api/v1/namespaces/d/pods/p/log/x'], ['/api/v1/namespaces/d/configmaps/c/proxy/x'], ['/api/v1/pods/p/proxy/x']])('rejects %s', (path) =>
    expect(parseRequestInfo('GET', path, {})).toBeUndefined());
  it.each([
    ['GET', '/api/v1/namespaces/d/pods/web:8080/proxy/a/b%20c', { verb: 'get', namespace: 'd', name: 'web:8080', proxyPath: '/a/b%20c' }],
    ['POST', '/api/v1/namespaces/d/services/https:web:443/proxy', { verb: 'create', namespace: 'd', name: 'https:web:443', proxyPath: '' }],
    ['GET', '/api/v1/nodes/n1/proxy/metrics/resource', { verb: 'get', namespace: '', name: 'n1', proxyPath: '/metrics/resource' }],
  ])('%s %s is a proxy request: the method is the verb, the rest of the path is kept', (method, path, want) => {
    const ri = parseRequestInfo(method, path, { watch: 'true' });
    expect(ri && { verb: ri.verb, namespace: ri.namespace, name: ri.name, proxyPath: ri.proxyPath, subresource: ri.subresource }).toEqual({ ...want, subresource: 'proxy' });
  });
});
