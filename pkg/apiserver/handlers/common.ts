// Small helpers shared by the resource handlers.
import type { Request } from 'express';
import type { ApiObject } from '../../../api/meta/v1';
import { apiVersionOf, type ResourceInfo } from '../../../api/resources';
import type { GroupResource } from '../../apimachinery/errors';
import { objectKey, resourcePrefix } from '../../storage';
import type { RequestInfo } from '../request-info';

export const groupResource = (info: ResourceInfo): GroupResource => ({ group: info.group, resource: info.plural });

export const keyOf = (ri: RequestInfo, name = ri.name): string =>
  objectKey(ri.resource.plural, ri.resource.namespaced ? ri.namespace : undefined, name);

export const prefixOf = (ri: RequestInfo): string =>
  resourcePrefix(ri.resource.plural, ri.resource.namespaced && ri.namespace ? ri.namespace : undefined);

/** apiVersion and kind first, as upstream encodes them. */
export const withTypeMeta = (info: ResourceInfo, obj: ApiObject): ApiObject =>
  ({ ...obj, apiVersion: apiVersionOf(info), kind: info.kind });

export const queryOf = (req: Request): Record<string, unknown> => req.query as Record<string, unknown>;

export const queryString = (q: Record<string, unknown>, key: string): string | undefined => {
  const v = q[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
};
