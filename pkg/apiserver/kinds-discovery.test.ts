// Every kind of api/resources.ts shows up in aggregated discovery and in /openapi/v3 with its
// x-kubernetes-group-version-kind (what `kubectl apply --prune` and `kubectl explain` need).
import { resources, apiVersionOf } from '../../api/resources';
import { aggregatedDiscovery } from './discovery';
import { buildOpenApiV3 } from './openapi';

type Gvk = { group: string; version: string; kind: string };
interface Doc { paths: Record<string, Record<string, { 'x-kubernetes-group-version-kind'?: Gvk }>>; components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: Gvk[]; properties?: Record<string, unknown> }> } }

describe('every served kind', () => {
  const v3 = buildOpenApiV3();
  const docOf = (group: string, version: string): Doc => JSON.parse(v3.docs.get(group ? `apis/${group}/${version}` : `api/${version}`)?.body ?? '{}') as Doc;

  it.each(resources.map((r) => [`${r.plural}.${r.group || 'core'}`, r]))('%s is in aggregated discovery', (_n, r) => {
    const doc = aggregatedDiscovery(r.group === '', 'v2');
    const group = doc.items.find((i) => (r.group === '' ? true : i.metadata.name === r.group));
    const entry = group?.versions.find((v) => v.version === r.version)?.resources.find((x) => x.resource === r.plural && x.responseKind.kind === r.kind);
    expect(entry).toMatchObject({ scope: r.namespaced ? 'Namespaced' : 'Cluster', singularResource: r.singular });
    expect(entry?.subresources.map((s) => s.subresource)).toEqual(r.subresources);
  });

  it.each(resources.map((r) => [`${r.plural}.${r.group || 'core'}`, r]))('%s has an openapi v3 schema and paths with its GVK', (_n, r) => {
    const doc = docOf(r.group, r.version);
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const schema = Object.values(doc.components.schemas).find((s) => s['x-kubernetes-group-version-kind']?.some((g) => g.kind === r.kind && g.group === r.group));
    expect(schema?.properties).toHaveProperty('metadata');
    const root = r.group ? `/apis/${apiVersionOf(r)}` : `/api/${r.version}`;
    const item = `${root}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    expect(doc.paths[item]?.patch?.['x-kubernetes-group-version-kind']).toEqual(gvk);
  });

  const at = (o: unknown, ...keys: string[]): Record<string, unknown> =>
    keys.reduce<Record<string, unknown>>((x, k) => (x[k] ?? {}) as Record<string, unknown>, o as Record<string, unknown>);

  it('keeps strategic-merge metadata from upstream (containers by name, service ports by port)', () => {
    const deploy = docOf('apps', 'v1').components.schemas['io.k8s.api.apps.v1.Deployment'];
    const containers = at(deploy, 'properties', 'spec', 'properties', 'template', 'properties', 'spec', 'properties', 'containers');
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    const svc = docOf('', 'v1').components.schemas['io.k8s.api.core.v1.Service'];
    const ports = at(svc, 'properties', 'spec', 'properties', 'ports');
    expect(ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-list-map-keys': ['port', 'protocol'] });
  });
});
