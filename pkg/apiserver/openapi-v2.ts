// /openapi/v2: one Swagger 2.0 document for every group-version, built from the same
// per-group-version documents as /openapi/v3 (their paths and schemas converted), served as
// JSON or as gnostic protobuf (kubectl ≤1.28 reads only the protobuf form for validation,
// explain and diff, and 1.29+ falls back to it). Negotiation, ETag and caching as kube-openapi.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import protobuf from 'protobufjs';
import { groupVersions } from './discovery';
import { openApiV3Document } from './openapi';
import { gnosticPathItem, gnosticSchema } from './openapi-v2-gnostic';
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

const addGroupVersion = (group: string, version: string, paths: Json, definitions: Json): void => {
  const doc = openApiV3Document(group, version);
  if (!doc) return;
  for (const [p, item] of Object.entries(doc.paths as Json)) paths[p] = v2PathItem(item as Json);
  const schemas = (doc.components as { schemas: Json }).schemas;
  for (const [name, s] of Object.entries(schemas)) definitions[name] = toV2Schema(s);
};

const document = (paths: Json, definitions: Json): Json => ({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths, definitions });

/** The Swagger 2.0 document (JSON form). */
export const openApiV2Document = (): Json => {
  const paths: Json = {};
  const definitions: Json = {};
  for (const g of groupVersions()) for (const v of g.versions) addGroupVersion(g.group, v, paths, definitions);
  return document(paths, definitions);
};

const yieldToLoop = () => new Promise<void>((resolve) => { setImmediate(resolve); });

/**
 * Maps items, yielding to the event loop every ~10 ms: building the document takes ~0.5 s of
 * CPU, which must not stall watches and requests when an old kubectl first asks for it.
 */
const chunked = async <T, R>(items: T[], fn: (item: T) => R): Promise<R[]> => {
  const out: R[] = [];
  let since = Date.now();
  for (const item of items) {
    out.push(fn(item));
    if (Date.now() - since > 10) {
      await yieldToLoop();
      since = Date.now();
    }
  }
  return out;
};

const lengthDelimited = (w: protobuf.Writer, id: number, bytes: Uint8Array): protobuf.Writer => w.uint32((id << 3) | 2).bytes(bytes);

/** The gnostic Document, encoded entry by entry (byte for byte what encoding it whole gives). */
export const encodeGnosticDocument = async (doc: Json): Promise<Buffer> => {
  const root = gnosticRoot();
  const namedPath = root.lookupType('openapi.v2.NamedPathItem');
  const namedSchema = root.lookupType('openapi.v2.NamedSchema');
  const paths = await chunked(Object.entries(doc.paths as Json), ([name, item]) => namedPath.encode({ name, value: gnosticPathItem(item as Json) }).finish());
  const defs = await chunked(Object.entries(doc.definitions as Json), ([name, v]) => namedSchema.encode({ name, value: gnosticSchema(v as Json) }).finish());
  const pathsMsg = protobuf.Writer.create();
  for (const p of paths) lengthDelimited(pathsMsg, 2, p);
  const defsMsg = protobuf.Writer.create();
  for (const d of defs) lengthDelimited(defsMsg, 1, d);
  const w = protobuf.Writer.create().uint32((1 << 3) | 2).string(String(doc.swagger));
  lengthDelimited(w, 2, root.lookupType('openapi.v2.Info').encode(doc.info as Json).finish());
  lengthDelimited(w, 8, pathsMsg.finish());
  lengthDelimited(w, 9, defsMsg.finish());
  return Buffer.from(w.finish());
};

interface Encoded { body: Buffer; gzip: Buffer; etag: string }

const encoded = (body: Buffer): Encoded => ({
  body, gzip: gzipSync(body), etag: JSON.stringify(createHash('sha512').update(body).digest('hex').toUpperCase()),
});

export interface OpenApiV2 { json: Encoded; proto: Encoded; lastModified: Date }

export const buildOpenApiV2 = async (now = new Date()): Promise<OpenApiV2> => {
  const paths: Json = {};
  const definitions: Json = {};
  const gvs = groupVersions().flatMap((g) => g.versions.map((v) => [g.group, v] as const));
  await chunked(gvs, ([g, v]) => addGroupVersion(g, v, paths, definitions));
  const doc = document(paths, definitions);
  const proto = await encodeGnosticDocument(doc);
  await yieldToLoop();
  const json = encoded(Buffer.from(JSON.stringify(doc)));
  await yieldToLoop();
  return { json, proto: encoded(proto), lastModified: now };
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
  let built: Promise<OpenApiV2> | undefined;
  const serve = (req: Request, res: Response, form: (typeof accepted)[number], doc: OpenApiV2): void => {
    const e = form.proto ? doc.proto : doc.json;
    res.set({ ETag: e.etag, 'Cache-Control': 'no-cache, private', 'Last-Modified': doc.lastModified.toUTCString() });
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
  return (req: Request, res: Response, next: NextFunction): void => {
    const form = negotiateOpenApiV2(req.headers.accept);
    res.set('Vary', 'Accept');
    if (!form) {
      res.status(406).type('text/plain').send(`none of the accepted types are served: ${req.headers.accept ?? ''}`);
      return;
    }
    built ??= buildOpenApiV2();
    built.then((doc) => serve(req, res, form, doc), (err: unknown) => {
      built = undefined;
      next(err);
    });
  };
};
