// The authorization step every request passes after authentication (upstream's WithAuthorization):
// RBAC decides, and a refusal is a 403 Forbidden Status saying who cannot do what.
import type { NextFunction, Request, Response } from 'express';
import { forbiddenResource } from '../../apimachinery/errors';
import type { Store } from '../../storage';
import { requester, type UserInfo } from '../authn';
import type { RequestInfo } from '../request-info';
import { sendJson } from '../handlers/respond';
import { attributesOf } from './attributes';
import { authorize, forbiddenReason, mastersGroup, type Attributes } from './rbac';
import { cacheRbacSource } from './source';

export const forbiddenFor = (user: UserInfo, a: Attributes) =>
  forbiddenResource(a.resourceRequest ? { group: a.apiGroup, resource: a.resource } : { group: '', resource: '' }, a.resourceRequest ? a.name : '', forbiddenReason(user, a));

export const authorizeRequests = (store: Pick<Store, 'get' | 'list'>) => {
  const source = cacheRbacSource(store);
  return (req: Request, res: Response, next: NextFunction): void => {
    const user = requester(res);
    // Nearly all traffic (the components, kubectl with the admin certificate): no lookup at all.
    if (user.groups.includes(mastersGroup)) {
      next();
      return;
    }
    const a = attributesOf(req.method, req.path, req.query as Record<string, unknown>, res.locals.ri as RequestInfo | undefined);
    authorize(source, user, a).then((allowed) => {
      if (allowed) next();
      else sendJson(res, 403, forbiddenFor(user, a).status);
    }, next);
  };
};
