// Server-side apply: PATCH with application/apply-patch+yaml. The body (YAML or JSON) is the
// applier's full intent; it is merged into the live object by the schema's list semantics,
// fields the applier dropped are removed, other managers' fields conflict (409) unless
// force=true, and a missing object is created (201). dryRun=All computes everything and
// stores nothing (kubectl diff --server-side).
import type { Request, Response } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import { apiVersionOf, type ResourceInfo } from '../../../api/resources';
import { badRequest, conflict, isAlreadyExists, isNotFound } from '../../apimachinery/errors';
import { parseYamlDocuments, YamlError } from '../../apimachinery';
import { trackApply, type FieldManagerScope } from '../../apimachinery/managed-fields';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { checkSchema, fieldValidationOf, isDryRun, type FieldValidation } from './body';
import { groupResource, queryOf, queryString, withTypeMeta } from './common';
import { fieldManagerCauses, invalidOptions, scopeOf } from './field-manager';
import { sendJson } from './respond';
import { createObject, modifiedMessage, placeInNamespace, updateWith, warnInto } from './write';

interface ApplyRequest { manager: string; force: boolean; dryRun: boolean; mode: FieldValidation; config: ApiObject; scope: FieldManagerScope }

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ValidatePatchOptions for apply: fieldManager is required; force is a boolean. */
export const applyOptionsOf = (q: Record<string, unknown>): { manager: string; force: boolean } => {
  const manager = queryString(q, 'fieldManager') ?? '';
  const causes = manager === ''
    ? [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]
    : fieldManagerCauses(manager);
  if (causes.length > 0) throw invalidOptions('PatchOptions', causes);
  const force = queryString(q, 'force');
  if (force !== undefined && !['true', 'false', '1', '0', ''].includes(force)) throw badRequest(`invalid boolean value for force: ${JSON.stringify(force)}`);
  return { manager, force: force === 'true' || force === '1' };
};

export const decodeApplyYaml = (req: Request): unknown => {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  if (raw.trim() === '') throw badRequest('the body of a patch must not be empty');
  try {
    return parseYamlDocuments(raw)[0];
  } catch (err) {
    if (err instanceof YamlError) throw badRequest(`error decoding YAML: ${err.message}`);
    throw err;
  }
};

const gvkOf = (apiVersion: unknown, kind: unknown): string => {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  return `${av.includes('/') ? av : `/${av}`}, Kind=${typeof kind === 'string' ? kind : ''}`;
};

/** The applied configuration: an object of the endpoint's kind, naming the URL's object. */
const configOf = (ctx: HandlerContext, ri: RequestInfo, req: Request): ApiObject => {
  const info: ResourceInfo = ri.resource;
  const body = decodeApplyYaml(req);
  if (!isMap(body)) throw badRequest(`error decoding YAML: the applied configuration must be an object, got ${JSON.stringify(body)}`);
  if (body.apiVersion !== apiVersionOf(info) || body.kind !== info.kind) throw badRequest(`invalid object type: ${gvkOf(body.apiVersion, body.kind)}`);
  const config = body as unknown as ApiObject;
  if (!isMap(config.metadata)) config.metadata = {};
  if (config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const name = config.metadata.name ?? ri.name;
  if (name !== ri.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${ri.name})`);
  config.metadata.name = name;
  placeInNamespace(ri, config);
  const unknown = ctx.validate(info, config).unknownFields;
  if (unknown.length > 0) {
    throw badRequest(`failed to create typed patch object (${gvkOf(config.apiVersion, config.kind)}): ${unknown.map((f) => `.${f}: field not declared in schema`).join('\n')}`);
  }
  return config;
};

const applyToExisting = async (ctx: HandlerContext, ri: RequestInfo, a: ApplyRequest, res: Response): Promise<ApiObject> => {
  const mutate = (cur: ApiObject): ApiObject => {
    const rv = a.config.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict(groupResource(ri.resource), ri.name, modifiedMessage);
    const out = trackApply(a.scope, cur, a.config, a.manager, a.force);
    const obj = checkSchema(ctx, ri.resource, out.object, a.mode, res);
    return { ...obj, metadata: { ...obj.metadata, managedFields: out.managedFields } };
  };
  return updateWith(ctx, ri, mutate, undefined, a.dryRun, (_cur, _next, requested) => requested, warnInto(res));
};

const applyToMissing = async (ctx: HandlerContext, ri: RequestInfo, a: ApplyRequest, res: Response): Promise<ApiObject> => {
  const out = trackApply(a.scope, undefined, a.config, a.manager, a.force);
  return createObject(ctx, ri, structuredClone(out.object), res, { dryRun: a.dryRun, mode: a.mode, track: () => out.managedFields });
};

export const handleApply = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const { manager, force } = applyOptionsOf(q);
  const a: ApplyRequest = {
    manager, force, dryRun: isDryRun(q), mode: fieldValidationOf(q), config: configOf(ctx, ri, req), scope: scopeOf(ctx, ri),
  };
  // A create can race with another writer (AlreadyExists) and an update with a delete (NotFound): one retry each way.
  for (let attempt = 0; ; attempt++) {
    try {
      sendJson(res, 200, withTypeMeta(ri.resource, await applyToExisting(ctx, ri, a, res)));
      return;
    } catch (err) {
      if (!isNotFound(err) || ri.subresource || attempt > 0) throw err;
    }
    try {
      sendJson(res, 201, await applyToMissing(ctx, ri, a, res));
      return;
    } catch (err) {
      if (!isAlreadyExists(err) || attempt > 0) throw err;
    }
  }
};
