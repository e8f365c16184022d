import { resources } from '../../api/resources';
import { buildOpenApiV2, negotiateOpenApiV2, openApiV2Document, openApiV2ProtobufType, type OpenApiV2 } from './openapi-v2';
import { toGnosticDocument } from './openapi-v2-gnostic';
import { gnosticRoot } from './proto';

type Json = Record<string, unknown>;

interface NamedAny { name: string; value: { yaml: string } }
interface Param { parameter?: { nonBodyParameter?: { queryParameterSubSchema?: { name: string } }; bodyParameter?: { name: string } } }
interface Op { vendorExtension?: NamedAny[]; parameters?: Param[] }
interface Doc {
  swagger: string;
  paths: { path: Array<{ name: string; value: Record<string, Op> }> };
  definitions: { additionalProperties: Array<{ name: string; value: Json & { vendorExtension?: NamedAny[]; properties?: Json } }> };
}

describe('openapi v2', () => {
  const type = gnosticRoot().lookupType('openapi.v2.Document');
  let built: OpenApiV2;
  let doc: Doc;
  beforeAll(async () => {
    built = await buildOpenApiV2();
    doc = type.toObject(type.decode(built.proto.body), { defaults: false, arrays: true }) as unknown as Doc;
  });

  it('is encoded entry by entry exactly as protobufjs encodes the whole Document', () => {
    expect(built.proto.body.equals(Buffer.from(type.encode(toGnosticDocument(openApiV2Document())).finish()))).toBe(true);
    expect(JSON.parse(built.json.body.toString())).toEqual(openApiV2Document());
  });

  it('is a gnostic Document with a definition per kind, found by x-kubernetes-group-version-kind', () => {
    expect(doc.swagger).toBe('2.0');
    const gvks = doc.definitions.additionalProperties.flatMap((d) => (d.value.vendorExtension ?? [])
      .filter((e) => e.name === 'x-kubernetes-group-version-kind')
      .flatMap((e) => JSON.parse(e.value.yaml) as Array<{ group: string; version: string; kind: string }>));
    for (const r of resources) expect(gvks).toContainEqual({ group: r.group, version: r.version, kind: r.kind });
    const pod = doc.definitions.additionalProperties.find((d) => d.name === 'io.k8s.api.core.v1.Pod');
    expect(pod?.value).toMatchObject({ type: { value: ['object'] }, properties: { additionalProperties: expect.arrayContaining([expect.objectContaining({ name: 'spec' })]) } });
  });

  it('lists fieldValidation on every PATCH, so kubectl 1.27 validates on the server', () => {
    const deployment = doc.paths.path.find((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
    const patch = deployment?.value.patch;
    expect(patch?.vendorExtension).toContainEqual({ name: 'x-kubernetes-group-version-kind', value: { yaml: '{"group":"apps","version":"v1","kind":"Deployment"}' } });
    const names = (patch?.parameters ?? []).map((p) => p.parameter?.nonBodyParameter?.queryParameterSubSchema?.name ?? p.parameter?.bodyParameter?.name);
    expect(names).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force', 'body']));
    for (const p of doc.paths.path) {
      // Connect operations (pods/proxy…) take what they forward, as upstream's.
      if (!p.value.patch || /\/proxy(\/|$)/.test(p.name)) continue;
      const q = (p.value.patch.parameters ?? []).map((x) => x.parameter?.nonBodyParameter?.queryParameterSubSchema?.name);
      expect(q).toContain('fieldValidation');
    }
  });

  it('carries strategic-merge metadata and int-or-string as upstream', () => {
    const json = openApiV2Document() as { definitions: Record<string, { properties: Record<string, Json> }> };
    const podSpec = json.definitions['io.k8s.api.core.v1.Pod'].properties.spec as { properties: Record<string, Json> };
    expect(podSpec.properties.containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    const svcPort = ((json.definitions['io.k8s.api.core.v1.Service'].properties.spec as { properties: Record<string, { items: { properties: Json } }> })
      .properties.ports.items.properties.targetPort);
    expect(svcPort).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(JSON.stringify(json)).not.toContain('#/components/');
  });

  it.each([
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', openApiV2ProtobufType],
    ['application/com.github.proto-openapi.spec.v2.v1.0+protobuf', openApiV2ProtobufType],
    ['application/json', 'application/json'],
    ['*/*', 'application/json'],
    [undefined, 'application/json'],
    ['text/html, application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.9', openApiV2ProtobufType],
    ['text/html', undefined],
  ])('answers Accept %s with %s', (accept, contentType) => {
    expect(negotiateOpenApiV2(accept)?.contentType).toBe(contentType);
  });

  it('has a strong ETag per form', () => {
    expect(built.proto.etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect(built.json.etag).not.toBe(built.proto.etag);
  });
});
