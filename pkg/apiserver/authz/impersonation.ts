// Impersonation (upstream's WithImpersonation filter): `kubectl --as=jane --as-group=devs` sends
// Impersonate-User, Impersonate-Group, Impersonate-Uid and Impersonate-Extra-<key> headers. Each
// thing asked for is authorized as the verb `impersonate` on users, serviceaccounts, groups,
// uids or userextras; when all are allowed the request goes on as the impersonated user, and the
// headers are removed. A refusal is the usual 403, naming what could not be impersonated.
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { badRequest } from '../../apimachinery/errors';
import type { Logger } from '../../log';
import type { Store } from '../../storage';
import { requester, type UserInfo } from '../authn';
import { sendJson } from '../handlers/respond';
import { authorize, mastersGroup, type Attributes } from './rbac';
import { cacheRbacSource } from './source';
import { forbiddenFor } from './step';

const userHeader = 'impersonate-user';
const groupHeader = 'impersonate-group';
const uidHeader = 'impersonate-uid';
const extraPrefix = 'impersonate-extra-';

const authenticated = 'system:authenticated';
const unauthenticated = 'system:unauthenticated';
const anonymous = 'system:anonymous';

/** One thing to impersonate, as the authorizer is asked about it. */
export interface ImpersonationRequest { resource: 'users' | 'serviceaccounts' | 'groups' | 'uids' | 'userextras'; name: string; namespace?: string; extraKey?: string }

/** A valid DNS label (a namespace) or subdomain (a service account name). */
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `system:serviceaccount:<ns>:<name>` → its namespace and name (serviceaccount.SplitUsername); else undefined. */
export const splitServiceAccountUsername = (username: string): { namespace: string; name: string } | undefined => {
  const prefix = 'system:serviceaccount:';
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (!label.test(namespace) || namespace.length > 63 || !subdomain.test(name) || name.length > 253) return undefined;
  return { namespace, name };
};

/** The impersonation the headers ask for, in upstream's order; [] when none. Throws when groups, a uid or extras come without a user. */
export const impersonationRequests = (headers: Record<string, string[] | undefined>): ImpersonationRequest[] => {
  const out: ImpersonationRequest[] = [];
  const user = headers[userHeader]?.[0] ?? '';
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? { resource: 'serviceaccounts', name: sa.name, namespace: sa.namespace } : { resource: 'users', name: user });
  }
  const rest: ImpersonationRequest[] = [];
  for (const g of headers[groupHeader] ?? []) rest.push({ resource: 'groups', name: g });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(extraPrefix)) continue;
    let key = header.slice(extraPrefix.length);
    try { key = decodeURIComponent(key).toLowerCase(); } catch { /* not escaped: the key as sent */ }
    for (const v of values ?? []) rest.push({ resource: 'userextras', name: v, extraKey: key });
  }
  const uid = headers[uidHeader]?.[0] ?? '';
  if (uid) rest.push({ resource: 'uids', name: uid });
  if (rest.length > 0 && !user) {
    // Upstream answers 500 InternalError here; a client's mistake is a 400.
    throw badRequest(`requested ${rest.map((r) => `${r.resource} ${JSON.stringify(r.name)}`).join(', ')} without impersonating a user`);
  }
  return [...out, ...rest];
};

/** What the authorizer is asked for one impersonation. */
export const impersonationAttributes = (r: ImpersonationRequest, path: string): Attributes => ({
  verb: 'impersonate', resourceRequest: true,
  apiGroup: r.resource === 'uids' || r.resource === 'userextras' ? 'authentication.k8s.io' : '',
  resource: r.resource, subresource: r.extraKey ?? '', name: r.name, namespace: r.namespace ?? '', path,
});

/** The user the request goes on as (upstream's group rules for service accounts and system:authenticated). */
export const impersonatedUser = (asked: ImpersonationRequest[]): UserInfo => {
  let name = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  const groupsGiven = asked.some((r) => r.resource === 'groups');
  for (const r of asked) {
    switch (r.resource) {
      case 'users': name = r.name; break;
      case 'serviceaccounts':
        name = `system:serviceaccount:${r.namespace ?? ''}:${r.name}`;
        if (!groupsGiven) groups = ['system:serviceaccounts', `system:serviceaccounts:${r.namespace ?? ''}`];
        break;
      case 'groups': groups.push(r.name); break;
      case 'uids': uid = r.name; break;
      case 'userextras': (extra[r.extraKey ?? ''] ??= []).push(r.name); break;
    }
  }
  if (name !== anonymous) {
    if (!groups.includes(authenticated) && !groups.includes(unauthenticated)) groups.push(authenticated);
  } else if (!groups.includes(unauthenticated)) {
    groups.push(unauthenticated);
  }
  return { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
};

const removeHeaders = (headers: IncomingHttpHeaders): void => {
  for (const h of Object.keys(headers)) if (h === userHeader || h === groupHeader || h === uidHeader || h.startsWith(extraPrefix)) delete headers[h];
};

/** The step between authentication and authorization. */
export const impersonateRequests = (store: Pick<Store, 'get' | 'list'>, log: Logger) => {
  const source = cacheRbacSource(store);
  return (req: Request, res: Response, next: NextFunction): void => {
    // headersDistinct keeps repeated headers apart (headers joins them with ", ").
    if (!Object.keys(req.headers).some((h) => h.startsWith('impersonate-'))) {
      next();
      return;
    }
    const user = requester(res);
    (async () => {
      const asked = impersonationRequests(req.headersDistinct);
      for (const r of asked) {
        const a = impersonationAttributes(r, req.path);
        if (!user.groups.includes(mastersGroup) && !(await authorize(source, user, a))) return forbiddenFor(user, a);
      }
      const as = impersonatedUser(asked);
      log.v(4, 'impersonating', { user: user.name, as: as.name, groups: as.groups });
      res.locals.user = as;
      res.locals.impersonated = true;
      removeHeaders(req.headers);
      return undefined;
    })().then((refused) => {
      if (refused) sendJson(res, 403, refused.status);
      else next();
    }, next);
  };
};
