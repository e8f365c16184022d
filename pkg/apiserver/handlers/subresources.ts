// pods/binding (the scheduler's bind) and the scale subresource (autoscaling/v1 Scale).
import type { Request, Response } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import type { Binding, Pod, PodCondition } from '../../../api/core/v1';
import type { ReplicaSet } from '../../../api/apps/v1';
import { subresourceKinds } from '../../../api/resources';
import { badRequest, conflict, invalid } from '../../apimachinery/errors';
import { labelSelectorToString } from '../../apimachinery';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { applyPatchType, isDryRun, mediaType, parseBody } from './body';
import { handleScaleApply } from './scale-apply';
import { keyOf, queryOf } from './common';
import { applyPatch, modifiedMessage, updateWith } from './write';
import { updateTracker } from './field-manager';
import { rfc3339, sendJson } from './respond';

const withScheduledCondition = (pod: Pod, now: Date): Pod['status'] => {
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  const scheduled: PodCondition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) };
  return { ...pod.status, conditions: [...conditions, scheduled] };
};

export const handleBinding = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  const binding = parseBody(req) as Binding | undefined;
  const node = binding?.target?.name;
  if (!node) throw invalid('Binding', '', ri.name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  if (binding.metadata?.name && binding.metadata.name !== ri.name) {
    throw badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${ri.name})`);
  }
  const gr = { group: '', resource: 'pods/binding' };
  const bind = (cur: ApiObject): ApiObject => {
    const pod = cur as Pod;
    if (pod.metadata?.deletionTimestamp) throw conflict(gr, ri.name, `pod ${ri.name} is being deleted, cannot be assigned to a host`);
    if (pod.spec?.nodeName) throw conflict(gr, ri.name, `pod ${ri.name} is already assigned to node "${pod.spec.nodeName}"`);
    return { ...cur, spec: { ...pod.spec, nodeName: node }, status: withScheduledCondition(pod, ctx.now()) };
  };
  const pre = binding.metadata?.uid ? { uid: binding.metadata.uid } : undefined;
  if (!isDryRun(queryOf(req))) await ctx.store.guaranteedUpdate(keyOf(ri), bind, pre);
  ctx.log.v(2, 'bound pod', { namespace: ri.namespace, name: ri.name, node });
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
};

/** The Scale view of a ReplicaSet. */
export const toScale = (obj: ApiObject) => {
  const rs = obj as ReplicaSet;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: rs.spec?.replicas ?? 0 },
    status: { replicas: rs.status?.replicas ?? 0, selector: rs.spec?.selector ? labelSelectorToString(rs.spec.selector) : '' },
  };
};

type ScaleObj = ReturnType<typeof toScale>;

const replicasOf = (name: string, scale: unknown): number => {
  const r = (scale as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
  if (r === undefined) return 0;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) {
    throw invalid('Scale', 'autoscaling', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(r)}: must be greater than or equal to 0` }]);
  }
  return r;
};

export const handleScale = async (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response): Promise<void> => {
  if (ri.verb === 'get') {
    sendJson(res, 200, toScale(await ctx.store.get(keyOf(ri))));
    return;
  }
  const type = mediaType(req);
  if (ri.verb === 'patch' && type === applyPatchType) {
    await handleScaleApply(ctx, ri, req, res, (o) => toScale(o) as unknown as ApiObject, replicasOf);
    return;
  }
  const body = parseBody(req);
  const mainRi: RequestInfo = { ...ri, subresource: '' };
  const mutate = (cur: ApiObject): ApiObject => {
    const scale = toScale(cur);
    const next = (ri.verb === 'patch' ? applyPatch(type, scale as unknown as ApiObject, body, { schema: subresourceKinds.Scale }) : body) as ScaleObj;
    const rv = next?.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw conflict({ group: ri.group, resource: ri.resource.plural }, ri.name, modifiedMessage);
    return { ...cur, spec: { ...(cur.spec as object), replicas: replicasOf(ri.name, next) } };
  };
  // Recorded on the parent object, with subresource "scale" (upstream's scale field manager).
  const track = updateTracker(ctx, ri, req, ri.verb === 'patch' ? 'PatchOptions' : 'UpdateOptions');
  const updated = await updateWith(ctx, mainRi, mutate, undefined, isDryRun(queryOf(req)), track);
  sendJson(res, 200, toScale(updated));
};
