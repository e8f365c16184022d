// create (POST), update (PUT) and patch (PATCH) through a strategy; dryRun=All runs every step
// except the write. Every write records its manager in metadata.managedFields; PATCH with
// application/apply-patch+yaml is server-side apply (apply.ts).
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ApiObject, ManagedFieldsEntry, StatusCause } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { badRequest, conflict, invalid, unsupportedMediaType } from '../../apimachinery/errors';
import {
  applyJsonPatch, applyMergePatch, applyStrategicMergePatch, generateName, validateDNS1123Label, validateDNS1123Subdomain,
} from '../../apimachinery';
import type { Preconditions } from '../../storage';
import type { RequestInfo } from '../request-info';
import { admitPodSecurity } from '../admission/pod-security/admission';
import { podSecurityUpdate } from '../admission/pod-security/update';
import { evaluatorFor } from '../../apimachinery/quota';
import { admitCreate, admitDefaultStorageClass, admitLimitRanges, admitResourceQuota, admitServiceAccount, admitServiceAccountToken } from '../admission';
import { strategyFor, withRequester, type Strategy } from '../registry';
import { requester } from '../authn';
import type { HandlerContext } from './context';
import { applyPatchType, asObjectOf, checkSchema, fieldValidationOf, isDryRun, mediaType, parseBody, warningHeader, type FieldValidation } from './body';
import { invalidOptions, updateTracker, type TrackFields } from './field-manager';
import { handleApply } from './apply';
import { groupResource, keyOf, queryOf, withTypeMeta } from './common';
import { rfc3339, sendJson } from './respond';

export const modifiedMessage = 'the object has been modified; please apply your changes to the latest version and try again';

const validateName = (info: ResourceInfo, name: string | undefined): StatusCause[] => {
  if (!name) return [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  const errs = info.plural === 'namespaces' ? validateDNS1123Label(name) : validateDNS1123Subdomain(name);
  return errs.map((e) => ({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: ${e}` }));
};

/** The namespace in the body must agree with the URL; cluster-scoped objects have none. */
export const placeInNamespace = (ri: RequestInfo, obj: ApiObject): void => {
  if (!ri.resource.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== ri.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = ri.namespace;
};

const strategyOf = (ri: RequestInfo): Strategy => {
  const s = strategyFor(ri.resource);
  if (ri.subresource === 'status' && s.status) return s.status;
  return (ri.subresource && s.subresources?.[ri.subresource]) || s;
};

export interface CreateOptions {
  dryRun: boolean;
  mode: FieldValidation;
  /** Records the creating manager in metadata.managedFields. */
  track: TrackFields;
}

/**
 * The create pipeline shared by POST and server-side apply of a missing object: namespace
 * admission, schema, system metadata, strategy, managedFields, validation, then the store.
 */
export const createObject = async (ctx: HandlerContext, ri: RequestInfo, body: ApiObject, res: Response, o: CreateOptions): Promise<ApiObject> => {
  const info = ri.resource;
  let obj = body;
  placeInNamespace(ri, obj);
  if (info.namespaced) await admitCreate(ctx.store, info, ri.namespace, obj.metadata.name);
  obj = admitServiceAccount(info, checkSchema(ctx, info, obj, o.mode, res));
  if (info.plural === 'certificatesigningrequests' && info.group === 'certificates.k8s.io') obj = withRequester(obj, requester(res));
  if (info.namespaced) obj = await admitLimitRanges(ctx.store, info, ri.namespace, obj);
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
  const requested = obj.metadata.managedFields;
  const { resourceVersion: _rv, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, selfLink: _sl, managedFields: _mf, ...meta } = obj.metadata;
  void _rv; void _dt; void _dg; void _sl; void _mf;
  obj = withTypeMeta(info, {
    ...obj, metadata: { ...meta, uid: randomUUID(), creationTimestamp: rfc3339(ctx.now()), generation: 1 },
  });
  const strategy = strategyFor(info);
  const prepared = strategy.prepareForCreate(obj);
  obj = withManagedFields(prepared, o.track(undefined, prepared, requested));
  // After managedFields, as upstream's mutating admission: the volume (and a claim's default
  // class) is nobody's applied field, so a later apply of the same manifest does not remove it.
  if (info.namespaced) obj = await admitServiceAccountToken(ctx.store, info, ri.namespace, obj);
  obj = await admitDefaultStorageClass(ctx.store, info, obj);
  const causes = [...validateName(info, obj.metadata.name), ...strategy.validate(obj)];
  if (causes.length > 0) throw invalid(info.kind, info.group, obj.metadata.name ?? '', causes);
  // Validating admission: Pod Security, then (last) the quota, charged for the object as stored.
  if (info.namespaced) for (const w of await admitPodSecurity(ctx.store, info, ri.namespace, obj)) res.append('Warning', warningHeader(w));
  if (info.namespaced) await admitResourceQuota(ctx.store, info, ri.namespace, obj, { now: ctx.now(), dryRun: o.dryRun });
  if (o.dryRun) return obj;
  const created = await ctx.store.create(keyOf(ri, obj.metadata.name), obj);
  ctx.log.v(2, 'created', { resource: info.plural, namespace: obj.metadata.namespace, name: obj.metadata.name });
  return withTypeMeta(info, created);
};

export const handleCreate = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const obj = asObjectOf(ri.resource, parseBody(req));
  const track = updateTracker(ctx, ri, req, 'CreateOptions');
  sendJson(res, 201, await createObject(ctx, ri, obj, res, { dryRun: isDryRun(q), mode: fieldValidationOf(q), track }));
};

const withManagedFields = (obj: ApiObject, managedFields: ManagedFieldsEntry[] | undefined): ApiObject => {
  const { managedFields: _old, ...metadata } = obj.metadata;
  void _old;
  return { ...obj, metadata: managedFields ? { ...metadata, managedFields } : metadata };
};

/** Fields only the server sets survive any update. */
const keepSystemMeta = (next: ApiObject, cur: ApiObject): ApiObject => ({
  ...next,
  apiVersion: cur.apiVersion, kind: cur.kind,
  metadata: {
    ...next.metadata,
    name: cur.metadata.name, namespace: cur.metadata.namespace, uid: cur.metadata.uid,
    creationTimestamp: cur.metadata.creationTimestamp, generation: cur.metadata.generation,
    deletionTimestamp: cur.metadata.deletionTimestamp, deletionGracePeriodSeconds: cur.metadata.deletionGracePeriodSeconds,
  },
});

/**
 * Read-modify-write through the strategy: `mutate` builds the desired object from the stored
 * one (a PUT body, a patched copy, a new scale), then prepareForUpdate and validateUpdate run,
 * and `track` records the write in metadata.managedFields (without it they are kept as the
 * strategy leaves them).
 */
export const updateWith = async (ctx: HandlerContext, ri: RequestInfo, mutate: (cur: ApiObject) => ApiObject,
  pre: Preconditions | undefined, dryRun: boolean, track?: TrackFields, warn?: (text: string) => void): Promise<ApiObject> => {
  const info = ri.resource;
  const strategy = strategyOf(ri);
  const podSecurity = await podSecurityUpdate(ctx.store, info, ri.namespace, ri.subresource);
  const tryUpdate = (cur: ApiObject): ApiObject => {
    const mutated = mutate(cur);
    let next = strategy.prepareForUpdate(keepSystemMeta(mutated, cur), cur);
    if (track) next = withManagedFields(next, track(cur, next, mutated.metadata.managedFields));
    const causes = [...validateName(info, next.metadata.name), ...strategy.validateUpdate(next, cur)];
    if (causes.length > 0) throw invalid(info.kind, info.group, cur.metadata.name ?? '', causes);
    podSecurity?.check(next, cur);
    return next;
  };
  const key = keyOf(ri);
  // Quota admission of an update needs the change before it is stored (the charge is a write of
  // its own): the update is previewed on the object as it is now.
  if (info.namespaced && !ri.subresource && evaluatorFor(info.group, info.plural).chargesUpdates) {
    const cur = await ctx.store.get(key);
    await admitResourceQuota(ctx.store, info, ri.namespace, tryUpdate(structuredClone(cur)), { now: ctx.now(), dryRun }, cur);
  }
  const warnAfter = async (obj: ApiObject) => {
    if (podSecurity && warn) for (const w of await podSecurity.warnings()) warn(w);
    return obj;
  };
  if (!dryRun) return warnAfter(await ctx.store.guaranteedUpdate(key, tryUpdate, pre));
  const cur = await ctx.store.get(key);
  if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
    throw conflict(groupResource(info), ri.name, modifiedMessage);
  }
  const next = tryUpdate(cur);
  return warnAfter({ ...next, metadata: { ...next.metadata, resourceVersion: cur.metadata.resourceVersion } });
};

/** Where an update's admission warnings go: Warning headers of the response. */
export const warnInto = (res: Response) => (text: string) => { res.append('Warning', warningHeader(text)); };

export const handleUpdate = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  let obj = asObjectOf(ri.resource, parseBody(req));
  if (obj.metadata.name !== ri.name) {
    throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${ri.name})`);
  }
  placeInNamespace(ri, obj);
  obj = checkSchema(ctx, ri.resource, obj, fieldValidationOf(q), res);
  const pre = obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : undefined;
  const updated = await updateWith(ctx, ri, () => obj, pre, isDryRun(q), updateTracker(ctx, ri, req, 'UpdateOptions'), warnInto(res));
  sendJson(res, 200, withTypeMeta(ri.resource, updated));
};

/** Applies a PATCH body of the request's patch type to `doc`. */
export const applyPatch = (type: string, doc: ApiObject, patch: unknown, info: Pick<ResourceInfo, 'schema'>): unknown => {
  switch (type) {
    case 'application/json-patch+json': return applyJsonPatch(doc, patch);
    case 'application/merge-patch+json': return applyMergePatch(doc, patch);
    case 'application/strategic-merge-patch+json': return applyStrategicMergePatch(doc, patch, info.schema);
    default: throw unsupportedMediaType(type);
  }
};

export const handlePatch = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const q = queryOf(req);
  const type = mediaType(req);
  if (type === applyPatchType) {
    await handleApply(ctx, ri, req, res);
    return;
  }
  if (q.force !== undefined) throw invalidOptions('PatchOptions', [{ reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
  const track = updateTracker(ctx, ri, req, 'PatchOptions');
  const mode = fieldValidationOf(q);
  const patch = parseBody(req);
  if (patch === undefined) throw badRequest('the body of a patch must not be empty');
  const mutate = (cur: ApiObject): ApiObject => {
    let obj = asObjectOf(ri.resource, applyPatch(type, cur, patch, ri.resource));
    obj = checkSchema(ctx, ri.resource, obj, mode, res);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(groupResource(ri.resource), ri.name, modifiedMessage);
    }
    return obj;
  };
  const updated = await updateWith(ctx, ri, mutate, undefined, isDryRun(q), track, warnInto(res));
  sendJson(res, 200, withTypeMeta(ri.resource, updated));
};
