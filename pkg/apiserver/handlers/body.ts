// Request bodies: JSON (or YAML) decoding, kind/apiVersion checks, and unknown fields handled
// per fieldValidation (Strict → 400, Warn → Warning header, Ignore → dropped), as upstream.
import type { Request, Response } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import { apiVersionOf, type ResourceInfo } from '../../../api/resources';
import { badRequest, unsupportedMediaType, invalid } from '../../apimachinery/errors';
import { exceedsDepth, maxNestingDepth, parseYamlDocuments, YamlError } from '../../apimachinery';
import type { HandlerContext } from './context';
import { decodeProtobufBody } from './protobuf';

/** Server-side apply's patch type; the body is YAML (or JSON, which is YAML). */
export const applyPatchType = 'application/apply-patch+yaml';

export const mediaType = (req: Request): string => (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();

/** Parses the raw body (express.raw) as JSON, or YAML for application/yaml. */
export const parseBody = (req: Request): unknown => {
  const buf = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const type = mediaType(req);
  if (type === 'application/vnd.kubernetes.protobuf' && buf.length > 0) return decodeProtobufBody(buf);
  const raw = buf.toString('utf8');
  if (raw.trim() === '') return undefined;
  if (type === 'application/yaml' || type === applyPatchType) {
    try {
      return parseYamlDocuments(raw)[0];
    } catch (err) {
      if (err instanceof YamlError) throw badRequest(`error decoding YAML: ${err.message}`);
      throw err;
    }
  }
  if (!type.endsWith('json') && type !== '*/*' && type !== 'text/plain') throw unsupportedMediaType(type);
  let body: unknown;
  try {
    body = JSON.parse(raw) as unknown;
  } catch (err) {
    throw badRequest(`error decoding request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (exceedsDepth(body)) throw badRequest(`error decoding request body: exceeded max depth of ${maxNestingDepth}`);
  return body;
};

/**
 * A Warning header value (RFC 7234 §5.5, as upstream's NewWarningHeader): the quoted text goes
 * out as UTF-8 bytes (Node writes header strings as latin1, and refuses characters above U+00FF
 * and control characters, which would turn a warning about a unicode field name into a 500).
 */
export const warningHeader = (text: string): string =>
  Buffer.from(`299 - ${JSON.stringify(text).replace(/\x7f/g, '\\u007f')}`, 'utf8').toString('latin1');

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const fieldValidationOf = (query: Record<string, unknown>): FieldValidation => {
  const v = query.fieldValidation;
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got ${JSON.stringify(v)}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that the body is an object of the resource's kind and apiVersion (when given). */
export const asObjectOf = (info: ResourceInfo, body: unknown): ApiObject => {
  if (!isObject(body)) throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: the body must be a JSON object`);
  const obj = body as ApiObject;
  if (obj.kind !== undefined && obj.kind !== info.kind) {
    throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(info)) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(info)})`);
  }
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj;
};

/**
 * Schema validation of a decoded object: type errors are 422 Invalid; unknown fields follow
 * fieldValidation. Returns the object to use (unknown fields dropped unless Strict rejected it).
 */
export const checkSchema = (ctx: HandlerContext, info: ResourceInfo, obj: ApiObject, mode: FieldValidation, res: Response): ApiObject => {
  // patches of bounded bodies can still build a deeper object; refuse it before anything recurses
  if (exceedsDepth(obj)) {
    throw invalid(info.kind, info.group, typeof obj.metadata.name === 'string' ? obj.metadata.name : '', [
      { reason: 'FieldValueInvalid', field: '', message: `Invalid value: the object nests deeper than ${maxNestingDepth} levels` }]);
  }
  const v = ctx.validate(info, obj);
  if (v.unknownFields.length > 0) {
    if (mode === 'Strict') {
      const list = v.unknownFields.map((f) => `unknown field "${f}"`).join(', ');
      throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${list}`);
    }
    if (mode === 'Warn') {
      res.append('Warning', v.unknownFields.map((f) => warningHeader(`unknown field ${JSON.stringify(f)}`)));
    }
  }
  if (v.causes.length > 0) throw invalid(info.kind, info.group, obj.metadata.name ?? '', v.causes);
  return v.unknownFields.length > 0 ? ctx.strip(info, obj) : obj;
};

export const isDryRun = (query: Record<string, unknown>): boolean => {
  const d = query.dryRun;
  if (d === undefined) return false;
  const values = Array.isArray(d) ? d : [d];
  if (values.some((x) => x !== 'All')) throw badRequest(`Invalid dryRun value: ${JSON.stringify(d)}; only "All" is supported`);
  return values.length > 0;
};
