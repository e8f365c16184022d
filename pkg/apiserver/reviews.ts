// The create-only reviews that store nothing: authentication.k8s.io/v1 SelfSubjectReview
// (`kubectl auth whoami`) and TokenReview (who a bearer token is, for webhook authenticators and
// tools), authorization.k8s.io/v1 SelfSubjectAccessReview (`kubectl auth can-i`) and
// SelfSubjectRulesReview (`can-i --list`). There is no authorization yet (every authenticated user
// may do everything), so every access review is allowed and says why, and the rules are `*`.
import type { Request, Response } from 'express';
import type { ApiObject } from '../../api/meta/v1';
import type { SelfSubjectAccessReview } from '../../api/authorization/v1';
import { apiVersionOf, reviewResources, type ResourceInfo } from '../../api/resources';
import { badRequest, invalid, methodNotAllowed } from '../apimachinery/errors';
import type { HandlerContext } from './handlers/context';
import type { RequestInfo } from './request-info';
import { checkSchema, fieldValidationOf, parseBody } from './handlers/body';
import { queryOf } from './handlers/common';
import { sendJson } from './handlers/respond';
import type { UserInfo } from './authn';
import { serviceAccountTokenAuthenticator } from './serviceaccount-token';

export const allowedReason = 'berth has no authorization yet: every authenticated user may do everything';

type Handler = (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response) => Promise<void>;

/** The user as upstream's authenticator chain reports it: every authenticated user is in system:authenticated. */
export const requester = (res: Response): UserInfo => {
  const u = (res.locals.user as UserInfo | undefined) ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const authenticated = u.name !== 'system:anonymous' && !u.groups.includes('system:authenticated');
  return authenticated ? { ...u, groups: [...u.groups, 'system:authenticated'] } : u;
};

/** The object without null-valued fields: Go's JSON decoding leaves a field unset for null (kubectl's JSON sends `"field": null`). */
export const withoutNulls = <T>(v: T): T => {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(withoutNulls) as T;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)])) as T;
};

/** The request body as the review's kind, checked against its schema (wrong types are a 4xx, as for any write). */
const bodyOf = (ctx: HandlerContext, req: Request, res: Response, ri: RequestInfo): Record<string, unknown> => {
  const body = parseBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`the body of a ${ri.resource.kind} must be an object`);
  const kind = (body as { kind?: unknown }).kind;
  if (kind !== undefined && kind !== ri.resource.kind) throw badRequest(`not a ${ri.resource.kind}: ${JSON.stringify(kind)}`);
  // status is the server's answer: what a client sends there (kubectl's zero values) is not checked.
  const { status: _status, ...rest } = body as Record<string, unknown>;
  void _status;
  const obj = withoutNulls({ ...rest, metadata: (body as { metadata?: unknown }).metadata ?? {} }) as ApiObject;
  return checkSchema(ctx, ri.resource, obj, fieldValidationOf(queryOf(req)), res) as unknown as Record<string, unknown>;
};

const handleSelfSubjectReview: Handler = (ctx, ri, req, res) => {
  bodyOf(ctx, req, res, ri);
  const u = requester(res);
  sendJson(res, 201, {
    kind: 'SelfSubjectReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null },
    status: { userInfo: { username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) } },
  });
  return Promise.resolve();
};

/** ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute sets. */
const validateAccessReview = (review: SelfSubjectAccessReview): void => {
  const spec = review.spec ?? {};
  const both = spec.resourceAttributes && spec.nonResourceAttributes;
  const neither = !spec.resourceAttributes && !spec.nonResourceAttributes;
  if (both || neither) {
    throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [{
      reason: 'FieldValueInvalid', field: 'spec.resourceAttributes',
      message: `Invalid value: ${JSON.stringify(spec.resourceAttributes ?? null)}: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    }]);
  }
};

const handleSelfSubjectAccessReview: Handler = (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as unknown as SelfSubjectAccessReview;
  validateAccessReview(review);
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null },
    spec: review.spec, status: { allowed: true, reason: allowedReason },
  });
  return Promise.resolve();
};

const handleSelfSubjectRulesReview: Handler = (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as { spec?: { namespace?: string } };
  sendJson(res, 201, {
    kind: 'SelfSubjectRulesReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null }, spec: review.spec ?? {},
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  });
  return Promise.resolve();
};

/** TokenReview: the service account token authenticator's answer for spec.token and spec.audiences. */
const handleTokenReview: Handler = async (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as { spec?: { token?: string; audiences?: string[] } };
  const spec = review.spec ?? {};
  const audiences = spec.audiences?.length ? spec.audiences : undefined;
  const user = spec.token ? await serviceAccountTokenAuthenticator(ctx)(spec.token, audiences) : undefined;
  const status = user
    ? { authenticated: true, user: { username: user.name, uid: user.uid, groups: user.groups, extra: user.extra }, audiences: user.audiences }
    : { user: {}, error: spec.token ? 'invalid bearer token' : 'no token' };
  sendJson(res, 201, { kind: 'TokenReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null }, spec, status });
};

const byName: Record<string, Handler> = {
  'authentication.k8s.io/v1/selfsubjectreviews': handleSelfSubjectReview,
  'authentication.k8s.io/v1beta1/selfsubjectreviews': handleSelfSubjectReview,
  'authentication.k8s.io/v1/tokenreviews': handleTokenReview,
  'authorization.k8s.io/v1/selfsubjectaccessreviews': handleSelfSubjectAccessReview,
  'authorization.k8s.io/v1/selfsubjectrulesreviews': handleSelfSubjectRulesReview,
};
// Keyed by the table's own entries: one Map lookup per request on the hot path.
const handlers = new Map<ResourceInfo, Handler>(reviewResources.flatMap((r) => {
  const h = byName[`${apiVersionOf(r)}/${r.plural}`];
  return h ? [[r, h] as const] : [];
}));

/** The handler of a review request, undefined for every other resource; reviews take POST only. */
export const reviewHandlerFor = (ri: RequestInfo): Handler | undefined => {
  const h = handlers.get(ri.resource);
  if (!h) return undefined;
  if (ri.verb !== 'create' || ri.name || ri.subresource) throw methodNotAllowed('the server does not allow this method on the requested resource');
  return h;
};
