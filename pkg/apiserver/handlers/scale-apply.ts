// Server-side apply on the scale subresource (k8s staging/.../managedfields ScaleHandler):
// the parent's managers of .spec.replicas are shown to the apply as managers of the Scale's
// .spec.replicas; after the apply, the Scale's managers are mapped back onto the parent (a new
// owner gets an entry with subresource "scale", a manager that lost .spec.replicas loses it
// on the parent too). Conflicts are the Scale's: another manager of .spec.replicas → 409.
import type { Request, Response } from 'express';
import type { ApiObject, ManagedFieldsEntry } from '../../../api/meta/v1';
import { subresourceKinds } from '../../../api/resources';
import { badRequest, conflict } from '../../apimachinery/errors';
import {
  decodeManagedFields, encodeManagedFields, FieldSet, managerIdentifier, trackApply, type FieldManagerScope, type Managed,
} from '../../apimachinery/managed-fields';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { decodeApplyYaml, applyOptionsOf } from './apply';
import { isDryRun } from './body';
import { groupResource, queryOf } from './common';
import { rfc3339, sendJson } from './respond';
import { modifiedMessage, updateWith } from './write';

const scaleApiVersion = 'autoscaling/v1';
const replicasPath = ['f:spec', 'f:replicas'];

export interface ScaleManagers {
  entries: ManagedFieldsEntry[] | undefined;
  /** Scale-side manager identity → the parent entry it came from. */
  origin: Map<string, string>;
}

/** ToSubresource: the parent's managers of .spec.replicas as managers of the Scale's. */
export const toScaleManagers = (parent: readonly ManagedFieldsEntry[] | undefined): ScaleManagers => {
  const scale: Managed = new Map();
  const origin = new Map<string, string>();
  for (const [id, m] of decodeManagedFields(parent)) {
    if (!m.set.has(replicasPath)) continue;
    const entry = { ...m, apiVersion: scaleApiVersion, set: FieldSet.of(replicasPath) };
    scale.set(managerIdentifier(entry), entry);
    origin.set(managerIdentifier(entry), id);
  }
  return { entries: encodeManagedFields(scale), origin };
};

/** ToParent: the Scale's managers after the apply, mapped back onto the parent's entries. */
export const toParentManagers = (parent: readonly ManagedFieldsEntry[] | undefined, scale: readonly ManagedFieldsEntry[] | undefined,
  origin: Map<string, string>, parentApiVersion: string): ManagedFieldsEntry[] | undefined => {
  const managed = decodeManagedFields(parent);
  const owners = new Set<string>();
  for (const [sid, s] of decodeManagedFields(scale)) {
    if (!s.set.has(replicasPath)) continue;
    const id = origin.get(sid) ?? managerIdentifier({ ...s, apiVersion: parentApiVersion });
    owners.add(id);
    const cur = managed.get(id);
    managed.set(id, cur
      ? { ...cur, set: cur.set.union(FieldSet.of(replicasPath)), time: s.time ?? cur.time }
      : { ...s, apiVersion: parentApiVersion, set: FieldSet.of(replicasPath) });
  }
  for (const [id, m] of managed) {
    if (!owners.has(id) && m.set.has(replicasPath)) managed.set(id, { ...m, set: m.set.difference(FieldSet.of(replicasPath)) });
  }
  return encodeManagedFields(managed);
};

const scaleConfigOf = (req: Request, name: string): ApiObject => {
  const body = decodeApplyYaml(req);
  const config = body as ApiObject | undefined;
  // upstream's structured merge manager checks the group/version first.
  if (config && typeof config === 'object' && config.apiVersion !== scaleApiVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(config.apiVersion ?? '')}, expected: ${scaleApiVersion}`);
  }
  if (!config || typeof config !== 'object' || config.kind !== 'Scale') {
    throw badRequest(`invalid object type: ${String(config?.apiVersion ?? '')}, Kind=${String(config?.kind ?? '')}`);
  }
  config.metadata = { ...(config.metadata ?? {}) };
  if (config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  if ((config.metadata.name ?? name) !== name) throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
  config.metadata.name = name;
  return config;
};

/** PATCH …/scale with application/apply-patch+yaml. */
export const handleScaleApply = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response,
  toScale: (obj: ApiObject) => ApiObject, replicasOf: (name: string, scale: unknown) => number): Promise<void> => {
  const q = queryOf(req);
  const { manager, force } = applyOptionsOf(q);
  const config = scaleConfigOf(req, ri.name);
  const scope: FieldManagerScope = {
    schema: subresourceKinds.Scale, apiVersion: scaleApiVersion, kind: 'Scale', subresource: 'scale',
    resetFields: FieldSet.of(['f:status']), now: rfc3339(ctx.now()),
  };
  const mutate = (cur: ApiObject): ApiObject => {
    const rv = config.metadata.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict(groupResource(ri.resource), ri.name, modifiedMessage);
    const mapped = toScaleManagers(cur.metadata.managedFields);
    const scale = toScale(cur);
    const out = trackApply(scope, { ...scale, metadata: { ...scale.metadata, managedFields: mapped.entries } }, config, manager, force);
    const managedFields = toParentManagers(cur.metadata.managedFields, out.managedFields, mapped.origin, cur.apiVersion ?? '');
    return { ...cur, spec: { ...(cur.spec as object), replicas: replicasOf(ri.name, out.object) }, metadata: { ...cur.metadata, managedFields } } as ApiObject;
  };
  const updated = await updateWith(ctx, { ...ri, subresource: '' }, mutate, undefined, isDryRun(q), (_cur, _next, requested) => requested);
  sendJson(res, 200, toScale(updated));
};
