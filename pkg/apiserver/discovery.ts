// Discovery documents, derived from api/resources.ts: legacy (APIVersions, APIGroupList,
// APIResourceList) and aggregated (apidiscovery.k8s.io v2 / v2beta1), which kubectl ≥1.30
// asks for first. The aggregated reply must carry its exact Content-Type (kubectl-wire §4.1).
import { servedResources as resources, type ResourceInfo } from '../../api/resources';
import { metricsAggregatedGroup, metricsAPIGroup } from './metrics-api';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
// Namespaces have no deletecollection, as upstream.
const verbsOf = (r: ResourceInfo): string[] => r.verbs ?? (r.plural === 'namespaces' ? allVerbs.filter((v) => v !== 'deletecollection') : allVerbs);

interface SubresourceDoc { verbs: string[]; kind: { group: string; version: string; kind: string } }

/** The verbs and response kind of each subresource we serve. */
const subresourceDoc = (r: ResourceInfo, sub: string): SubresourceDoc => {
  const self = { group: r.group, version: r.version, kind: r.kind };
  switch (sub) {
    case 'scale': return { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } };
    case 'binding': return { verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } };
    // kubectl drain uses pods/eviction only when discovery lists it with kind Eviction in policy/v1.
    case 'eviction': return { verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } };
    case 'log': return { verbs: ['get'], kind: self };
    case 'finalize': return { verbs: ['update'], kind: self };
    case 'token': return { verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } };
    // Connect subresources: GET (WebSocket) or POST (SPDY) upgrades, as upstream lists them.
    case 'exec': return { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } };
    case 'attach': return { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodAttachOptions' } };
    case 'portforward': return { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' } };
    case 'proxy': return { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: { group: '', version: 'v1', kind: `${r.kind}ProxyOptions` } };
    default: return { verbs: ['get', 'patch', 'update'], kind: self };
  }
};

/** The distinct groups in served order, core ('') first, with their versions. */
export const groupVersions = (): Array<{ group: string; versions: string[] }> => {
  const out: Array<{ group: string; versions: string[] }> = [];
  for (const r of resources) {
    let g = out.find((x) => x.group === r.group);
    if (!g) { g = { group: r.group, versions: [] }; out.push(g); }
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return out.sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : 0));
};

const gvString = (group: string, version: string) => (group ? `${group}/${version}` : version);

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions', versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

const apiGroup = (group: string, versions: string[]) => ({
  name: group,
  versions: versions.map((v) => ({ groupVersion: gvString(group, v), version: v })),
  preferredVersion: { groupVersion: gvString(group, versions[0]), version: versions[0] },
});

export const apiGroupList = () => ({
  kind: 'APIGroupList', apiVersion: 'v1',
  groups: [...groupVersions().filter((g) => g.group !== '').map((g) => apiGroup(g.group, g.versions)), metricsAPIGroup()],
});

/** GET /apis/<g>; undefined when the group is not served. */
export const apiGroupDoc = (group: string) => {
  const g = groupVersions().find((x) => x.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.group, g.versions) } : undefined;
};

/** GET /api/v1 or /apis/<g>/<v>; undefined when the group-version is not served. */
export const apiResourceList = (group: string, version: string) => {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const entries = served.flatMap((r) => [
    {
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: verbsOf(r),
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...r.subresources.map((sub) => {
      const d = subresourceDoc(r, sub);
      return {
        name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: d.kind.kind, verbs: d.verbs,
        ...(d.kind.group !== r.group || d.kind.version !== r.version ? { group: d.kind.group, version: d.kind.version } : {}),
      };
    }),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources: entries };
};

export type DiscoveryVersion = 'v2' | 'v2beta1';

const aggregatedResource = (r: ResourceInfo) => ({
  resource: r.plural,
  responseKind: { group: r.group, version: r.version, kind: r.kind },
  scope: r.namespaced ? 'Namespaced' : 'Cluster',
  singularResource: r.singular,
  verbs: verbsOf(r),
  ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
  ...(r.categories.length ? { categories: r.categories } : {}),
  subresources: r.subresources.map((sub) => {
    const d = subresourceDoc(r, sub);
    return { subresource: sub, responseKind: d.kind, verbs: d.verbs };
  }),
});

/** The aggregated document for /api (legacy: true) or /apis. */
export const aggregatedDiscovery = (legacy: boolean, version: DiscoveryVersion) => ({
  kind: 'APIGroupDiscoveryList',
  apiVersion: `apidiscovery.k8s.io/${version}`,
  metadata: {},
  items: [...groupVersions().filter((g) => (g.group === '') === legacy).map((g) => ({
    metadata: legacy ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      freshness: 'Current',
      resources: resources.filter((r) => r.group === g.group && r.version === v).map(aggregatedResource),
    })),
  })), ...(legacy ? [] : [metricsAggregatedGroup()])],
});

export const aggregatedContentType = (version: DiscoveryVersion) =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

/** Picks the first aggregated discovery version the Accept header asks for, in its order. */
export const negotiateDiscovery = (accept: string | undefined): DiscoveryVersion | undefined => {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(part.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
    if (params.get('as') !== 'APIGroupDiscoveryList' || params.get('g') !== 'apidiscovery.k8s.io') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
};
