import { attributesOf } from './attributes';

describe('attributesOf (paths the apiserver does not route as resources)', () => {
  test.each([
    ['GET', '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods', {}, { verb: 'list', apiGroup: 'metrics.k8s.io', resource: 'pods', namespace: 'a', name: '' }],
    ['GET', '/apis/metrics.k8s.io/v1beta1/nodes/n1', {}, { verb: 'get', resource: 'nodes', name: 'n1', namespace: '' }],
    ['GET', '/api/v1/namespaces/a', {}, { verb: 'get', resource: 'namespaces', name: 'a', namespace: '' }],
    ['GET', '/api/v1/namespaces/a/pods/p/proxy', {}, { verb: 'get', resource: 'pods', name: 'p', subresource: 'proxy', namespace: 'a' }],
    ['GET', '/api/v1/pods', { watch: 'true' }, { verb: 'watch', resource: 'pods' }],
    ['DELETE', '/apis/example.com/v1/namespaces/a/widgets', {}, { verb: 'deletecollection', apiGroup: 'example.com', resource: 'widgets' }],
  ])('%s %s', (method, p, query, want) => {
    expect(attributesOf(method, p, query)).toMatchObject({ resourceRequest: true, ...want });
  });
  test.each([['GET', '/api'], ['GET', '/apis/apps/v1'], ['GET', '/healthz'], ['HEAD', '/openapi/v3'], ['POST', '/version']])('%s %s is a non-resource request', (method, p) => {
    expect(attributesOf(method, p, {})).toMatchObject({ resourceRequest: false, path: p, verb: method === 'HEAD' ? 'get' : method.toLowerCase() });
  });
});
