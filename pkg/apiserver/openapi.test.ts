import { openApiV3Document } from './openapi';
import { openApiV2Document } from './openapi-v2';

type Json = Record<string, unknown>;
const paths = (doc: Json | undefined) => (doc?.paths ?? {}) as Record<string, Record<string, Json>>;
const schemas = (doc: Json | undefined) => ((doc?.components as { schemas: Json } | undefined)?.schemas ?? {}) as Record<string, Json>;

describe('openapi v3', () => {
  const core = openApiV3Document('', 'v1');

  it('describes pods/eviction as a POST of policy/v1 Eviction', () => {
    const item = paths(core)['/api/v1/namespaces/{namespace}/pods/{name}/eviction'];
    expect(Object.keys(item).filter((k) => k !== 'parameters')).toEqual(['post']);
    expect(item.post).toMatchObject({
      'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': { group: 'policy', version: 'v1', kind: 'Eviction' },
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/io.k8s.api.policy.v1.Eviction' } } } },
    });
    expect(schemas(core)['io.k8s.api.policy.v1.Eviction']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'policy', version: 'v1', kind: 'Eviction' }],
      properties: { deleteOptions: expect.anything() },
    });
  });

  it('describes pods/binding as a POST of core/v1 Binding', () => {
    const item = paths(core)['/api/v1/namespaces/{namespace}/pods/{name}/binding'];
    expect(Object.keys(item).filter((k) => k !== 'parameters')).toEqual(['post']);
    expect(item.post).toMatchObject({ 'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'Binding' } });
    expect(schemas(core)['io.k8s.api.core.v1.Binding']).toMatchObject({ properties: { target: expect.anything() } });
  });

  it('describes serviceaccounts/token as a POST of TokenRequest and the reviews as create-only', () => {
    const token = paths(core)['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'];
    expect(Object.keys(token).filter((k) => k !== 'parameters')).toEqual(['post']);
    expect(token.post).toMatchObject({ 'x-kubernetes-group-version-kind': { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } });
    const byGvk = (doc: Json | undefined, kind: string) => Object.values(schemas(doc))
      .find((x) => (x['x-kubernetes-group-version-kind'] as Array<{ kind: string }> | undefined)?.[0]?.kind === kind);
    expect(byGvk(core, 'TokenRequest')).toMatchObject({ properties: { spec: expect.anything() } });
    const authz = openApiV3Document('authorization.k8s.io', 'v1');
    expect(Object.keys(paths(authz))).toEqual(['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews', '/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews']);
    expect(Object.keys(paths(authz)['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'])).toEqual(['parameters', 'post']);
    expect(byGvk(authz, 'SelfSubjectAccessReview')).toMatchObject({ properties: { spec: expect.anything(), status: expect.anything() } });
  });

  it('describes namespaces/finalize as a PUT', () => {
    expect(Object.keys(paths(core)['/api/v1/namespaces/{name}/finalize']).filter((k) => k !== 'parameters')).toEqual(['put']);
  });

  it('has an autoscaling/v1 document with the v1 HorizontalPodAutoscaler', () => {
    const doc = openApiV3Document('autoscaling', 'v1');
    expect(schemas(doc)['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' }],
    });
    expect(paths(doc)['/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}'].patch).toBeDefined();
  });
});

describe('openapi v2', () => {
  it('carries the eviction POST and both HorizontalPodAutoscaler versions', () => {
    const doc = openApiV2Document();
    const item = (doc.paths as Record<string, Record<string, Json>>)['/api/v1/namespaces/{namespace}/pods/{name}/eviction'];
    expect(item.post).toMatchObject({ 'x-kubernetes-group-version-kind': { kind: 'Eviction' },
      parameters: expect.arrayContaining([expect.objectContaining({ in: 'body', schema: { $ref: '#/definitions/io.k8s.api.policy.v1.Eviction' } })]) });
    expect(item.get).toBeUndefined();
    const defs = doc.definitions as Json;
    expect(defs).toHaveProperty(['io.k8s.api.policy.v1.Eviction']);
    expect(defs).toHaveProperty(['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler']);
    expect(defs).toHaveProperty(['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']);
  });
});
