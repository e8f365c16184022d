// /openapi/v2: one Swagger 2.0 document for every group-version, built from the same
// per-group-version documents as /openapi/v3 (their paths and schemas converted), served as
// JSON or as gnostic protobuf (kubectl ≤1.28 reads only the protobuf form for validation,
// explain and diff, and 1.29+ falls back to it). Negotiation, ETag and caching as kube-openapi.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { groupVersions } from './discovery';
import { openApiV3Document } from './openapi';
import { toGnosticDocument } from './openapi-v2-gnostic';
import { gnosticRoot } from './proto';

type Json = Record<string, unknown>;

const v3Ref = '#/components/schemas/';

/** Rewrites `$ref`s to v2's `#/definitions/`, and OpenAPI 3 schema forms to Swagger 2.0's. */
export const toV2Schema = (s: unknown): unknown => {
  if (Array.isArray(s)) return s.map(toV2Schema);
  if (typeof s !== 'object' || s === null) return s;
  const src = s as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.startsWith(v3Ref) ? `#/definitions/${v.slice(v3Ref.length)}` : v;
    else if (k === 'anyOf') continue; // Swagger 2.0 has no anyOf: the schema stays untyped (any value).
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, toV2Schema(ps)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = typeof v === 'boolean' ? v : toV2Schema(v);
    else out[k] = v;
  }
  // IntOrString and Quantity are typed string in upstream's v2 documents.
  if (src['x-kubernetes-int-or-string'] === true && out.type === undefined) Object.assign(out, { type: 'string', format: 'int-or-string' });
  return out;
};

const firstContent = (content: unknown): { types: string[]; schema?: unknown } => {
  const entries = Object.entries((content ?? {}) as Record<string, { schema?: unknown }>);
  return { types: entries.map(([t]) => t), schema: entries[0]?.[1].schema };
};

const v2Parameter = (p: Json): Json => {
  const schema = (p.schema ?? {}) as Json;
  return {
    name: p.name, in: p.in, ...(p.description ? { description: p.description } : {}), ...(p.required ? { required: true } : {}),
    type: schema.type ?? 'string', ...(schema.uniqueItems ? { uniqueItems: true } : {}),
  };
};

const v2Operation = (op: Json): Json => {
  const out: Json = {};
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v;
  const params = ((op.parameters ?? []) as Json[]).map(v2Parameter);
  const body = op.requestBody as Json | undefined;
  let consumes = ['*/*'];
  if (body) {
    const c = firstContent(body.content);
    consumes = c.types;
    params.push({ name: 'body', in: 'body', required: true, schema: toV2Schema(c.schema ?? { type: 'object' }) });
  }
  const responses: Json = {};
  let produces: string[] = [];
  for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
    const c = firstContent(r.content);
    if (c.types.length > produces.length) produces = c.types;
    responses[code] = { description: r.description ?? '', ...(c.schema ? { schema: toV2Schema(c.schema) } : {}) };
  }
  return { consumes, produces: produces.length ? produces : ['application/json'], schemes: ['https'], parameters: params, responses, ...out };
};

const verbs = ['get', 'put', 'post', 'delete', 'patch'];

const v2PathItem = (item: Json): Json => {
  const out: Json = {};
  if (Array.isArray(item.parameters) && item.parameters.length > 0) out.parameters = (item.parameters as Json[]).map(v2Parameter);
  for (const verb of verbs) if (item[verb]) out[verb] = v2Operation(item[verb] as Json);
  return out;
};

/** The Swagger 2.0 document (JSON form). */
export const openApiV2Document = (): Json => {
  const paths: Json = {};
  const definitions: Json = {};
  for (const g of groupVersions()) {
    for (const v of g.versions) {
      const doc = openApiV3Document(g.group, v);
      if (!doc) continue;
      for (const [p, item] of Object.entries(doc.paths as Json)) paths[p] = v2PathItem(item as Json);
      const schemas = (doc.components as { schemas: Json }).schemas;
      for (const [name, s] of Object.entries(schemas)) definitions[name] = toV2Schema(s);
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths, definitions };
};

interface Encoded { body: Buffer; gzip: Buffer; etag: string }

const encoded = (body: Buffer): Encoded => ({
  body, gzip: gzipSync(body), etag: JSON.stringify(createHash('sha512').update(body).digest('hex').toUpperCase()),
});

export interface OpenApiV2 { json: Encoded; proto: Encoded; lastModified: Date }

export const buildOpenApiV2 = (now = new Date()): OpenApiV2 => {
  const doc = openApiV2Document();
  const root = gnosticRoot();
  const type = root.lookupType('openapi.v2.Document');
  // encode takes the plain object as is (its shape is the message's): fromObject would double the time.
  const proto = Buffer.from(type.encode(toGnosticDocument(doc)).finish());
  return { json: encoded(Buffer.from(JSON.stringify(doc))), proto: encoded(proto), lastModified: now };
};

export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

// kube-openapi's table: the Accept subtypes it serves and the Content-Type it answers with.
const accepted: Array<{ subtype: string; contentType: string; proto: boolean }> = [
  { subtype: 'json', contentType: 'application/json', proto: false },
  { subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', contentType: openApiV2ProtobufType, proto: true },
  { subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', contentType: openApiV2ProtobufType, proto: true },
];

/** The first Accept clause (in order) that names a served form; `*\/*` or no header means JSON. */
export const negotiateOpenApiV2 = (accept: string | undefined): (typeof accepted)[number] | undefined => {
  for (const clause of (accept?.trim() || '*/*').split(',')) {
    const [type, subtype] = clause.split(';')[0].trim().toLowerCase().split('/');
    if (type !== '*' && type !== 'application') continue;
    const hit = accepted.find((a) => subtype === '*' || a.subtype === subtype);
    if (hit) return hit;
  }
  return undefined;
};

/** The express handler; the document is built on the first request (it only changes with the code). */
export const openApiV2Handler = () => {
  let built: OpenApiV2 | undefined;
  return (req: Request, res: Response): void => {
    const form = negotiateOpenApiV2(req.headers.accept);
    res.set('Vary', 'Accept');
    if (!form) {
      res.status(406).type('text/plain').send(`none of the accepted types are served: ${req.headers.accept ?? ''}`);
      return;
    }
    built ??= buildOpenApiV2();
    const e = form.proto ? built.proto : built.json;
    res.set({ ETag: e.etag, 'Cache-Control': 'no-cache, private', 'Last-Modified': built.lastModified.toUTCString() });
    res.setHeader('Content-Type', form.contentType); // exactly, as kube-openapi (express's res.set would add a charset)
    const match = req.headers['if-none-match'];
    if (match && (match === '*' || match.split(',').map((m) => m.trim().replace(/^W\//, '')).includes(e.etag))) {
      res.status(304).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.set('Content-Encoding', 'gzip');
    res.status(200).end(gzip ? e.gzip : e.body);
  };
};
