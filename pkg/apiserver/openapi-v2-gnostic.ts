// Swagger 2.0 JSON → gnostic's OpenAPIv2 message objects (pkg/apiserver/proto/gnostic.ts), as
// gnostic's compiler builds them: `x-` keys become vendor extensions holding their value as YAML
// (JSON is YAML, and what kube-openapi's VendorExtensionToMap unmarshals), maps become
// repeated named pairs, and an object schema with properties always carries a Properties
// message (kube-openapi tells a Kind from a Map by its presence).
type Json = Record<string, unknown>;

const any = (v: unknown) => ({ yaml: JSON.stringify(v) });

const vendorExtensions = (o: Json) =>
  Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, v]) => ({ name, value: any(v) }));

const numberKeys: Record<string, string> = {
  maximum: 'maximum', minimum: 'minimum', maxLength: 'maxLength', minLength: 'minLength', maxItems: 'maxItems', minItems: 'minItems',
};

export const gnosticSchema = (s: Json): Json => {
  const out: Json = {};
  if (typeof s.$ref === 'string') out.ref = s.$ref;
  for (const k of ['format', 'title', 'description', 'pattern'] as const) if (typeof s[k] === 'string') out[k] = s[k];
  for (const [k, target] of Object.entries(numberKeys)) if (typeof s[k] === 'number') out[target] = s[k];
  if (s.uniqueItems === true) out.uniqueItems = true;
  if (s.readOnly === true) out.readOnly = true;
  if (s.default !== undefined) out.default = any(s.default);
  if (Array.isArray(s.enum)) out.enum = s.enum.map(any);
  if (Array.isArray(s.required) && s.required.length > 0) out.required = s.required;
  if (typeof s.type === 'string') out.type = { value: [s.type] };
  if (s.items && typeof s.items === 'object') out.items = { schema: [gnosticSchema(s.items as Json)] };
  if (s.properties && typeof s.properties === 'object') {
    out.properties = { additionalProperties: Object.entries(s.properties as Json).map(([name, v]) => ({ name, value: gnosticSchema(v as Json) })) };
  }
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = { boolean: s.additionalProperties };
  else if (s.additionalProperties && typeof s.additionalProperties === 'object') out.additionalProperties = { schema: gnosticSchema(s.additionalProperties as Json) };
  const ext = vendorExtensions(s);
  if (ext.length > 0) out.vendorExtension = ext;
  return out;
};

const gnosticParameter = (p: Json): Json => {
  if (p.in === 'body') {
    return { parameter: { bodyParameter: { name: p.name, in: 'body', required: p.required === true, schema: gnosticSchema(p.schema as Json) } } };
  }
  const sub = {
    name: p.name, in: p.in, type: p.type ?? 'string',
    ...(p.description ? { description: p.description } : {}), ...(p.required ? { required: true } : {}), ...(p.uniqueItems ? { uniqueItems: true } : {}),
  };
  return { parameter: { nonBodyParameter: p.in === 'path' ? { pathParameterSubSchema: sub } : { queryParameterSubSchema: sub } } };
};

const gnosticOperation = (op: Json): Json => ({
  ...(op.description ? { description: op.description } : {}),
  consumes: op.consumes ?? [], produces: op.produces ?? [], schemes: op.schemes ?? [],
  parameters: ((op.parameters ?? []) as Json[]).map(gnosticParameter),
  responses: {
    responseCode: Object.entries((op.responses ?? {}) as Record<string, Json>).map(([name, r]) => ({
      name, value: { response: { description: r.description ?? '', ...(r.schema ? { schema: { schema: gnosticSchema(r.schema as Json) } } : {}) } },
    })),
  },
  vendorExtension: vendorExtensions(op),
});

export const gnosticPathItem = (item: Json): Json => {
  const out: Json = {};
  for (const verb of ['get', 'put', 'post', 'delete', 'patch']) if (item[verb]) out[verb] = gnosticOperation(item[verb] as Json);
  if (Array.isArray(item.parameters)) out.parameters = (item.parameters as Json[]).map(gnosticParameter);
  return out;
};

export const toGnosticDocument = (doc: Json): Json => ({
  swagger: doc.swagger,
  info: doc.info,
  paths: { path: Object.entries(doc.paths as Json).map(([name, item]) => ({ name, value: gnosticPathItem(item as Json) })) },
  definitions: {
    additionalProperties: Object.entries(doc.definitions as Json).map(([name, s]) => ({ name, value: gnosticSchema(s as Json) })),
  },
});
