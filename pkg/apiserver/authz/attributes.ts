// What a request asks, for the authorizer (upstream's RequestInfoFactory + WithAuthorization).
// Resource requests the apiserver routes come parsed (RequestInfo); the rest of /api and /apis
// (the metrics API, unknown resources, which then 404) is parsed from the path the same way;
// everything else is a non-resource request whose verb is the lower-cased HTTP method.
import type { RequestInfo } from '../request-info';
import { splitApiPath } from '../request-info';
import type { Attributes } from './rbac';

const resourceVerb = (method: string, hasName: boolean, watch: boolean): string => {
  switch (method) {
    case 'GET': case 'HEAD': return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return hasName ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
};

const nonResource = (method: string, path: string): Attributes => ({
  verb: method === 'HEAD' ? 'get' : method.toLowerCase(), resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path,
});

export const attributesOf = (method: string, path: string, query: Record<string, unknown>, ri?: RequestInfo): Attributes => {
  if (ri) {
    return {
      verb: ri.verb, resourceRequest: true, apiGroup: ri.group, resource: ri.resource.plural, subresource: ri.subresource,
      name: ri.name, namespace: ri.namespace, path,
    };
  }
  const api = splitApiPath(path);
  if (!api || api.rest.length === 0) return nonResource(method, path);
  let rest = api.rest;
  let namespace = '';
  // /namespaces/<ns>/<resource>/… is namespaced; /namespaces and /namespaces/<name> are the namespaces themselves.
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name = '', subresource = ''] = rest;
  const watch = query.watch === 'true' || query.watch === '1';
  return { verb: resourceVerb(method, name !== '', watch), resourceRequest: true, apiGroup: api.group, resource, subresource, name, namespace, path };
};
