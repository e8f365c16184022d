// Parses a resource URL into what the handlers need (apiserver's RequestInfoFactory):
// /api/v1/namespaces/<ns>/<plural>[/<name>[/<sub>]], /apis/<g>/<v>/<plural>[/<name>[/<sub>]].
import { findResource, type ResourceInfo } from '../../api/resources';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  verb: Verb;
  group: string;
  version: string;
  resource: ResourceInfo;
  /** '' for cluster-scoped resources and all-namespace lists. */
  namespace: string;
  name: string;
  subresource: string;
  /** For `proxy`: what follows `/proxy` in the URL, still percent-encoded ('' when nothing does). */
  proxyPath?: string;
}

/** Discovery and other non-resource paths under /api and /apis. */
export interface GroupPath { group: string; version: string }

// namespaces/<name>/status and /finalize are subresources of the namespace itself.
const namespaceSubresources = new Set(['status', 'finalize']);

const isWatch = (query: Record<string, unknown>): boolean => {
  const w = query.watch;
  return w === 'true' || w === '1';
};

const verbFor = (method: string, hasName: boolean, query: Record<string, unknown>): Verb | undefined => {
  switch (method) {
    case 'GET': case 'HEAD':
      if (isWatch(query)) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return hasName ? 'delete' : 'deletecollection';
    default: return undefined;
  }
};

/** A path segment, percent-decoded; undefined for a malformed escape (`%`, `%ff`), which names nothing. */
const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch (err) {
    if (err instanceof URIError) return undefined;
    throw err;
  }
};

/** Splits `/api/v1/...` or `/apis/<g>/<v>/...` into group, version and the rest. */
export const splitApiPath = (path: string): { group: string; version: string; rest: string[] } | undefined => {
  const decoded = path.split('/').filter((p) => p !== '').map(decodeSegment);
  if (decoded.some((p) => p === undefined)) return undefined;
  const parts = decoded as string[];
  if (parts[0] === 'api' && parts.length >= 2) return { group: '', version: parts[1], rest: parts.slice(2) };
  if (parts[0] === 'apis' && parts.length >= 3) return { group: parts[1], version: parts[2], rest: parts.slice(3) };
  return undefined;
};

/** Returns undefined when the path does not name a served resource (the caller answers 404). */
export const parseRequestInfo = (method: string, path: string, query: Record<string, unknown>): RequestInfo | undefined => {
  const split = splitApiPath(path);
  if (!split || split.rest.length === 0) return undefined;
  let rest = split.rest;
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [plural, name = '', subresource = '', ...extra] = rest;
  if (subresource === 'proxy') return proxyRequest(method, path, split, namespace, plural, name);
  if (extra.length > 0) return undefined;
  const resource = findResource(split.group, split.version, plural);
  if (!resource) return undefined;
  if (plural === 'namespaces' && rest !== split.rest) return undefined;
  if (resource.plural === 'namespaces') {
    // /api/v1/namespaces/<name>[/status]: the namespace segment was the object's own name.
    return finish(method, split, resource, '', rest.length === 1 ? '' : rest[1], rest[2] ?? '', query);
  }
  if (!resource.namespaced && namespace) return undefined;
  if (subresource && !resource.subresources.includes(subresource)) return undefined;
  return finish(method, split, resource, namespace, name, subresource, query);
};

// /…/<plural>/<name>/proxy[/<path>]: the rest of the raw path goes to the proxied server as it is.
const proxyTail = /^(?:\/api\/[^/]+|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/[^/]+)?\/[^/]+\/[^/]+\/proxy(\/.*)?$/;
const proxyVerbs: Record<string, Verb> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** A proxy request: the HTTP method is the verb (upstream's connect verbs), whatever the query says. */
const proxyRequest = (method: string, path: string, split: GroupPath, namespace: string, plural: string, name: string): RequestInfo | undefined => {
  const resource = findResource(split.group, split.version, plural);
  const verb = proxyVerbs[method];
  const tail = proxyTail.exec(path);
  if (!resource?.subresources.includes('proxy') || !verb || !name || !tail || resource.namespaced !== (namespace !== '')) return undefined;
  return { verb, group: split.group, version: split.version, resource, namespace, name, subresource: 'proxy', proxyPath: tail[1] ?? '' };
};

const finish = (method: string, split: GroupPath, resource: ResourceInfo, namespace: string, name: string,
  subresource: string, query: Record<string, unknown>): RequestInfo | undefined => {
  if (subresource && !resource.subresources.includes(subresource)) return undefined;
  const verb = verbFor(method, name !== '', query);
  if (!verb) return undefined;
  return { verb, group: split.group, version: split.version, resource, namespace, name, subresource };
};
