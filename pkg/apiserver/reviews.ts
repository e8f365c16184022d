// The create-only reviews that store nothing: authentication.k8s.io/v1 SelfSubjectReview
// (`kubectl auth whoami`) and TokenReview (who a bearer token is, for webhook authenticators and
// tools), authorization.k8s.io/v1 SelfSubjectAccessReview (`kubectl auth can-i`),
// SelfSubjectRulesReview (`can-i --list`), and SubjectAccessReview and LocalSubjectAccessReview
// (may this other user…, for webhooks and proxies), all answered by the RBAC authorizer (authz/rbac.ts).
import type { Request, Response } from 'express';
import type { ApiObject } from '../../api/meta/v1';
import type { SelfSubjectAccessReview, SubjectAccessReview } from '../../api/authorization/v1';
import { apiVersionOf, reviewResources, type ResourceInfo } from '../../api/resources';
import { badRequest, invalid, methodNotAllowed } from '../apimachinery/errors';
import type { HandlerContext } from './handlers/context';
import type { RequestInfo } from './request-info';
import { checkSchema, fieldValidationOf, parseBody } from './handlers/body';
import { queryOf } from './handlers/common';
import { sendJson } from './handlers/respond';
import { requester } from './authn';
import { authorize, rulesFor, type Attributes } from './authz/rbac';
import { cacheRbacSource } from './authz/source';
import { serviceAccountTokenAuthenticator } from './serviceaccount-token';

type Handler = (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response) => Promise<void>;

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

type Cause = { reason: string; field: string; message: string };

/** ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute sets. */
const attributeCauses = (spec: SelfSubjectAccessReview['spec'] | undefined): Cause[] => {
  const both = spec?.resourceAttributes && spec.nonResourceAttributes;
  const neither = !spec?.resourceAttributes && !spec?.nonResourceAttributes;
  if (!both && !neither) return [];
  return [{
    reason: 'FieldValueInvalid', field: 'spec.resourceAttributes',
    message: `Invalid value: ${JSON.stringify(spec?.resourceAttributes ?? null)}: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
  }];
};

const validateAccessReview = (review: SelfSubjectAccessReview): void => {
  const causes = attributeCauses(review.spec);
  if (causes.length) throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', causes);
};

/** ValidateSubjectAccessReview (and its Local form): one attribute set, a user or a group, metadata empty (but for the namespace). */
const validateSubjectAccessReview = (kind: string, review: SubjectAccessReview, namespace: string): void => {
  const causes = attributeCauses(review.spec);
  const spec = review.spec ?? {};
  if (!spec.user && !(spec.groups ?? []).length) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' });
  }
  const { namespace: ns, ...meta } = review.metadata ?? {};
  if (Object.keys(meta).length > 0 || (ns && ns !== namespace)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata', message: `Invalid value: ${JSON.stringify(review.metadata)}: must be empty${namespace ? ' except for namespace' : ''}` });
  }
  if (causes.length) throw invalid(kind, 'authorization.k8s.io', '', causes);
};

/** The attributes a SelfSubjectAccessReview asks about, as the authorizer sees a request. */
const reviewAttributes = (spec: SelfSubjectAccessReview['spec']): Attributes => {
  const r = spec?.resourceAttributes;
  if (r) {
    return {
      verb: r.verb ?? '', resourceRequest: true, apiGroup: r.group ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '',
      name: r.name ?? '', namespace: r.namespace ?? '', path: '',
    };
  }
  const n = spec?.nonResourceAttributes ?? {};
  return { verb: n.verb ?? '', resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path: n.path ?? '' };
};

const handleSelfSubjectAccessReview: Handler = async (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as unknown as SelfSubjectAccessReview;
  validateAccessReview(review);
  const allowed = await authorize(cacheRbacSource(ctx.store), requester(res), reviewAttributes(review.spec));
  sendJson(res, 201, {
    kind: 'SelfSubjectAccessReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null },
    spec: review.spec, status: { allowed },
  });
};

/**
 * SubjectAccessReview and LocalSubjectAccessReview: whether the user of spec (its groups as
 * given: nothing is added) may do what the attributes say. A LocalSubjectAccessReview asks in the
 * namespace of its path, and its resourceAttributes must name that namespace or none.
 */
const handleSubjectAccessReview: Handler = async (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as unknown as SubjectAccessReview;
  const local = ri.namespace !== '';
  let spec = review.spec ?? {};
  if (local && spec.resourceAttributes) {
    const ns = spec.resourceAttributes.namespace ?? '';
    if (ns !== '' && ns !== ri.namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ri.namespace}`);
    spec = { ...spec, resourceAttributes: { ...spec.resourceAttributes, namespace: ri.namespace } };
  }
  validateSubjectAccessReview(ri.resource.kind, { ...review, spec }, ri.namespace);
  const user = { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
  const allowed = await authorize(cacheRbacSource(ctx.store), user, reviewAttributes(spec));
  sendJson(res, 201, {
    kind: ri.resource.kind, apiVersion: apiVersionOf(ri.resource),
    metadata: { ...(local ? { namespace: ri.namespace } : {}), creationTimestamp: null },
    spec, status: { allowed },
  });
};

/** `kubectl auth can-i --list`: the rules the requester holds in the namespace, from its bindings. */
const handleSelfSubjectRulesReview: Handler = async (ctx, ri, req, res) => {
  const review = bodyOf(ctx, req, res, ri) as { spec?: { namespace?: string } };
  const rules = await rulesFor(cacheRbacSource(ctx.store), requester(res), review.spec?.namespace ?? '');
  const resourceRules = rules.filter((r) => (r.resources ?? []).length > 0)
    .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) }));
  const nonResourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length > 0).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs ?? [] }));
  sendJson(res, 201, {
    kind: 'SelfSubjectRulesReview', apiVersion: apiVersionOf(ri.resource), metadata: { creationTimestamp: null }, spec: review.spec ?? {},
    status: { resourceRules, nonResourceRules, incomplete: false },
  });
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
  'authorization.k8s.io/v1/subjectaccessreviews': handleSubjectAccessReview,
  'authorization.k8s.io/v1/localsubjectaccessreviews': handleSubjectAccessReview,
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
