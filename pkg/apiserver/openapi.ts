// /openapi/v3 documents generated from the TypeBox schemas. kubectl uses them for
// `explain` (schemas found by x-kubernetes-group-version-kind), for strategic-merge metadata,
// and to detect server-side field validation: the PATCH operation of each kind must list the
// `fieldValidation` query parameter (kubectl-wire §2 --validate).
import { createHash } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import { servedResources as resources, subresourceKinds, type ResourceInfo } from '../../api/resources';
import { groupVersions } from './discovery';

type Json = Record<string, unknown>;

const copiedKeys = ['description', 'format', 'enum', 'default', 'minimum', 'maximum', 'pattern'];

/** TypeBox JSON Schema → OpenAPI 3.0 schema as kube-openapi decodes it (no null type, maps as additionalProperties). */
export const toOpenApiSchema = (s: TSchema): Json => {
  const src = s as Json;
  const out: Json = {};
  for (const k of copiedKeys) if (src[k] !== undefined) out[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (k.startsWith('x-kubernetes-')) out[k] = v;
  if (src['x-kubernetes-int-or-string']) return out;
  if (Array.isArray(src.anyOf)) {
    const members = (src.anyOf as Json[]).filter((m) => m.type !== 'null');
    if (members.length === 1) return { ...toOpenApiSchema(members[0] as TSchema), ...out };
    return { ...out, anyOf: members.map((m) => toOpenApiSchema(m as TSchema)) };
  }
  switch (src.type) {
    case 'object': return objectSchema(src, out);
    case 'array': return { ...out, type: 'array', items: toOpenApiSchema(src.items as TSchema) };
    case 'integer': return { ...out, type: 'integer', format: out.format ?? 'int64' };
    case 'string': case 'boolean': case 'number': return { ...out, type: src.type };
    default: return out;
  }
};

const objectSchema = (src: Json, out: Json): Json => {
  const pattern = src.patternProperties as Record<string, TSchema> | undefined;
  if (pattern) {
    const value = Object.values(pattern)[0];
    return { ...out, type: 'object', additionalProperties: toOpenApiSchema(value) };
  }
  const props = (src.properties ?? {}) as Record<string, TSchema>;
  const properties: Json = {};
  for (const [k, v] of Object.entries(props)) properties[k] = toOpenApiSchema(v);
  const required = src.required as string[] | undefined;
  return { ...out, type: 'object', properties, ...(required?.length ? { required } : {}) };
};

interface Gvk { group: string; version: string; kind: string }

const schemaName = (g: Gvk) => `io.k8s.api.${g.group || 'core'}.${g.version}.${g.kind}`;
const ref = (g: Gvk) => ({ $ref: `#/components/schemas/${schemaName(g)}` });
const jsonBody = (g: Gvk) => ({ content: { 'application/json': { schema: ref(g) } } });

const param = (name: string, where: 'path' | 'query', description: string) =>
  ({ name, in: where, description, ...(where === 'path' ? { required: true } : {}), schema: { type: 'string', uniqueItems: true } });

const writeParams = [
  param('dryRun', 'query', 'When present (All), nothing is persisted.'),
  param('fieldManager', 'query', 'Name of the actor making the change.'),
  param('fieldValidation', 'query', 'Ignore, Warn or Strict handling of unknown fields.'),
];

const op = (gvk: Gvk, action: string, extra: Json = {}, params: Json[] = []) => ({
  'x-kubernetes-action': action,
  'x-kubernetes-group-version-kind': gvk,
  parameters: params,
  responses: { '200': { description: 'OK', ...jsonBody(gvk) }, '401': { description: 'Unauthorized' } },
  ...extra,
});

const patchOp = (gvk: Gvk) => op(gvk, 'patch', {
  requestBody: { content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']
    .map((t) => [t, { schema: { type: 'object' } }])), required: true },
}, [...writeParams, param('force', 'query', 'Force apply requests.')]);

/** Subresources whose body is a kind of its own, defined in the document of the resource that has them. */
const bodyKinds: Record<string, { gvk: Gvk; schema: TSchema }> = {
  scale: { gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, schema: subresourceKinds.Scale },
  binding: { gvk: { group: '', version: 'v1', kind: 'Binding' }, schema: subresourceKinds.Binding },
  eviction: { gvk: { group: 'policy', version: 'v1', kind: 'Eviction' }, schema: subresourceKinds.Eviction },
  token: { gvk: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, schema: subresourceKinds.TokenRequest },
};
// Create-only subresources: a POST of their body kind (pods/binding, pods/eviction), as upstream.
const postOnly = new Set(['binding', 'eviction', 'token']);

const subresourceKind = (r: ResourceInfo, sub: string): Gvk => {
  const body = bodyKinds[sub];
  if (body) return body.gvk;
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') return { group: '', version: 'v1', kind: { exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions' }[sub] };
  if (sub === 'proxy') return { group: '', version: 'v1', kind: `${r.kind}ProxyOptions` };
  return { group: r.group, version: r.version, kind: r.kind };
};

// exec, attach and portforward upgrade the connection (WebSocket on GET, SPDY on POST).
const connectSubresources = new Set(['exec', 'attach', 'portforward']);
const connectResponse = { responses: { '101': { description: 'Switching Protocols' } } };
const proxyResponse = { responses: { '200': { description: 'What the proxied server answered.', content: { '*/*': { schema: { type: 'string' } } } } } };

const resourcePaths = (r: ResourceInfo): Json => {
  const gvk: Gvk = { group: r.group, version: r.version, kind: r.kind };
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const base = r.namespaced ? `${root}/namespaces/{namespace}/${r.plural}` : `${root}/${r.plural}`;
  const pathParams = r.namespaced ? [param('namespace', 'path', 'The namespace.')] : [];
  const item = `${base}/{name}`;
  if (r.verbs?.length === 1 && r.verbs[0] === 'create') {
    return { [base]: { parameters: pathParams, post: op(gvk, 'post', { requestBody: { ...jsonBody(gvk), required: true } }, writeParams) } };
  }
  const paths: Json = {
    [base]: { parameters: pathParams, get: op(gvk, 'list'), post: op(gvk, 'post', { requestBody: { ...jsonBody(gvk), required: true } }, writeParams) },
    [item]: {
      parameters: [...pathParams, param('name', 'path', 'The name.')],
      get: op(gvk, 'get'), put: op(gvk, 'put', { requestBody: { ...jsonBody(gvk), required: true } }, writeParams),
      patch: patchOp(gvk), delete: op(gvk, 'delete', {}, [param('dryRun', 'query', 'When present (All), nothing is persisted.')]),
    },
  };
  if (r.namespaced) paths[`${root}/${r.plural}`] = { get: op(gvk, 'list') };
  for (const sub of r.subresources) {
    const sk = subresourceKind(r, sub);
    const entry: Json = { parameters: [...pathParams, param('name', 'path', 'The name.')] };
    if (postOnly.has(sub)) {
      entry.post = op(sk, 'post', {
        requestBody: { ...jsonBody(sk), required: true },
        responses: { '200': { description: 'OK', ...jsonBody(sk) }, '201': { description: 'Created', ...jsonBody(sk) }, '401': { description: 'Unauthorized' } },
      }, writeParams);
    }
    else if (sub === 'log') entry.get = op(sk, 'connect', { responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } } });
    else if (sub === 'finalize') entry.put = op(sk, 'put', { requestBody: { ...jsonBody(sk), required: true } }, writeParams);
    else if (connectSubresources.has(sub)) Object.assign(entry, { get: op(sk, 'connect', connectResponse), post: op(sk, 'connect', connectResponse) });
    else if (sub === 'proxy') {
      // Any method goes on to the pod, service or node; the path after /proxy too.
      const proxied = Object.fromEntries(['get', 'put', 'post', 'delete', 'patch', 'head'].map((m) => [m, op(sk, 'connect', proxyResponse)]));
      Object.assign(entry, proxied);
      paths[`${item}/proxy/{path}`] = { parameters: [...pathParams, param('name', 'path', 'The name.'), param('path', 'path', 'The path to send on.')], ...proxied };
    }
    else Object.assign(entry, { get: op(sk, 'get'), put: op(sk, 'put', { requestBody: { ...jsonBody(sk), required: true } }, writeParams), patch: patchOp(sk) });
    paths[`${item}/${sub}`] = entry;
  }
  return paths;
};

const gvkOfSchema = (s: TSchema, g: Gvk): Json => ({ ...toOpenApiSchema(s), 'x-kubernetes-group-version-kind': [g] });

/** The per-group-version document. */
export const openApiV3Document = (group: string, version: string): Json | undefined => {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const schemas: Json = {};
  let paths: Json = {};
  for (const r of served) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    schemas[schemaName(gvk)] = gvkOfSchema(r.schema, gvk);
    paths = { ...paths, ...resourcePaths(r) };
    for (const sub of r.subresources) {
      const body = bodyKinds[sub];
      if (body) schemas[schemaName(body.gvk)] = gvkOfSchema(body.schema, body.gvk);
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.33.0' },
    paths,
    components: { schemas },
  };
};

export interface OpenApiV3Docs {
  /** Keyed `api/v1`, `apis/apps/v1`. */
  docs: Map<string, { body: string; hash: string }>;
  index: Json;
}

/** Builds every document once: they only change when the code does. */
export const buildOpenApiV3 = (): OpenApiV3Docs => {
  const docs = new Map<string, { body: string; hash: string }>();
  for (const g of groupVersions()) {
    for (const v of g.versions) {
      const doc = openApiV3Document(g.group, v);
      if (!doc) continue;
      const body = JSON.stringify(doc);
      const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
      docs.set(g.group ? `apis/${g.group}/${v}` : `api/${v}`, { body, hash });
    }
  }
  const paths: Json = {};
  for (const [key, d] of docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
  return { docs, index: { paths } };
};

