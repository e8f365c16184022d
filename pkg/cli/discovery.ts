// Server discovery as kubectl reads it: aggregated /api and /apis (apidiscovery.k8s.io/v2),
// falling back to the legacy APIVersions/APIGroupList + per-version APIResourceList.
import type { Client } from '../client/types';

export interface DiscoveredResource {
  name: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
}

export interface Discovery {
  /** `v1`, `apps/v1`… in server order (core first). */
  groupVersions: string[];
  resources: DiscoveredResource[];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface AggregatedList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version: string; resources?: {
    resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[]; shortNames?: string[]; categories?: string[];
  }[] }[] }[];
  versions?: string[];
  groups?: { name: string; versions: { groupVersion: string }[]; preferredVersion?: { groupVersion: string } }[];
}

interface ResourceList { resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[]; shortNames?: string[]; categories?: string[] }[] }

const fromAggregated = (list: AggregatedList, out: Discovery): void => {
  for (const item of list.items ?? []) {
    const group = item.metadata?.name ?? '';
    for (const v of item.versions ?? []) {
      out.groupVersions.push(group ? `${group}/${v.version}` : v.version);
      for (const r of v.resources ?? []) {
        out.resources.push({
          name: r.resource, group, version: v.version, kind: r.responseKind?.kind ?? '', namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [], shortNames: r.shortNames ?? [], categories: r.categories ?? [],
        });
      }
    }
  }
};

const legacyVersion = async (client: Client, path: string, group: string, version: string, out: Discovery): Promise<void> => {
  out.groupVersions.push(group ? `${group}/${version}` : version);
  const list = await client.request<ResourceList>('GET', path);
  for (const r of list.resources ?? []) {
    if (r.name.includes('/')) continue;
    out.resources.push({ name: r.name, group, version, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [], shortNames: r.shortNames ?? [], categories: r.categories ?? [] });
  }
};

export const discover = async (client: Client): Promise<Discovery> => {
  const out: Discovery = { groupVersions: [], resources: [] };
  for (const root of ['/api', '/apis']) {
    const body = await client.request<AggregatedList>('GET', root, { accept: AGGREGATED });
    if (body.kind === 'APIGroupDiscoveryList') {
      fromAggregated(body, out);
    } else if (root === '/api') {
      for (const v of body.versions ?? []) await legacyVersion(client, `/api/${v}`, '', v, out);
    } else {
      for (const g of body.groups ?? []) {
        for (const v of g.versions) await legacyVersion(client, `/apis/${v.groupVersion}`, g.name, v.groupVersion.split('/')[1], out);
      }
    }
  }
  return out;
};
