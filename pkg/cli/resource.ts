// What the user typed (`po`, `rs,pods`, `pod/hello`) → resources of api/resources.ts (via resource-table.ts), and the
// REST paths and names kubectl prints for them.
import { apiVersionOf, resolveResourceName, resourceForKind, resourceTable, type ResourceInfo } from './resource-table';
import { UsageError } from './types';

export { apiVersionOf };

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** `/api/v1/namespaces/default/pods/hello/log`; namespace '' (or cluster scope) lists across all. */
export const resourcePath = (info: ResourceInfo, namespace: string, name?: string, subresource?: string): string => {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const tail = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${info.plural}${tail}`;
};

/** `pod`, `replicaset.apps`: the prefix of `pod/hello created` and of multi-kind tables. */
export const kindName = (info: ResourceInfo): string =>
  (info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase());

/** `pods`, `replicasets.apps`: the resource as Status messages name it. */
export const groupResource = (info: ResourceInfo): string => (info.group ? `${info.plural}.${info.group}` : info.plural);

export const resolveType = (typed: string): ResourceInfo => {
  const info = resolveResourceName(typed);
  if (!info) throw new UsageError(`the server doesn't have a resource type "${typed}"`);
  return info;
};

export const resourceOfObject = (apiVersion: string, kind: string): ResourceInfo | undefined => resourceForKind(apiVersion, kind);

export interface TypedNames {
  info: ResourceInfo;
  /** Empty: every object of the type. */
  names: string[];
}

/**
 * kubectl's argument forms: `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…`, grouped by type in the
 * order first named.
 */
export const parseTypeArgs = (args: string[]): TypedNames[] => {
  if (args.length === 0) throw new UsageError('you must specify the type of resource to get');
  if (args.some((a) => a.includes('/'))) {
    const groups = new Map<ResourceInfo, string[]>();
    for (const a of args) {
      const [type, name, ...rest] = a.split('/');
      if (!name || rest.length > 0) throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'berthctl get resource/<resource_name>' instead of 'berthctl get resource resource/<resource_name>'`);
      const info = resolveType(type);
      groups.set(info, [...(groups.get(info) ?? []), name]);
    }
    return [...groups].map(([info, names]) => ({ info, names }));
  }
  const [types, ...names] = args;
  // `all` is the category, as discovery's categories drive it for kubectl.
  const infos = types.split(',').filter((t) => t !== '')
    .flatMap((t) => (t === 'all' ? resourceTable().filter((r) => r.categories.includes('all')) : [resolveType(t)]));
  return [...new Set(infos)].map((info) => ({ info, names }));
};
